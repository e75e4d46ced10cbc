using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Data;

namespace Tessera.Sessions;

/// <summary>
/// Tails the <c>revocations</c> table into the local <see cref="RevocationList"/>. Revocations made by any instance
/// sharing the database reach this one within one poll interval (250 ms by default), and on PostgreSQL at once:
/// <see cref="RevocationNotifications"/> wakes the loop when one is committed.
/// </summary>
/// <remarks>
/// Ids come from a sequence, and on PostgreSQL a transaction holding a lower id can commit after one holding a higher
/// id. So the watermark only advances over ids actually seen; a hole is re-read on every poll until it fills or a
/// grace period passes (a rolled-back insert leaves a hole for ever).
/// </remarks>
public sealed class RevocationSync(
    IServiceScopeFactory scopes,
    RevocationList list,
    IOptions<RevocationOptions> options,
    TimeProvider clock,
    ILogger<RevocationSync> logger) : Hosting.PollingService(logger)
{
    private static readonly TimeSpan HoleGrace = TimeSpan.FromSeconds(30);
    private readonly LogWatermark _watermark = new(clock, HoleGrace);
    private long _lastPrune;
    private readonly Hosting.WakeSignal _wake = new();
    private bool _woken;
    // Let tests wait for the next poll instead of for a length of time.
    private TaskCompletionSource _nextPoll = NewPollSignal(), _nextWokenPoll = NewPollSignal();

    /// <summary>Polls now instead of at the end of the interval (a revocation was committed elsewhere).</summary>
    public void Wake() => _wake.Notify();

    protected override async Task WaitAsync(CancellationToken cancellationToken) => _woken = await _wake.WaitAsync(Interval, clock, cancellationToken);

    /// <summary>Completes once a poll of the loop that starts after this call has applied what it read.</summary>
    internal Task NextPollAsync() => Volatile.Read(ref _nextPoll).Task;

    /// <summary>As <see cref="NextPollAsync"/>, counting only a poll that <see cref="Wake"/> started, not the interval.</summary>
    internal Task NextWokenPollAsync() => Volatile.Read(ref _nextWokenPoll).Task;

    private static TaskCompletionSource NewPollSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Load everything still in force before the server takes requests, so a restart never forgets a revocation.
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TesseraDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var live = await db.Revocations.AsNoTracking().Where(r => r.ExpiresAt > now).OrderBy(r => r.Id).ToListAsync(cancellationToken);
        foreach (var revocation in live) list.Apply(revocation);
        // Disabled is a state, not an event that expires: the profiles table is its source of truth.
        foreach (var profileId in await db.Profiles.AsNoTracking().Where(p => p.DisabledAt != null).Select(p => p.Id).ToListAsync(cancellationToken))
            list.MarkDisabled(profileId);
        _watermark.Reset(await db.Revocations.MaxAsync(r => (long?)r.Id, cancellationToken) ?? 0);
        _lastPrune = clock.GetTimestamp();
        logger.LogInformation("Loaded {Count} live revocation(s)", live.Count);
        await base.StartAsync(cancellationToken);
    }

    protected override TimeProvider Clock => clock;
    protected override TimeSpan Interval => options.Value.PollInterval;
    protected override string FailureMessage => "Reading revocations failed; retrying at the next poll";
    // StartAsync has just read everything: the first poll can wait an interval.
    protected override bool WaitFirst => true;

    /// <summary>Reads revocations past the watermark (and any holes below the newest seen id) into the list.</summary>
    protected override async Task PollAsync(CancellationToken cancellationToken)
    {
        var any = Interlocked.Exchange(ref _nextPoll, NewPollSignal());
        var woken = _woken ? Interlocked.Exchange(ref _nextWokenPoll, NewPollSignal()) : null;
        try
        {
            await PollOnceAsync(cancellationToken);
        }
        catch
        {
            // This poll applied nothing: whoever waits for it waits for the one after.
            _ = NextPollAsync().ContinueWith(_ => { any.TrySetResult(); woken?.TrySetResult(); }, TaskContinuationOptions.OnlyOnRanToCompletion);
            throw;
        }
        any.TrySetResult();
        woken?.TrySetResult();
    }

    /// <summary>One poll, for callers that cannot wait for the loop.</summary>
    public async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TesseraDbContext>();
        long watermark;
        lock (_watermark) watermark = _watermark.Value;
        var rows = await db.Revocations.AsNoTracking().Where(r => r.Id > watermark).OrderBy(r => r.Id).Take(5000).ToListAsync(cancellationToken);
        var now = clock.GetTimestamp();
        lock (_watermark)
        {
            foreach (var row in rows)
            {
                list.Apply(row);
                _watermark.Observe(row.Id, now);
            }
            _watermark.Advance(now);
        }
        if (clock.GetElapsedTime(_lastPrune, now) > TimeSpan.FromMinutes(1))
        {
            list.Prune(clock.GetUtcNow().UtcDateTime);
            _lastPrune = now;
        }
    }
}
