using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Tessera.Http;

/// <summary>Bound from <c>Limits:Requests</c>.</summary>
public sealed class RequestLimitOptions
{
    public const string Section = "Limits:Requests";

    /// <summary>Requests one credential (API key or session) may make per minute on this instance. Defaults to 1200.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10_000_000)]
    public int PerMinute { get; set; } = 1200;
}

/// <summary>
/// A per-credential request budget with fixed one-minute windows, kept per instance (it guards capacity; the
/// security limits that must hold across instances, such as token issuance, are counted in the database).
/// </summary>
public sealed class CallerRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly int _perMinute;
    private readonly TimeProvider _clock;

    public CallerRateLimiter(IOptions<RequestLimitOptions> options, TimeProvider clock)
    {
        _perMinute = options.Value.PerMinute;
        _clock = clock;
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = _perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true }));
    }

    /// <summary>Takes one request from the caller's budget, sets the headers, and says whether it may proceed.</summary>
    public bool TryAcquire(HttpContext http, string partition, out int retryAfterSeconds)
    {
        using var lease = _limiter.AttemptAcquire(partition);
        var remaining = (int)(_limiter.GetStatistics(partition)?.CurrentAvailablePermits ?? 0);
        var secondsIntoMinute = (int)(_clock.GetUtcNow().ToUnixTimeSeconds() % 60);
        retryAfterSeconds = 60 - secondsIntoMinute;
        RateLimitHeaders.Set(http, _perMinute, remaining, retryAfterSeconds);
        if (lease.IsAcquired) return true;
        if (lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)) retryAfterSeconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
        return false;
    }

    public void Dispose() => _limiter.Dispose();
}
