using System.Collections.Concurrent;
using System.Globalization;
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
/// A per-credential request budget with fixed one-minute windows (whole minutes of the clock, so
/// <c>Ratelimit-Reset</c> is exactly when the budget refills), kept per instance (it guards capacity; the security
/// limits that must hold across instances, such as token issuance, are counted in the database).
/// </summary>
/// <remarks>
/// One counter per credential, updated with a compare-and-swap: no lock is shared between callers (the
/// PartitionedRateLimiter this replaces took one global lock per request, and visited every partition ten times a
/// second, which showed as lock contention under load). Counters of credentials idle for a whole window are dropped
/// once a minute, off the request path.
/// </remarks>
public sealed class CallerRateLimiter
{
    private readonly int _perMinute;
    private readonly string _perMinuteText;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, Counter> _byKey = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, Counter> _bySession = new();
    private long _sweptMinute;

    public CallerRateLimiter(IOptions<RequestLimitOptions> options, TimeProvider clock)
    {
        _perMinute = options.Value.PerMinute;
        _perMinuteText = _perMinute.ToString(CultureInfo.InvariantCulture);
        _clock = clock;
        _sweptMinute = CurrentMinute(out _);
    }

    /// <summary>(minute << 32) | requests counted in that minute.</summary>
    private sealed class Counter
    {
        public long State;
    }

    /// <summary>Takes one request from the caller's budget, sets the headers, and says whether it may proceed.</summary>
    public bool TryAcquire(HttpContext http, string partition, out int retryAfterSeconds) =>
        TryAcquire(http, _byKey.GetOrAdd(partition, static _ => new Counter()), out retryAfterSeconds);

    /// <inheritdoc cref="TryAcquire(HttpContext, string, out int)"/>
    public bool TryAcquire(HttpContext http, Guid session, out int retryAfterSeconds) =>
        TryAcquire(http, _bySession.GetOrAdd(session, static _ => new Counter()), out retryAfterSeconds);

    private bool TryAcquire(HttpContext http, Counter counter, out int retryAfterSeconds)
    {
        var minute = CurrentMinute(out retryAfterSeconds);
        if (minute != Volatile.Read(ref _sweptMinute)) Sweep(minute);
        long state, next;
        int count;
        do
        {
            state = Volatile.Read(ref counter.State);
            count = state >> 32 == minute ? (int)state : 0;
            if (count >= _perMinute) break;
            next = (minute << 32) | (uint)(count + 1);
        }
        while (Interlocked.CompareExchange(ref counter.State, next, state) != state);

        var allowed = count < _perMinute;
        RateLimitHeaders.Set(http, _perMinuteText, allowed ? _perMinute - count - 1 : 0, retryAfterSeconds);
        return allowed;
    }

    private long CurrentMinute(out int secondsToNextMinute)
    {
        var seconds = _clock.GetUtcNow().ToUnixTimeSeconds();
        secondsToNextMinute = 60 - (int)(seconds % 60);
        return seconds / 60;
    }

    private void Sweep(long minute)
    {
        var swept = Volatile.Read(ref _sweptMinute);
        if (swept == minute || Interlocked.CompareExchange(ref _sweptMinute, minute, swept) != swept) return;
        ThreadPool.UnsafeQueueUserWorkItem(static state =>
        {
            var (limiter, current) = state;
            foreach (var (key, counter) in limiter._byKey) if (Volatile.Read(ref counter.State) >> 32 < current - 1) limiter._byKey.TryRemove(new KeyValuePair<string, Counter>(key, counter));
            foreach (var (key, counter) in limiter._bySession) if (Volatile.Read(ref counter.State) >> 32 < current - 1) limiter._bySession.TryRemove(new KeyValuePair<Guid, Counter>(key, counter));
        }, (this, minute), preferLocal: false);
    }
}
