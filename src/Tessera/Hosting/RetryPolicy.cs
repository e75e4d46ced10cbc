namespace Tessera.Hosting;

/// <summary>
/// When a background job (an outbox message, a webhook delivery) is tried again after a failed attempt, or given up:
/// after a permanent failure, after <see cref="MaxAttempts"/> attempts, or when the next attempt would fall past
/// <see cref="RetryFor"/> from the job's creation.
/// </summary>
public sealed record RetryPolicy(RetryBackoff Backoff, int? MaxAttempts = null, TimeSpan? RetryFor = null)
{
    /// <returns>When to try again; null to give up.</returns>
    public DateTime? NextAttempt(int failedAttempts, bool permanent, DateTime createdAt, DateTime now) =>
        NextAttempt(failedAttempts, permanent, createdAt, now, Random.Shared.NextDouble());

    /// <param name="jitter">As for <see cref="RetryBackoff.After(int, double)"/>.</param>
    public DateTime? NextAttempt(int failedAttempts, bool permanent, DateTime createdAt, DateTime now, double jitter)
    {
        if (permanent || failedAttempts >= MaxAttempts) return null;
        var next = now + Backoff.After(failedAttempts, jitter);
        return next > createdAt + RetryFor ? null : next;
    }
}
