namespace Tessera.Delivery;

/// <summary>
/// A message waiting to be delivered, written in the same transaction as what caused it (a passcode challenge), so
/// none is lost to a crash. Its content is encrypted under the master key (it holds a passcode) and is wiped once
/// delivered.
/// </summary>
public sealed class OutboxMessage : Data.ILeasedJob
{
    public Guid Id { get; init; }
    public required string EnvironmentId { get; init; }
    public OutboxChannel Channel { get; init; }
    /// <summary>An email address or an E.164 phone number.</summary>
    public required string Recipient { get; init; }
    /// <summary>What the message is for, e.g. <c>passcode</c>. Never the content.</summary>
    public required string Purpose { get; init; }
    /// <summary>JSON <c>{subject, text, html}</c> encrypted with <c>SecretProtector</c> (associated data: the message id); null once delivered.</summary>
    public byte[]? ProtectedContent { get; set; }
    public OutboxStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime NextAttemptAt { get; set; }
    /// <summary>Set while one dispatcher holds the message, so two instances never send it twice.</summary>
    public DateTime? LockedUntil { get; set; }
    public string? LockedBy { get; set; }
    public DateTime? SentAt { get; set; }
    /// <summary>The provider's last error (status and reason only, never the content).</summary>
    public string? LastError { get; set; }
    /// <summary>After this the content is useless (the passcode expired) and may be wiped.</summary>
    public DateTime ExpiresAt { get; init; }
}

public enum OutboxChannel
{
    Email,
    Sms,
}

public enum OutboxStatus
{
    /// <summary>Waiting for (another) delivery attempt.</summary>
    Pending,
    /// <summary>Delivered to the provider.</summary>
    Sent,
    /// <summary>Given up on after the last retry (dead letter).</summary>
    Failed,
    /// <summary>Sandbox with no provider configured: kept for `tessera outbox list`, never sent.</summary>
    Captured,
}
