using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;
using Tessera.Data;

namespace Tessera.Subscriptions;

/// <summary>
/// Tails the committed event log (table <c>events</c>, written with the change that caused each event) into
/// <see cref="CableHub"/>. Woken at once by a commit of this process (<see cref="EventCommitSignal"/>) and, on
/// PostgreSQL, by <c>NOTIFY tessera_events</c> from any instance (<see cref="EventNotifications"/>); otherwise it
/// polls every <see cref="SubscriptionOptions.PollInterval"/>, so a missed wake-up costs one interval, never an event.
/// See docs/adr/0011-subscriptions.md.
/// </summary>
/// <remarks>
/// <c>seq</c> comes from a sequence: on PostgreSQL a transaction holding a lower seq can commit after one holding a
/// higher. The watermark advances only over seqs seen; a hole is re-read until it fills or <see cref="HoleGrace"/>
/// passes (a rolled-back insert leaves one for ever). Seen seqs above the watermark are never sent twice.
/// </remarks>
public sealed class EventFeed(
    IServiceScopeFactory scopes,
    CableHub hub,
    IOptions<SubscriptionOptions> options,
    TimeProvider clock,
    ILogger<EventFeed> logger) : Hosting.PollingService(logger)
{
    internal static readonly TimeSpan HoleGrace = TimeSpan.FromSeconds(10);
    private const int Batch = 1000;
    private readonly Hosting.WakeSignal _wake = new();
    private readonly LogWatermark _watermark = new(clock, HoleGrace);
    private TaskCompletionSource _nextPoll = NewSignal();

    public void Wake() => _wake.Notify();

    /// <summary>Completes once a poll that starts after this call has published what it read.</summary>
    internal Task NextPollAsync() => Volatile.Read(ref _nextPoll).Task;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override TimeProvider Clock => clock;
    protected override TimeSpan Interval => options.Value.PollInterval;
    protected override string FailureMessage => "Reading the event log for subscriptions failed; retrying at the next poll";
    protected override bool WaitFirst => true;
    protected override async Task WaitAsync(CancellationToken cancellationToken) => await _wake.WaitAsync(Interval, clock, cancellationToken);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Only events committed from now on: a socket is sent what happens while it is open.
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TesseraDbContext>();
        _watermark.Reset(await db.WebhookEvents.MaxAsync(e => (long?)e.Seq, cancellationToken) ?? 0);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task PollAsync(CancellationToken cancellationToken)
    {
        var signal = Interlocked.Exchange(ref _nextPoll, NewSignal());
        try
        {
            while (await PollOnceAsync(cancellationToken) == Batch) { }
        }
        finally
        {
            signal.TrySetResult();
        }
    }

    /// <summary>Reads past the watermark, publishes what was not sent yet; returns the number of rows read.</summary>
    private async Task<int> PollOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TesseraDbContext>();
        if (hub.Count == 0)
        {
            // No socket to send to: skip to the end of the log (a socket is sent only what happens while it is open).
            _watermark.Reset(Math.Max(_watermark.Value, await db.WebhookEvents.MaxAsync(e => (long?)e.Seq, cancellationToken) ?? 0));
            return 0;
        }
        var watermark = _watermark.Value;
        var rows = await db.WebhookEvents.AsNoTracking().Where(e => e.Seq > watermark).OrderBy(e => e.Seq).Take(Batch)
            .Select(e => new { e.Seq, e.Type, e.EnvironmentId, e.ProfileId, e.OccurredAt }).ToListAsync(cancellationToken);
        var fresh = rows.Where(r => !_watermark.Seen(r.Seq)).ToList();
        // Records only of the rows a subscription can use (most events are balances and transactions' neighbours).
        var wanted = fresh.Where(r => r.ProfileId is not null && SubscriptionEvents.IsSubscribable(r.Type)).Select(r => r.Seq).ToList();
        var records = wanted.Count == 0
            ? new Dictionary<long, string>()
            : await db.WebhookEvents.AsNoTracking().Where(e => wanted.Contains(e.Seq)).ToDictionaryAsync(e => e.Seq, e => e.RecordJson, cancellationToken);
        var now = clock.GetTimestamp();
        foreach (var row in fresh)
        {
            _watermark.Observe(row.Seq, now);
            if (records.TryGetValue(row.Seq, out var record)
                && SubscriptionEvents.FromLog(row.Seq, row.Type, row.EnvironmentId, row.ProfileId, record, row.OccurredAt) is { } evt)
                hub.Publish(evt);
        }
        _watermark.Advance(now);
        return rows.Count;
    }
}

/// <summary>
/// Wakes <see cref="EventFeed"/> when this process commits (a transaction, or a save outside one): the feed then
/// reads the log, on SQLite the only writer's, without waiting for its poll interval.
/// </summary>
public sealed class EventCommitSignal(IServiceProvider services) : DbTransactionInterceptor, ISaveChangesInterceptor
{
    private EventFeed? _feed;

    // Resolved on first use: the feed depends on the DbContext this interceptor is part of.
    private void Wake() => (_feed ??= services.GetRequiredService<EventFeed>()).Wake();

    public override void TransactionCommitted(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData) => Wake();

    public override Task TransactionCommittedAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Wake();
        return Task.CompletedTask;
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context?.Database.CurrentTransaction is null) Wake();
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context?.Database.CurrentTransaction is null) Wake();
        return ValueTask.FromResult(result);
    }
}

/// <summary>
/// On PostgreSQL, wakes <see cref="EventFeed"/> the moment any instance commits an event: a trigger on
/// <c>events</c> sends <c>NOTIFY tessera_events</c> (delivered at commit), and this service LISTENs on one
/// dedicated connection. As for revocations, it only shortens the wait: polling stays the source of truth.
/// </summary>
public sealed class EventNotifications(EventFeed feed, IOptions<DatabaseOptions> database, ILogger<EventNotifications> logger) : BackgroundService
{
    public const string Channel = "tessera_events";
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once this instance LISTENs.</summary>
    internal Task Listening => _listening.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (database.Value.Provider != DatabaseProvider.Postgres) return;
        Metrics.BackgroundWork.MarkCurrentFlow();
        await PostgresListener.ListenAsync(database.Value.EffectiveConnectionString, Channel, "tessera-event-listener", feed.Wake,
            _listening, logger, stoppingToken);
    }
}
