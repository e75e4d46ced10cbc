namespace Tessera.Hosting;

/// <summary>
/// The wait after a failed attempt: base, 2×base, 4×base … capped at the maximum, each ±20 % so that jobs which failed
/// together (a provider outage) do not all come back at the same instant.
/// </summary>
public readonly record struct RetryBackoff(TimeSpan BaseDelay, TimeSpan MaxDelay)
{
    /// <param name="failedAttempts">The attempts failed so far, from 1.</param>
    public TimeSpan After(int failedAttempts) => After(failedAttempts, Random.Shared.NextDouble());

    /// <param name="failedAttempts">The attempts failed so far, from 1.</param>
    /// <param name="jitter">In [0, 1): 0 gives 80 % of the wait, values towards 1 up to 120 % (never past the maximum).</param>
    public TimeSpan After(int failedAttempts, double jitter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempts, 1);
        // The exponent stops at 30: past it the wait is the maximum anyway, and the double would overflow.
        var exponential = BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failedAttempts - 1, 30));
        var jittered = Math.Min(exponential, MaxDelay.TotalMilliseconds) * (0.8 + 0.4 * jitter);
        return TimeSpan.FromMilliseconds(Math.Min(jittered, MaxDelay.TotalMilliseconds));
    }
}
