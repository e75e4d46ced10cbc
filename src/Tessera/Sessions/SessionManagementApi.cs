using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.ApiKeys;
using Tessera.Audit;
using Tessera.Data;
using Tessera.Http;
using Tessera.Profiles;
using Tessera.OpenApi;

namespace Tessera.Sessions;

/// <summary>
/// A profile's live sessions, for operators and support tools (API key). Lists what Tessera issued; self-signed
/// tokens are minted elsewhere and are not listed, but die with their secret, their profile or their jti.
/// </summary>
public static class SessionManagementApi
{
    public sealed record SessionSummary(string Id, string Kind, DateTime IssuedAt, DateTime ExpiresAt, string IssuedBy, string? ClientId, string? IpAddress, string? UserAgent);

    public sealed record SessionList(IReadOnlyList<SessionSummary> Sessions);

    public static IEndpointRouteBuilder MapSessionManagementApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/profiles/{id}/sessions").RequireApiKey().WithTags("Sessions").ProducesErrors(404);
        group.MapGet("/", ListAsync).WithSummary("List a profile's active sessions").WithName("ListProfileSessions");
        group.MapDelete("/", RevokeAllAsync).WithSummary("Revoke every session of a profile").WithName("RevokeProfileSessions");
        group.MapDelete("/{sessionId}", RevokeOneAsync).WithSummary("Revoke one session of a profile").WithName("RevokeProfileSession");
        return routes;
    }

    public static string KindName(SessionKind kind) => kind switch
    {
        SessionKind.Api => "api",
        SessionKind.Passwordless => "passwordless",
        _ => "self-signed",
    };

    private static async Task<Results<Ok<SessionList>, JsonHttpResult<ApiError>>> ListAsync(HttpContext http, TesseraDbContext db, ProfileStore profiles, TimeProvider clock, string id)
    {
        var profile = await profiles.FindAsync(http.ApiKeyCaller().Environment.Id, id, http.RequestAborted);
        if (profile is null) return ApiError.NotFound("Profile");
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = await db.Sessions.AsNoTracking()
            .Where(s => s.ProfileId == profile.Id && s.RevokedAt == null && s.ExpiresAt > now)
            .OrderByDescending(s => s.IssuedAt).Take(1000).ToListAsync(http.RequestAborted);
        return TypedResults.Ok(new SessionList(rows.Select(s =>
            new SessionSummary(s.Id.ToString("D"), KindName(s.Kind), s.IssuedAt, s.ExpiresAt, s.IssuedBy, s.ClientId, s.IpAddress, s.UserAgent)).ToList()));
    }

    private static async Task<Results<NoContent, JsonHttpResult<ApiError>>> RevokeAllAsync(HttpContext http, TesseraDbContext db, ProfileStore profiles, SessionService sessions, AuditLog audit, string id)
    {
        var caller = http.ApiKeyCaller();
        return await RevokeAllOfProfileAsync(db, profiles, sessions, audit, caller.Environment.Id, id, caller.Key.Id, Credentials.ClientIp(http), http.RequestAborted) is null
            ? ApiError.NotFound("Profile")
            : TypedResults.NoContent();
    }

    /// <summary>
    /// Revokes every live session of a profile of this environment, audited; the API and the console both revoke
    /// this way. How many were revoked, or null when there is no such profile in the environment.
    /// </summary>
    public static async Task<int?> RevokeAllOfProfileAsync(TesseraDbContext db, ProfileStore profiles, SessionService sessions, AuditLog audit,
        string environmentId, string id, string actor, string? ip, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteTransactionAsync(cancellationToken);
        var profile = await profiles.FindAsync(environmentId, id, cancellationToken);
        if (profile is null) return null;
        var revoked = await sessions.RevokeAllForProfileAsync(profile.Id, cancellationToken);
        audit.Record(AuditActions.SessionsRevokedAll, actor, environmentId, profile.Id, ip, detail: $"{revoked.Count} session(s)");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        sessions.ApplyLocally(revoked);
        return revoked.Count;
    }

    private static async Task<Results<NoContent, JsonHttpResult<ApiError>>> RevokeOneAsync(HttpContext http, TesseraDbContext db, ProfileStore profiles, SessionService sessions, AuditLog audit, TimeProvider clock, string id, string sessionId)
    {
        var caller = http.ApiKeyCaller();
        return await RevokeOneOfProfileAsync(db, profiles, sessions, audit, clock, caller.Environment.Id, id, sessionId, caller.Key.Id, Credentials.ClientIp(http), http.RequestAborted) switch
        {
            RevokeOneOutcome.NoProfile => ApiError.NotFound("Profile"),
            RevokeOneOutcome.NoSession => ApiError.NotFound("Session"),
            _ => TypedResults.NoContent(),
        };
    }

    public enum RevokeOneOutcome
    {
        Revoked,
        NoProfile,
        NoSession,
    }

    /// <summary>Revokes one live session of a profile of this environment, audited; for the API and the console.</summary>
    public static async Task<RevokeOneOutcome> RevokeOneOfProfileAsync(TesseraDbContext db, ProfileStore profiles, SessionService sessions, AuditLog audit, TimeProvider clock,
        string environmentId, string id, string sessionId, string actor, string? ip, CancellationToken cancellationToken)
    {
        var profile = await profiles.FindAsync(environmentId, id, cancellationToken);
        if (profile is null) return RevokeOneOutcome.NoProfile;
        if (!Guid.TryParse(sessionId, out var sessionGuid)) return RevokeOneOutcome.NoSession;
        var now = clock.GetUtcNow().UtcDateTime;
        // The session must be this profile's (and so this environment's), and still live.
        var session = await db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionGuid && s.ProfileId == profile.Id && s.RevokedAt == null && s.ExpiresAt > now, cancellationToken);
        if (session is null) return RevokeOneOutcome.NoSession;
        audit.Record(AuditActions.SessionRevoked, actor, environmentId, profile.Id, ip, subject: sessionId);
        await sessions.RevokeAsync(new SessionClaims
        {
            SessionId = session.Id, ProfileId = profile.Id, EnvironmentId = profile.EnvironmentId, IssuedBy = session.IssuedBy,
            IssuedAt = new DateTimeOffset(session.IssuedAt).ToUnixTimeSeconds(), NotBefore = 0, ExpiresAt = new DateTimeOffset(session.ExpiresAt).ToUnixTimeSeconds(),
        }, cancellationToken);
        return RevokeOneOutcome.Revoked;
    }
}
