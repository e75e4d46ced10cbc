using System.Text.Json;
using Tessera.Data;
using Tessera.Security;

namespace Tessera.Delivery;

/// <summary>What a message says. Never logged.</summary>
public sealed record MessageContent(string Subject, string Text, string? Html);

/// <summary>A delivery provider for one channel (SMTP for email, a Twilio-compatible API for SMS).</summary>
public interface IMessageSender
{
    OutboxChannel Channel { get; }

    /// <summary>Whether the provider has the settings it needs to send.</summary>
    bool IsConfigured { get; }

    /// <summary>Delivers the message or throws; the dispatcher retries on failure.</summary>
    Task SendAsync(OutboxMessage message, MessageContent content, CancellationToken cancellationToken);

    /// <summary>
    /// A session for several messages in a row (one dispatcher pass). A provider with a connection worth keeping
    /// (SMTP) opens it at the first message and reuses it; the default sends each message on its own.
    /// </summary>
    IMessageSenderSession OpenSession() => new OneMessageAtATime(this);

    private sealed class OneMessageAtATime(IMessageSender sender) : IMessageSenderSession
    {
        public Task SendAsync(OutboxMessage message, MessageContent content, CancellationToken cancellationToken) =>
            sender.SendAsync(message, content, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>Messages sent one after another by one provider; disposing it closes what it kept open.</summary>
public interface IMessageSenderSession : IAsyncDisposable
{
    /// <summary>Delivers the message or throws, as <see cref="IMessageSender.SendAsync"/>.</summary>
    Task SendAsync(OutboxMessage message, MessageContent content, CancellationToken cancellationToken);
}

/// <summary>
/// Writes messages into the outbox through the caller's DbContext, so they commit (or not) with the change that
/// caused them. The dispatcher delivers them afterwards.
/// </summary>
public sealed class Outbox(TesseraDbContext db, SecretProtector protector, IEnumerable<IMessageSender> senders, TimeProvider clock)
{
    /// <param name="captureOnly">Keep the message for inspection instead of sending (sandbox with no provider).</param>
    public OutboxMessage Enqueue(string environmentId, OutboxChannel channel, string recipient, string purpose, MessageContent content, DateTime expiresAt, bool captureOnly)
    {
        var message = NewMessage(environmentId, channel, recipient, purpose, content, expiresAt, captureOnly);
        db.OutboxMessages.Add(message);
        return message;
    }

    /// <summary>A message row, its content encrypted, not yet added to any context (for writers outside EF).</summary>
    public OutboxMessage NewMessage(string environmentId, OutboxChannel channel, string recipient, string purpose, MessageContent content, DateTime expiresAt, bool captureOnly)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var id = Guid.NewGuid();
        return new OutboxMessage
        {
            Id = id,
            EnvironmentId = environmentId,
            Channel = channel,
            Recipient = recipient,
            Purpose = purpose,
            ProtectedContent = Protect(id, content),
            Status = captureOnly ? OutboxStatus.Captured : OutboxStatus.Pending,
            CreatedAt = now,
            NextAttemptAt = now,
            ExpiresAt = expiresAt,
        };
    }

    /// <summary>Whether a provider is configured for the channel.</summary>
    public bool CanSend(OutboxChannel channel) => senders.Any(s => s.Channel == channel && s.IsConfigured);

    private byte[] Protect(Guid id, MessageContent content) =>
        protector.Protect(JsonSerializer.SerializeToUtf8Bytes(content), AssociatedData(id));

    /// <summary>The decrypted content, or null once it was wiped after delivery.</summary>
    public MessageContent? Read(OutboxMessage message) =>
        message.ProtectedContent is null ? null : JsonSerializer.Deserialize<MessageContent>(protector.Unprotect(message.ProtectedContent, AssociatedData(message.Id)));

    private static string AssociatedData(Guid id) => "outbox:" + id.ToString("N");
}
