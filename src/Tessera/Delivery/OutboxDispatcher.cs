using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Data;
using Tessera.Hosting;

namespace Tessera.Delivery;

/// <summary>
/// Delivers the outbox: claims due pending messages, sends each with its channel's provider, and records the
/// outcome. Every instance runs one; a claim (a lock with an expiry, taken atomically in the database) makes sure
/// two instances never send the same message, and a message whose instance died is taken over once its lock expires.
/// </summary>
/// <remarks>
/// Delivery is at least once: a crash between the provider accepting a message and the row saying so sends it again
/// after restart. For a passcode a duplicate is harmless; a lost one is not.
/// Logs name the message id, channel and outcome only, never the recipient's content.
/// </remarks>
public sealed class OutboxDispatcher(
    IServiceScopeFactory scopes,
    IEnumerable<IMessageSender> senders,
    OutboxSignal signal,
    IOptions<DeliveryOptions> options,
    IOptions<DatabaseOptions> database,
    TimeProvider clock,
    ILogger<OutboxDispatcher> logger) : Hosting.PollingService(logger)
{
    private const int MaxErrorLength = 1000;
    private readonly JobLease _lease = new();

    /// <summary>Written into <c>locked_by</c> of the messages this instance claims.</summary>
    public string InstanceId => _lease.InstanceId;

    private RetryPolicy Retries => new(new RetryBackoff(options.Value.RetryBaseDelay, options.Value.MaxRetryDelay), MaxAttempts: options.Value.MaxAttempts);

    protected override TimeProvider Clock => clock;
    protected override TimeSpan Interval => options.Value.PollInterval;
    protected override string FailureMessage => "Reading the outbox failed; retrying at the next poll";

    protected override Task PollAsync(CancellationToken cancellationToken) => DispatchDueAsync(cancellationToken);

    // A committed message wakes the dispatcher before the interval is over.
    protected override Task WaitAsync(CancellationToken cancellationToken) => signal.WaitAsync(Interval, clock, cancellationToken);

    /// <summary>
    /// Sends every message due now, one claim at a time, until none is left. Each channel's provider session lasts
    /// the pass, so several emails go over one SMTP connection.
    /// </summary>
    public async Task DispatchDueAsync(CancellationToken cancellationToken)
    {
        var available = senders.Where(s => s.IsConfigured).GroupBy(s => s.Channel).ToDictionary(g => g.Key, g => g.First());
        var sessions = new Dictionary<OutboxChannel, IMessageSenderSession>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<TesseraDbContext>();
                var id = await ClaimNextAsync(db, available.Keys, cancellationToken);
                if (id is null) return;
                if (!await DeliverAsync(db, scope.ServiceProvider.GetRequiredService<Outbox>(), available, sessions, id.Value, cancellationToken)) return;
            }
        }
        finally
        {
            foreach (var session in sessions.Values) await session.DisposeAsync();
        }
    }

    /// <summary>
    /// Takes the lock on one due pending message: one whose channel this instance can send, or one that expired
    /// (any instance may retire those). Returns null when there is none.
    /// </summary>
    private async Task<Guid?> ClaimNextAsync(TesseraDbContext db, IEnumerable<OutboxChannel> channels, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        DateTime? until = now + options.Value.LockDuration;
        var email = channels.Contains(OutboxChannel.Email);
        var sms = channels.Contains(OutboxChannel.Sms);

        if (database.Value.Provider == DatabaseProvider.Postgres)
        {
            // SKIP LOCKED: concurrent instances each take a different row instead of queueing behind one another.
            var names = channels.Select(c => c.ToString()).ToArray();
            var pending = nameof(OutboxStatus.Pending);
            var claimed = await db.Database.SqlQuery<Guid>($"""
                UPDATE outbox_messages SET locked_by = {InstanceId}, locked_until = {until}
                WHERE id = (
                    SELECT id FROM outbox_messages
                    WHERE status = {pending} AND next_attempt_at <= {now}
                      AND (locked_until IS NULL OR locked_until < {now})
                      AND (channel = ANY({names}) OR expires_at < {now})
                    ORDER BY next_attempt_at
                    LIMIT 1
                    FOR UPDATE SKIP LOCKED)
                RETURNING id AS "Value"
                """).ToListAsync(cancellationToken);
            return claimed.Count == 0 ? null : claimed[0];
        }

        // SQLite has one writer at a time: a conditional UPDATE is the claim, and whoever updates the row owns it.
        var candidates = await JobLease.Due(db.OutboxMessages.AsNoTracking().Where(m => m.Status == OutboxStatus.Pending), now)
            .Where(m => (email && m.Channel == OutboxChannel.Email) || (sms && m.Channel == OutboxChannel.Sms) || m.ExpiresAt < now)
            .OrderBy(m => m.NextAttemptAt).Select(m => m.Id).Take(20).ToListAsync(cancellationToken);
        foreach (var candidate in candidates)
        {
            if (await _lease.TryClaimAsync(Pending(db, candidate), now, until.Value, cancellationToken)) return candidate;
        }
        return null;
    }

    /// <returns>False when the message was put back untouched (so the caller stops rather than claim it again).</returns>
    private async Task<bool> DeliverAsync(TesseraDbContext db, Outbox outbox, Dictionary<OutboxChannel, IMessageSender> available,
        Dictionary<OutboxChannel, IMessageSenderSession> sessions, Guid id, CancellationToken cancellationToken)
    {
        var message = await db.OutboxMessages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id && m.LockedBy == InstanceId, cancellationToken);
        if (message is null || message.Status != OutboxStatus.Pending) return true;
        var now = clock.GetUtcNow().UtcDateTime;

        if (message.ExpiresAt < now)
        {
            // The passcode inside is dead: sending it would only confuse the user.
            await GiveUpAsync(db, message, message.Attempts, "expired", cancellationToken);
            logger.LogInformation("Outbox message {MessageId} ({Channel}) expired before delivery", message.Id, message.Channel);
            return true;
        }

        if (!available.TryGetValue(message.Channel, out var sender))
        {
            await _lease.ReleaseAsync(Row(db, message.Id), cancellationToken);
            return false;
        }

        MessageContent? content;
        try
        {
            content = outbox.Read(message);
        }
        catch (CryptographicException)
        {
            content = null;
        }
        if (content is null)
        {
            await GiveUpAsync(db, message, message.Attempts, "content unreadable (was the master key changed?)", cancellationToken);
            logger.LogError("Outbox message {MessageId} ({Channel}) could not be decrypted; marked failed", message.Id, message.Channel);
            return true;
        }

        if (!sessions.TryGetValue(message.Channel, out var session)) sessions[message.Channel] = session = sender.OpenSession();
        var attempt = message.Attempts + 1;
        try
        {
            await session.SendAsync(message, content, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down mid-send: whether the provider took it is unknown, so let the next start (any instance) retry.
            await _lease.ReleaseAsync(Row(db, message.Id), CancellationToken.None);
            throw;
        }
        catch (Exception ex)
        {
            var delivery = ex as MessageDeliveryException;
            // Only a MessageDeliveryException's text is known to be free of content; anything else is named by type.
            var reason = Truncate(delivery?.Message ?? $"{ex.GetType().Name} while sending", MaxErrorLength);
            var next = Retries.NextAttempt(attempt, permanent: delivery?.Permanent == true, message.CreatedAt, clock.GetUtcNow().UtcDateTime);
            if (next is null)
            {
                await GiveUpAsync(db, message, attempt, reason, cancellationToken);
                logger.LogError("Outbox message {MessageId} ({Channel}) failed for good after {Attempts} attempt(s): {Reason}", message.Id, message.Channel, attempt, reason);
            }
            else
            {
                await _lease.RetryLaterAsync(Row(db, message.Id), attempt, reason, next.Value, _ => { }, cancellationToken);
                logger.LogWarning("Outbox message {MessageId} ({Channel}) attempt {Attempt} failed: {Reason}; retrying at {NextAttemptAt:O}", message.Id, message.Channel, attempt, reason, next);
            }
            return true;
        }

        var sentAt = clock.GetUtcNow().UtcDateTime;
        // The content held a passcode: once the provider has it, the outbox keeps only the envelope.
        await _lease.FinishAsync(Row(db, message.Id), attempt, s => s
            .SetProperty(m => m.Status, OutboxStatus.Sent)
            .SetProperty(m => m.SentAt, sentAt)
            .SetProperty(m => m.ProtectedContent, (byte[]?)null), CancellationToken.None);
        logger.LogInformation("Outbox message {MessageId} ({Channel}) sent", message.Id, message.Channel);
        return true;
    }

    /// <summary>Dead letter: kept for the record, content wiped.</summary>
    private Task GiveUpAsync(TesseraDbContext db, OutboxMessage message, int attempts, string reason, CancellationToken cancellationToken) =>
        _lease.FinishAsync(Row(db, message.Id), attempts, s => s
            .SetProperty(m => m.Status, OutboxStatus.Failed)
            .SetProperty(m => m.LastError, reason)
            .SetProperty(m => m.ProtectedContent, (byte[]?)null), cancellationToken);

    private static IQueryable<OutboxMessage> Row(TesseraDbContext db, Guid id) => db.OutboxMessages.Where(m => m.Id == id);

    private static IQueryable<OutboxMessage> Pending(TesseraDbContext db, Guid id) => Row(db, id).Where(m => m.Status == OutboxStatus.Pending);

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
