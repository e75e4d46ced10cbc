using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.ApiKeys;
using Tessera.Audit;
using Tessera.Data;
using Tessera.Environments;
using Tessera.Http;
using Tessera.Profiles;
using Tessera.Security;
using Tessera.OpenApi;

namespace Tessera.Sessions;

/// <summary>Server-side issuance (API key) and the session holder's endpoints (session token).</summary>
public static class SessionsApi
{
    public static IEndpointRouteBuilder MapSessionsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/users/sessions", IssueAsync).RequireApiKey().WithTags("Sessions")
            .WithSummary("Issue a session token for a new or existing profile").WithName("IssueSession")
            .AcceptsJson<SessionIssueRequest>(optional: true).ProducesValidationErrors().ProducesErrors(403, 404, 409);

        var holder = routes.MapGroup("/v1").RequireSessionToken().WithTags("Sessions");
        // The directory is a singleton: passed in, not bound from RequestServices, which would create a DI scope per request.
        var directory = routes.ServiceProvider.GetRequiredService<ProfileDirectory>();
        holder.MapGet("/users/session", (HttpContext http) => DescribeAsync(http, directory)).WithSummary("Describe the presented session token").WithName("GetSession");
        holder.MapPost("/introspect/session_token", (HttpContext http) => DescribeAsync(http, directory)).WithSummary("Introspect the presented session token").WithName("IntrospectSessionToken");
        holder.MapDelete("/users/session", RevokeAsync).WithSummary("Revoke the presented session token everywhere").WithName("RevokeSession")
            .ProducesErrors(400);
        return routes;
    }

    private static async Task<Results<Created<SessionView>, JsonHttpResult<ApiError>, JsonHttpResult<Dictionary<string, List<string>>>>> IssueAsync(
        HttpContext http, TesseraDbContext db, ProfileStore profiles, SessionService sessions, AuditLog audit, TimeProvider clock,
        ProfileIssuance existingProfile, SigningKeyRing keys, IOptions<PhoneOptions> phones)
    {
        var caller = http.ApiKeyCaller();
        var body = await JsonBody.ReadObjectAsync(http.Request, emptyIsObject: true, http.RequestAborted);
        if (body.Error is { } bodyError) return bodyError;
        var errors = new ValidationErrors();
        var input = ProfileInput.Parse(body.Root, acceptIdentity: true, errors, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime),
            PhoneContext.For(phones.Value, caller.Environment.Mode));
        if (input.UserId is { } userId && !Ids.IsProfileId(userId) && !Guid.TryParse(userId, out _))
            errors.Add("userId", "must be a profile id (p_…) or a UUID");
        if (errors.Any) return errors.ToResult();

        var environmentId = caller.Environment.Id;
        // The common call, a token for a profile that exists with nothing to change, is one write unit (see IssueToExistingProfileAsync).
        if (!input.ChangesAnything && (input.UserId is not null || input.Uuid is not null)
            && await IssueToExistingProfileAsync(http, caller, input, existingProfile, keys) is { } answered)
            return answered;

        // Two attempts: if a concurrent request created the same customer uuid first, the second pass finds it.
        for (var attempt = 0; ; attempt++)
        {
            await using var transaction = await db.BeginWriteTransactionAsync(http.RequestAborted);
            // An existing profile is read with its row lock (PostgreSQL), so concurrent issuers of one profile queue
            // here and the limit below is counted with every earlier token committed.
            var (profile, created, notFound) = await ResolveProfileAsync(profiles, environmentId, input, http.RequestAborted);
            if (notFound) return ApiError.NotFound("Profile");

            if (profile!.DisabledAt is not null)
                return ProfileDisabled();
            if (await profiles.FindConflictAsync(environmentId, profile.Id, input, http.RequestAborted) is { } field)
                return ProfileStore.ConflictResult(field);

            var allowance = created ? sessions.NewProfileAllowance() : await sessions.CheckIssuanceLimitAsync(profile.Id, http.RequestAborted);
            RateLimitHeaders.Set(http, allowance.Limit, allowance.Remaining, allowance.ResetSeconds);
            if (!allowance.Allowed)
            {
                await transaction.DisposeAsync();
                await audit.RecordNowAsync(AuditActions.LimitHit, caller.Key.Id, environmentId, profile.Id, Credentials.ClientIp(http), detail: "session issuance", cancellationToken: http.RequestAborted);
                return ApiError.TooManyRequests(http, allowance.ResetSeconds, TooManyTokens);
            }

            await profiles.ApplyAsync(profile, input, clock.GetUtcNow().UtcDateTime, http.RequestAborted);
            var issued = await sessions.IssueAsync(profile, SessionKind.Api, caller.Key.Id, clientId: null, http, http.RequestAborted);
            audit.Record(AuditActions.SessionIssued, caller.Key.Id, environmentId, profile.Id, Credentials.ClientIp(http), subject: issued.Session.Id.ToString("D"));
            try
            {
                await db.SaveChangesAsync(http.RequestAborted);
                await transaction.CommitAsync(http.RequestAborted);
            }
            catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex, out var constraint))
            {
                db.ChangeTracker.Clear();
                var conflict = ProfileStore.ConflictField(constraint);
                if (conflict == "uuid" && attempt == 0) continue;
                return ProfileStore.ConflictResult(conflict);
            }
            return TypedResults.Created("/v1/users/session", SessionView.From(issued));
        }
    }

    /// <summary>
    /// Issuance for a profile that exists, with nothing to change (<see cref="ProfileIssuance"/>). Null when no such
    /// profile exists: the general path then creates it (a customer uuid) or answers 404 (a p_ id).
    /// </summary>
    private static async Task<Results<Created<SessionView>, JsonHttpResult<ApiError>, JsonHttpResult<Dictionary<string, List<string>>>>?> IssueToExistingProfileAsync(
        HttpContext http, ApiKeyCaller caller, ProfileInput input, ProfileIssuance existingProfile, SigningKeyRing keys)
    {
        var environmentId = caller.Environment.Id;
        // userId wins over uuid, as in ResolveProfileAsync; it was validated as a p_ id or a UUID.
        var (byId, byUuid) = input.UserId is { } userId
            ? Ids.IsProfileId(userId) ? (userId, (Guid?)null) : (null, Guid.Parse(userId))
            : (null, input.Uuid);
        var request = new IssuanceRequest(await keys.GetActiveAsync(environmentId, http.RequestAborted), byId, byUuid,
            SessionKind.Api, caller.Key.Id, SessionOrigin.Of(http));
        switch (await existingProfile.IssueAsync(request, http.RequestAborted))
        {
            case IssuanceOutcome.Issued issued:
                RateLimitHeaders.Set(http, issued.Allowance.Limit, issued.Allowance.Remaining, issued.Allowance.ResetSeconds);
                return TypedResults.Created("/v1/users/session", SessionView.From(issued.Session));
            case IssuanceOutcome.Disabled:
                return ProfileDisabled();
            case IssuanceOutcome.LimitHit hit:
                RateLimitHeaders.Set(http, hit.Allowance.Limit, hit.Allowance.Remaining, hit.Allowance.ResetSeconds);
                return ApiError.TooManyRequests(http, hit.Allowance.ResetSeconds, TooManyTokens);
            default:
                return null;
        }
    }

    private const string TooManyTokens = "Too many session tokens issued for this profile";

    private static JsonHttpResult<ApiError> ProfileDisabled() =>
        ApiError.Result(403, "Profile is disabled", "Enable it with PATCH /v1/profiles/{id} {\"disabled\": false} before issuing tokens.");

    private static async Task<(Profile? Profile, bool Created, bool NotFound)> ResolveProfileAsync(
        ProfileStore profiles, string environmentId, ProfileInput input, CancellationToken cancellationToken)
    {
        if (input.UserId is { } userId)
        {
            var existing = await profiles.FindForUpdateAsync(environmentId, userId, cancellationToken);
            if (existing is not null) return (existing, false, false);
            // A p_ id must exist; a UUID nobody has yet is the customer's key for a new profile.
            return Ids.IsProfileId(userId) ? (null, false, true) : (profiles.Create(environmentId, Guid.Parse(userId)), true, false);
        }
        if (input.Uuid is { } customerUuid)
        {
            var existing = await profiles.FindForUpdateAsync(environmentId, customerUuid.ToString("D"), cancellationToken);
            return existing is null ? (profiles.Create(environmentId, customerUuid), true, false) : (existing, false, false);
        }
        return (profiles.Create(environmentId, uuid: null), true, false);
    }

    private static async ValueTask<Results<SessionViewResult, JsonHttpResult<ApiError>>> DescribeAsync(HttpContext http, ProfileDirectory directory)
    {
        var session = http.AuthenticatedSession();
        var uuid = await directory.FindUuidAsync(session.Claims.EnvironmentId, session.Claims.ProfileId, http.RequestAborted);
        if (uuid is null) return ApiError.NotAuthenticated("The profile of this session no longer exists.");
        return new SessionViewResult(session.Claims, session.TokenText, uuid.Value);
    }

    private static async Task<Results<NoContent, JsonHttpResult<ApiError>>> RevokeAsync(HttpContext http, SessionService sessions, AuditLog audit)
    {
        var claims = http.AuthenticatedSession().Claims;
        if (!claims.IsRevocable)
            return ApiError.Result(400, "This token cannot be revoked on its own",
                "A self-signed token without a jti dies with its signing secret or its profile; give tokens a jti to revoke them singly.");
        audit.Record(AuditActions.SessionRevoked, claims.IssuedBy, claims.EnvironmentId, claims.ProfileId, Credentials.ClientIp(http),
            subject: claims.TokenId ?? claims.SessionId.ToString("D"), detail: "by the session holder");
        await sessions.RevokeAsync(claims, http.RequestAborted);
        return TypedResults.NoContent();
    }
}
