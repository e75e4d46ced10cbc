using System.Diagnostics;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Data;
using Tessera.Environments;
using Tessera.Hosting;
using Tessera.Http;
using Tessera.Security;

namespace Tessera.Webhooks;

/// <summary>
/// Delivers events to webhook subscriptions. Two steps, each safe with several instances on one database:
/// <list type="number">
/// <item>Fan-out: events not yet fanned out become one pending delivery per matching subscription, in event order,
/// one instance at a time (an advisory lock on PostgreSQL, the write gate plus a conditional update on SQLite).</item>
/// <item>Send: a due delivery is claimed (FOR UPDATE SKIP LOCKED on PostgreSQL, a conditional update on SQLite)
/// only when no earlier delivery of the same subscription and profile is still pending, so a profile's events arrive
/// in order; it is POSTed, signed, and the outcome recorded. Sends run concurrently up to a bound, with a smaller
/// bound per subscription, so one slow or dead endpoint cannot hold up the others.</item>
/// </list>
/// See docs/adr/0003-webhooks.md.
/// </summary>
public sealed class WebhookDispatcher(
    IServiceScopeFactory scopes,
    IHttpClientFactory httpClients,
    SecretProtector protector,
    IOptions<WebhookOptions> options,
    IOptions<DatabaseOptions> database,
    Statements.StatementLinks statementLinks,
    TimeProvider clock,
    ILogger<WebhookDispatcher> logger) : Hosting.PollingService(logger)
{
    public const string HttpClientName = "Tessera.Webhooks";
    private const int MaxErrorLength = 1000;
    // pg_advisory_xact_lock key for the fan-out: any constant, unique within Tessera.
    private const long FanOutLockKey = 0x7465_7373_5F77_6801;

    private readonly JobLease _lease = new();

    /// <summary>Written into <c>locked_by</c> of the deliveries this instance claims.</summary>
    public string InstanceId => _lease.InstanceId;

    private RetryPolicy Retries => new(new RetryBackoff(options.Value.RetryBaseDelay, options.Value.MaxRetryDelay), RetryFor: options.Value.RetryFor);

    protected override TimeProvider Clock => clock;
    protected override TimeSpan Interval => options.Value.PollInterval;
    protected override string FailureMessage => "Webhook dispatch failed; retrying at the next poll";
    protected override bool Enabled => options.Value.BackgroundDispatch;

    protected override Task PollAsync(CancellationToken cancellationToken) => DispatchDueAsync(cancellationToken);

    // Whatever a cancelled attempt did not put back itself (cancelled between its claim and its send).
    protected override async Task ReleaseAtShutdownAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TesseraDbContext>();
        var released = await _lease.ReleaseAsync(db.WebhookDeliveries.Where(d => d.Status == WebhookDeliveryStatus.Pending), cancellationToken);
        if (released > 0) logger.LogInformation("Released {Count} webhook deliveries at shutdown", released);
    }

    /// <summary>Fans out every new event, then sends every due delivery until none is left (waiting for the sends).</summary>
    public async Task DispatchDueAsync(CancellationToken cancellationToken)
    {
        while (await FanOutAsync(cancellationToken) > 0) { }

        var settings = options.Value;
        var inFlight = new Dictionary<Task, string>();
        while (true)
        {
            while (inFlight.Count < settings.MaxConcurrency && !cancellationToken.IsCancellationRequested)
            {
                var busy = inFlight.Values.GroupBy(s => s).Where(g => g.Count() >= settings.MaxConcurrencyPerSubscription).Select(g => g.Key).ToArray();
                var claimed = await ClaimNextAsync(busy, cancellationToken);
                if (claimed is null) break;
                inFlight[DeliverAsync(claimed.Value.Seq, cancellationToken)] = claimed.Value.SubscriptionId;
            }
            if (inFlight.Count == 0) return;
            var done = await Task.WhenAny(inFlight.Keys);
            inFlight.Remove(done);
            try { await done; }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
            catch (Exception ex) { logger.LogWarning(ex, "Webhook delivery failed unexpectedly; it is retried once its claim expires"); }
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Turns up to 200 new events into deliveries. Returns how many events it took.</summary>
    public async Task<int> FanOutAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TesseraDbContext>();
        // A read first: most polls find nothing, and should not take SQLite's single writer for it.
        if (!await db.WebhookEvents.AnyAsync(e => e.FannedOutAt == null, cancellationToken)) return 0;
        await using var transaction = await db.BeginWriteTransactionAsync(cancellationToken);
        // One fan-out at a time across instances: deliveries get their sequence in event order.
        if (database.Value.Provider == DatabaseProvider.Postgres)
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({FanOutLockKey})", cancellationToken);

        var events = await db.WebhookEvents.AsNoTracking().Where(e => e.FannedOutAt == null).OrderBy(e => e.Seq).Take(200).ToListAsync(cancellationToken);
        if (events.Count == 0) return 0;
        var now = clock.GetUtcNow().UtcDateTime;
        var seqs = events.Select(e => e.Seq).ToList();
        var marked = await db.WebhookEvents.Where(e => seqs.Contains(e.Seq) && e.FannedOutAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.FannedOutAt, now), cancellationToken);
        if (marked != events.Count) return 0; // another instance (another process on SQLite) took them first

        var environments = events.Select(e => e.EnvironmentId).Distinct().ToList();
        var subscriptions = await db.WebhookSubscriptions.AsNoTracking()
            .Where(s => environments.Contains(s.EnvironmentId) && !s.Disabled).OrderBy(s => s.CreatedAt).ToListAsync(cancellationToken);
        foreach (var evt in events)
        {
            foreach (var subscription in subscriptions.Where(s => s.EnvironmentId == evt.EnvironmentId && s.Matches(evt.Type)))
            {
                db.WebhookDeliveries.Add(NewDelivery(subscription.Id, evt.EnvironmentId, evt.Id, evt.Type, evt.ProfileId ?? evt.Id, now, replayOf: null));
                // One at a time: EF would otherwise batch the inserts in an order of its choosing, and seq is the send order.
                await db.SaveChangesAsync(cancellationToken);
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return events.Count;
    }

    internal static WebhookDelivery NewDelivery(string subscriptionId, string environmentId, string eventId, string eventType, string orderingKey, DateTime now, string? replayOf) => new()
    {
        Id = Ids.New(WebhookDelivery.IdPrefix),
        SubscriptionId = subscriptionId,
        EnvironmentId = environmentId,
        EventId = eventId,
        EventType = eventType,
        OrderingKey = orderingKey,
        Status = WebhookDeliveryStatus.Pending,
        NextAttemptAt = now,
        ReplayOf = replayOf,
        CreatedAt = now,
    };

    private readonly record struct Claim(long Seq, string SubscriptionId);

    private sealed class ClaimRow
    {
        public long Seq { get; set; }
        public string SubscriptionId { get; set; } = "";
    }

    /// <summary>
    /// Locks one due pending delivery of an enabled subscription (not one of <paramref name="busy"/>) that no earlier
    /// pending delivery of its subscription and profile precedes. Null when there is none.
    /// </summary>
    private async Task<Claim?> ClaimNextAsync(string[] busy, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TesseraDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        DateTime? until = now + options.Value.LockDuration;
        var pending = nameof(WebhookDeliveryStatus.Pending);

        if (database.Value.Provider == DatabaseProvider.Postgres)
        {
            // SKIP LOCKED: concurrent instances each take a different delivery instead of queueing behind one another.
            var rows = await db.Database.SqlQuery<ClaimRow>($"""
                UPDATE webhook_deliveries SET locked_by = {InstanceId}, locked_until = {until}
                WHERE seq = (
                    SELECT d.seq FROM webhook_deliveries d
                    JOIN webhook_subscriptions s ON s.id = d.subscription_id
                    WHERE d.status = {pending} AND d.next_attempt_at <= {now}
                      AND (d.locked_until IS NULL OR d.locked_until < {now})
                      AND NOT s.disabled AND NOT (d.subscription_id = ANY({busy}))
                      AND NOT EXISTS (
                          SELECT 1 FROM webhook_deliveries e
                          WHERE e.subscription_id = d.subscription_id AND e.ordering_key = d.ordering_key
                            AND e.status = {pending} AND e.seq < d.seq)
                    ORDER BY d.next_attempt_at, d.seq
                    LIMIT 1
                    FOR UPDATE OF d SKIP LOCKED)
                RETURNING seq AS "Seq", subscription_id AS "SubscriptionId"
                """).ToListAsync(cancellationToken);
            return rows.Count == 0 ? null : new Claim(rows[0].Seq, rows[0].SubscriptionId);
        }

        // SQLite has one writer at a time: a conditional UPDATE is the claim, and whoever updates the row owns it.
        var candidates = await (
            from d in JobLease.Due(db.WebhookDeliveries.AsNoTracking().Where(d => d.Status == WebhookDeliveryStatus.Pending), now)
            join s in db.WebhookSubscriptions.AsNoTracking() on d.SubscriptionId equals s.Id
            where !s.Disabled && !busy.Contains(d.SubscriptionId)
                  && !db.WebhookDeliveries.Any(e => e.SubscriptionId == d.SubscriptionId && e.OrderingKey == d.OrderingKey
                                                    && e.Status == WebhookDeliveryStatus.Pending && e.Seq < d.Seq)
            orderby d.NextAttemptAt, d.Seq
            select new ClaimRow { Seq = d.Seq, SubscriptionId = d.SubscriptionId }).Take(20).ToListAsync(cancellationToken);
        foreach (var candidate in candidates)
        {
            var pendingRow = Row(db, candidate.Seq).Where(d => d.Status == WebhookDeliveryStatus.Pending);
            if (await _lease.TryClaimAsync(pendingRow, now, until.Value, cancellationToken)) return new Claim(candidate.Seq, candidate.SubscriptionId);
        }
        return null;
    }

    private async Task DeliverAsync(long seq, CancellationToken cancellationToken)
    {
        await Task.Yield();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TesseraDbContext>();
        var delivery = await db.WebhookDeliveries.AsNoTracking().SingleOrDefaultAsync(d => d.Seq == seq && d.LockedBy == InstanceId, cancellationToken);
        if (delivery is null || delivery.Status != WebhookDeliveryStatus.Pending) return;
        var subscription = await db.WebhookSubscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == delivery.SubscriptionId, cancellationToken);
        var evt = await db.WebhookEvents.AsNoTracking().SingleOrDefaultAsync(e => e.Id == delivery.EventId, cancellationToken);
        var environment = await db.Environments.AsNoTracking().SingleOrDefaultAsync(e => e.Id == delivery.EnvironmentId, cancellationToken);
        if (subscription is null || evt is null || environment is null)
        {
            await FinishAsync(db, delivery, delivery.Attempts, WebhookDeliveryStatus.Failed, null, "event or subscription no longer exists", cancellationToken);
            return;
        }

        var body = await WebhookPayload.BuildAsync(db, environment, evt, statementLinks, cancellationToken);
        var started = clock.GetTimestamp();
        var at = clock.GetUtcNow();
        int? status = null;
        string? error = null;
        try
        {
            var secret = Encoding.UTF8.GetString(protector.Unprotect(subscription.ProtectedSecret, WebhooksApi.SecretPurpose(subscription.Id)));
            using var request = new HttpRequestMessage(HttpMethod.Post, subscription.TargetUrl);
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            var timestamp = at.ToUnixTimeSeconds();
            request.Headers.TryAddWithoutValidation(WebhookSignature.QuilttTimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.TryAddWithoutValidation(WebhookSignature.QuilttSignatureHeader, WebhookSignature.SignQuiltt(secret, timestamp, body));
            request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.Sign(secret, timestamp, body));
            request.Headers.TryAddWithoutValidation("Tessera-Delivery-Id", delivery.Id);
            request.Headers.TryAddWithoutValidation("Tessera-Event-Id", evt.Id);
            request.Headers.UserAgent.ParseAdd("Tessera-Webhooks/1");
            using var timeout = new CancellationTokenSource(options.Value.Timeout, clock);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            try
            {
                using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
                status = (int)response.StatusCode;
                if (!response.IsSuccessStatusCode) error = $"HTTP {status}";
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                error = $"timed out after {options.Value.Timeout.TotalSeconds:0.#} s";
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down mid-send: whether the receiver took it is unknown; the next start (any instance) retries.
            await _lease.ReleaseAsync(Row(db, seq), CancellationToken.None);
            throw;
        }
        catch (Exception ex)
        {
            error = Describe(ex);
        }

        var duration = (int)Math.Min(int.MaxValue, clock.GetElapsedTime(started).TotalMilliseconds);
        db.WebhookAttempts.Add(new WebhookAttempt { DeliveryId = delivery.Id, At = at.UtcDateTime, StatusCode = status, Error = error, DurationMs = duration, Instance = InstanceId });
        await db.SaveChangesAsync(CancellationToken.None);

        var now = clock.GetUtcNow().UtcDateTime;
        if (error is null)
        {
            await FinishAsync(db, delivery, delivery.Attempts + 1, WebhookDeliveryStatus.Succeeded, status, null, CancellationToken.None);
            await db.WebhookSubscriptions.Where(s => s.Id == subscription.Id && s.FailingSince != null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.FailingSince, (DateTime?)null), CancellationToken.None);
            logger.LogInformation("Webhook delivery {DeliveryId} ({EventType}) to {SubscriptionId} succeeded", delivery.Id, delivery.EventType, subscription.Id);
            return;
        }

        await RecordSubscriptionFailureAsync(db, subscription, now);
        var attempt = delivery.Attempts + 1;
        var next = Retries.NextAttempt(attempt, permanent: false, delivery.CreatedAt, now);
        if (next is null)
        {
            await FinishAsync(db, delivery, attempt, WebhookDeliveryStatus.Failed, status, Truncate($"{error}; gave up after {attempt} attempt(s)", MaxErrorLength), CancellationToken.None);
            logger.LogWarning("Webhook delivery {DeliveryId} to {SubscriptionId} given up after {Attempts} attempt(s): {Error}", delivery.Id, subscription.Id, attempt, error);
            return;
        }
        await _lease.RetryLaterAsync(Row(db, seq), attempt, Truncate(error, MaxErrorLength), next.Value,
            s => s.SetProperty(d => d.LastStatusCode, status), CancellationToken.None);
        logger.LogInformation("Webhook delivery {DeliveryId} to {SubscriptionId} attempt {Attempt} failed: {Error}; retrying at {NextAttemptAt:O}", delivery.Id, subscription.Id, attempt, error, next.Value);
    }

    /// <summary>Starts (or continues) the subscription's run of failures; disables it once the run is long enough.</summary>
    private async Task RecordSubscriptionFailureAsync(TesseraDbContext db, WebhookSubscription subscription, DateTime now)
    {
        await db.WebhookSubscriptions.Where(s => s.Id == subscription.Id && s.FailingSince == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.FailingSince, now), CancellationToken.None);
        var threshold = now - options.Value.DisableAfter;
        var reason = $"disabled at {now:yyyy-MM-ddTHH:mm:ssZ}: every delivery attempt failed for {options.Value.DisableAfter.TotalDays:0.##} days";
        var disabled = await db.WebhookSubscriptions.Where(s => s.Id == subscription.Id && !s.Disabled && s.FailingSince != null && s.FailingSince <= threshold)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Disabled, true).SetProperty(x => x.DisabledReason, reason).SetProperty(x => x.UpdatedAt, now), CancellationToken.None);
        if (disabled > 0) logger.LogWarning("Webhook subscription {SubscriptionId} disabled: {Reason}", subscription.Id, reason);
    }

    private Task FinishAsync(TesseraDbContext db, WebhookDelivery delivery, int attempts, WebhookDeliveryStatus status, int? statusCode, string? error, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return _lease.FinishAsync(Row(db, delivery.Seq), attempts, s => s
            .SetProperty(d => d.Status, status)
            .SetProperty(d => d.LastStatusCode, statusCode)
            .SetProperty(d => d.LastError, error)
            .SetProperty(d => d.CompletedAt, now), cancellationToken);
    }

    private static IQueryable<WebhookDelivery> Row(TesseraDbContext db, long seq) => db.WebhookDeliveries.Where(d => d.Seq == seq);

    // Only our own wording, never the receiver's response body.
    private static string Describe(Exception ex) => ex switch
    {
        WebhookTargetRefusedException refused => "refused: " + refused.Message,
        HttpRequestException { InnerException: WebhookTargetRefusedException refused } => "refused: " + refused.Message,
        HttpRequestException http => Truncate("connection failed: " + http.Message, MaxErrorLength),
        _ => ex.GetType().Name + " while sending",
    };

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
