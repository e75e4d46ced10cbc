using Tessera.SelfSigned;

namespace Tessera.Sessions;

/// <summary>What a session token says, once verified (or before it is signed).</summary>
public sealed record SessionClaims
{
    public required Guid SessionId { get; init; }
    public required string ProfileId { get; init; }
    public required string EnvironmentId { get; init; }
    /// <summary>The passwordless client the session came from (<c>cid</c>), if any.</summary>
    public string? ClientId { get; init; }
    /// <summary>The API key or client id that issued the token (<c>did</c>).</summary>
    public required string IssuedBy { get; init; }
    public required long IssuedAt { get; init; }
    public required long NotBefore { get; init; }
    public required long ExpiresAt { get; init; }
    public string? KeyId { get; init; }
    public SessionKind Kind { get; init; } = SessionKind.Api;
    /// <summary>A self-signed token's own <c>jti</c> (any string), if it has one. <see cref="SessionId"/> is derived from it.</summary>
    public string? TokenId { get; init; }

    /// <summary>Whether the token can be revoked on its own (self-signed tokens without a <c>jti</c> cannot).</summary>
    public bool IsRevocable => Kind != SessionKind.SelfSigned || TokenId is not null;

    /// <summary>
    /// What the per-credential request budget counts against: the session; for a self-signed token without a
    /// <c>jti</c> (which has no session id of its own) its secret and profile, so such tokens never share one budget
    /// across profiles and customers.
    /// </summary>
    public Guid RequestBudgetId => IsRevocable ? SessionId : SelfSignedClaims.SessionId(IssuedBy, "\0profile " + ProfileId);
}
