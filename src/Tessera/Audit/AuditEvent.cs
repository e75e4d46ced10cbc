namespace Tessera.Audit;

/// <summary>One security event, appended and never updated. Holds no secret, passcode or token.</summary>
public sealed class AuditEvent
{
    public long Id { get; init; }
    public DateTime At { get; init; }
    public required string Action { get; init; }
    public string? EnvironmentId { get; init; }
    public string? ProfileId { get; init; }
    /// <summary>Who did it: an API key id, a client id, a signing secret id, <c>cli</c> or <c>system</c>.</summary>
    public required string Actor { get; init; }
    public string? IpAddress { get; init; }
    /// <summary>What was acted on (a session id, a key id), when not the profile itself.</summary>
    public string? Subject { get; init; }
    public string? Detail { get; init; }
}

/// <summary>The actions the audit log records.</summary>
public static class AuditActions
{
    public const string SessionIssued = "session.issued";
    public const string SessionRevoked = "session.revoked";
    public const string SessionsRevokedAll = "sessions.revoked_all";
    public const string PasscodeSent = "passcode.sent";
    /// <summary>Identify inside the resend cooldown: answered as accepted, nothing sent, the passcode already out still valid.</summary>
    public const string PasscodeResendSuppressed = "passcode.resend_suppressed";
    public const string PasscodeFailed = "passcode.failed";
    public const string LimitHit = "limit.hit";
    public const string ApiKeyCreated = "api_key.created";
    public const string ApiKeyRevoked = "api_key.revoked";
    public const string SigningSecretCreated = "signing_secret.created";
    public const string SigningSecretRevoked = "signing_secret.revoked";
    public const string SigningKeyRotated = "signing_key.rotated";
    public const string ProfileDisabled = "profile.disabled";
    public const string ProfileEnabled = "profile.enabled";
    public const string ProfileDeleted = "profile.deleted";
}
