namespace Tessera.Hosting;

/// <summary>
/// Wakes a waiting loop early. Signals coalesce: however many arrive while the loop works, one wake-up follows,
/// which is all a loop that reads everything new needs. A loop woken from elsewhere in the process registers its own
/// subclass (<see cref="Delivery.OutboxSignal"/>), so that each loop is injected its own instance.
/// </summary>
public class WakeSignal
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Notify()
    {
        try { _wake.Release(); }
        catch (SemaphoreFullException) { } // already signalled: one wake-up covers everything so far
    }

    /// <returns>True when signalled, false when the wait ran out.</returns>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var expiry = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(expiry.Token, cancellationToken);
        try
        {
            await _wake.WaitAsync(linked.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
