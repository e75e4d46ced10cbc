using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Data;
using Tessera.Delivery;
using Tessera.Webhooks;

namespace Tessera.Maintenance;

/// <summary>Bound from <c>Maintenance</c>.</summary>
public sealed class MaintenanceOptions
{
    /// <summary>How often each instance prunes. Defaults to 10 minutes.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long expired or revoked sessions stay listed for audit and support. Defaults to 7 days.</summary>
    public TimeSpan SessionRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How long events, finished webhook deliveries and their attempts stay for listing and replay. Defaults to 30 days.
    /// </summary>
    public TimeSpan EventRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Rows deleted per statement, so pruning never holds long locks. Defaults to 1000.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 100_000)] public int BatchSize { get; set; } = 1000;

    /// <summary>Statements per table per run; what is left waits for the next run. Defaults to 50.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10_000)] public int MaxBatchesPerRun { get; set; } = 50;
}

/// <summary>
/// Deletes what no rule needs any more, in bounded batches: sessions past retention, dead passcode challenges,
/// failures older than the hourly budget, passcode send counts older than the send limits' hour, revocations whose
/// tokens have all expired, delivered or dead messages, and events, finished webhook deliveries and attempts past the
/// event retention (never what a pending delivery still needs).
/// The audit log is append-only and never pruned here. Every instance may run it: deletes are idempotent.
/// </summary>
public sealed class Pruner(IServiceScopeFactory scopes, IOptions<MaintenanceOptions> options, TimeProvider clock, ILogger<Pruner> logger) : Hosting.PollingService(logger)
{
    protected override TimeProvider Clock => clock;
    protected override TimeSpan Interval => options.Value.Interval;
    protected override string FailureMessage => "Pruning failed; retrying next interval";
    protected override bool WaitFirst => true;

    protected override Task PollAsync(CancellationToken cancellationToken) => PruneOnceAsync(cancellationToken);

    /// <summary>One pruning pass; returns the rows deleted per table.</summary>
    public async Task<IReadOnlyDictionary<string, int>> PruneOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TesseraDbContext>();
        var o = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var sessionsBefore = now - o.SessionRetention;
        var challengesBefore = now.AddDays(-1);
        var failuresBefore = now.AddHours(-2);
        var messagesBefore = now.AddDays(-7);
        var eventsBefore = now - o.EventRetention;
        const WebhookDeliveryStatus pending = WebhookDeliveryStatus.Pending;
        // Send counts serve the hourly send limits only.
        var sendCountsBefore = Passcodes.PasscodeSendCounts.FirstWindowOfHourBefore(now.AddHours(-1));

        var deleted = new Dictionary<string, int>
        {
            ["sessions"] = await InBatchesAsync(() => db.Sessions.Where(s => s.ExpiresAt < sessionsBefore).OrderBy(s => s.ExpiresAt).Take(o.BatchSize).ExecuteDeleteAsync(cancellationToken)),
            ["passcode_challenges"] = await InBatchesAsync(() => db.PasscodeChallenges.Where(c => c.ExpiresAt < challengesBefore).OrderBy(c => c.ExpiresAt).Take(o.BatchSize).ExecuteDeleteAsync(cancellationToken)),
            ["passcode_failures"] = await InBatchesAsync(() => db.PasscodeFailures.Where(f => f.At < failuresBefore).OrderBy(f => f.Id).Take(o.BatchSize).ExecuteDeleteAsync(cancellationToken)),
            ["passcode_send_counts"] = await InBatchesAsync(() => db.PasscodeSendCounts.Where(c => c.WindowIndex < sendCountsBefore)
                .OrderBy(c => c.WindowIndex).Take(o.BatchSize).ExecuteDeleteAsync(cancellationToken)),
            ["revocations"] = await InBatchesAsync(() => db.Revocations.Where(r => r.ExpiresAt < now).OrderBy(r => r.Id).Take(o.BatchSize).ExecuteDeleteAsync(cancellationToken)),
            ["outbox_messages"] = await InBatchesAsync(() => db.OutboxMessages
                .Where(m => (m.Status == OutboxStatus.Sent || m.Status == OutboxStatus.Failed || m.Status == OutboxStatus.Captured) && m.CreatedAt < messagesBefore && m.ExpiresAt < now)
                .OrderBy(m => m.CreatedAt).Take(o.BatchSize).ExecuteDeleteAsync(cancellationToken)),
            // Attempts first: they hang off deliveries by id, with no foreign key to cascade.
            ["webhook_attempts"] = await InBatchesAsync(() => db.WebhookAttempts
                .Where(a => a.At < eventsBefore && !db.WebhookDeliveries.Any(d => d.Id == a.DeliveryId && d.Status == pending))
                .OrderBy(a => a.Id).Take(o.BatchSize).ExecuteDeleteAsync(cancellationToken)),
            ["webhook_deliveries"] = await InBatchesAsync(() => db.WebhookDeliveries
                .Where(d => d.Status != pending && d.CompletedAt < eventsBefore)
                .OrderBy(d => d.Seq).Take(o.BatchSize).ExecuteDeleteAsync(cancellationToken)),
            ["events"] = await InBatchesAsync(() => db.WebhookEvents
                .Where(e => e.OccurredAt < eventsBefore && e.FannedOutAt != null && !db.WebhookDeliveries.Any(d => d.EventId == e.Id && d.Status == pending))
                .OrderBy(e => e.Seq).Take(o.BatchSize).ExecuteDeleteAsync(cancellationToken)),
        };
        if (deleted.Values.Any(n => n > 0)) logger.LogInformation("Pruned {Deleted}", deleted);
        return deleted;

        async Task<int> InBatchesAsync(Func<Task<int>> batch)
        {
            var total = 0;
            for (var i = 0; i < o.MaxBatchesPerRun; i++)
            {
                var n = await batch();
                total += n;
                if (n < o.BatchSize) break;
            }
            return total;
        }
    }
}
