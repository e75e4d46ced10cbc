namespace Tessera.Sessions;

/// <summary>One issued session token (its <c>jti</c>). Revocable.</summary>
public sealed class Session
{
    public Guid Id { get; init; }
    public required string EnvironmentId { get; init; }
    public required string ProfileId { get; init; }
    public SessionKind Kind { get; init; }
    /// <summary>The API key or client id that issued it (the token's <c>did</c> claim).</summary>
    public required string IssuedBy { get; init; }
    public string? ClientId { get; init; }
    public DateTime IssuedAt { get; init; }
    public DateTime ExpiresAt { get; init; }
    public DateTime? RevokedAt { get; set; }
    public string? IpAddress { get; init; }
    public string? UserAgent { get; init; }

}

public enum SessionKind
{
    Api,
    Passwordless,
    SelfSigned,
}

/// <summary>
/// An append-only log of revocations that every instance tails to keep its in-memory revocation set fresh,
/// so a valid token is verified with no database round trip yet a revoked one is refused everywhere within a second.
/// </summary>
public sealed class Revocation
{
    public long Id { get; init; }
    public RevocationKind Kind { get; init; }
    /// <summary>The session id (jti) or profile id, by <see cref="Kind"/>.</summary>
    public required string Subject { get; init; }
    public DateTime CreatedAt { get; init; }
    /// <summary>After this no token it could apply to is still valid, and the entry may be pruned.</summary>
    public DateTime ExpiresAt { get; init; }
}

public enum RevocationKind
{
    Session,
    /// <summary>Every token of the profile, for good (profile deleted).</summary>
    Profile,
    /// <summary>Every token signed with a customer's signing secret (subject: its id).</summary>
    SigningSecret,
    /// <summary>The profile was disabled: its tokens stop working until it is enabled again.</summary>
    ProfileDisabled,
    /// <summary>The profile was enabled again.</summary>
    ProfileEnabled,
    /// <summary>An environment's signing keys changed (rotation): instances reload them (subject: environment id).</summary>
    KeysRotated,
    /// <summary>An API key was revoked: instances drop it from their key cache (subject: the key id).</summary>
    ApiKey,
}
