namespace Tessera.Sessions;

/// <summary>The body that describes a session: issue, GET session and introspection answer with it.</summary>
public sealed record SessionView(string? Id, string Token, string UserId, Guid UserUuid, string EnvironmentId, long Expiration, DateTime ExpiresAt)
{
    /// <remarks>A self-signed token's id is its own <c>jti</c> (null without one).</remarks>
    public static SessionView From(SessionClaims claims, string token, Guid profileUuid) =>
        new(claims.Kind == SessionKind.SelfSigned ? claims.TokenId : claims.SessionId.ToString("D"), token, claims.ProfileId, profileUuid, claims.EnvironmentId, claims.ExpiresAt,
            DateTimeOffset.FromUnixTimeSeconds(claims.ExpiresAt).UtcDateTime);

    public static SessionView From(IssuedSession issued) =>
        new(issued.Session.Id.ToString("D"), issued.Token, issued.Session.ProfileId, issued.ProfileUuid, issued.Session.EnvironmentId,
            new DateTimeOffset(issued.Session.ExpiresAt).ToUnixTimeSeconds(), issued.Session.ExpiresAt);
}
