using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.ApiKeys;
using Tessera.Data;
using Tessera.Http;
using Tessera.Audit;
using Tessera.Sessions;
using Tessera.OpenApi;

namespace Tessera.Profiles;

/// <summary>Server-side profile management, scoped to the API key's environment.</summary>
public static class ProfilesApi
{
    public static IEndpointRouteBuilder MapProfilesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/profiles").RequireApiKey().WithTags("Profiles");
        group.MapPost("/", CreateAsync).WithSummary("Create a profile").WithName("CreateProfile")
            .AcceptsJson<ProfileCreateRequest>(optional: true).ProducesValidationErrors().ProducesErrors(409);
        group.MapGet("/", ListAsync).WithSummary("List profiles, oldest first").WithName("ListProfiles").Paginated();
        group.MapGet("/{id}", GetAsync).WithSummary("Get a profile by id or uuid").WithName("GetProfile").ProducesErrors(404);
        group.MapPatch("/{id}", UpdateAsync).WithSummary("Update a profile's attributes").WithName("UpdateProfile")
            .AcceptsJson<ProfileUpdateRequest>().ProducesValidationErrors().ProducesErrors(404, 409);
        group.MapDelete("/{id}", DeleteAsync).WithSummary("Delete a profile and revoke all its sessions").WithName("DeleteProfile").ProducesErrors(404);
        return routes;
    }

    private static async Task<Results<Created<ProfileView>, JsonHttpResult<ApiError>, JsonHttpResult<Dictionary<string, List<string>>>>> CreateAsync(
        HttpContext http, TesseraDbContext db, ProfileStore profiles, TimeProvider clock, IOptions<PhoneOptions> phones)
    {
        var environmentId = http.ApiKeyCaller().Environment.Id;
        var body = await JsonBody.ReadObjectAsync(http.Request, emptyIsObject: true, http.RequestAborted);
        if (body.Error is { } bodyError) return bodyError;
        var errors = new ValidationErrors();
        var input = ProfileInput.Parse(body.Root, acceptIdentity: true, errors, Today(clock), Phones(http, phones));
        if (input.UserId is not null) errors.Add("userId", "is not accepted here; use uuid to key the profile");
        if (errors.Any) return errors.ToResult();

        if (input.Uuid is { } uuid && await profiles.FindByUuidAsync(environmentId, uuid, http.RequestAborted) is not null)
            return ProfileStore.ConflictResult("uuid");
        if (await profiles.FindConflictAsync(environmentId, null, input, http.RequestAborted) is { } field)
            return ProfileStore.ConflictResult(field);

        var profile = profiles.Create(environmentId, input.Uuid);
        input.ApplyTo(profile, clock.GetUtcNow().UtcDateTime);
        try { await db.SaveChangesAsync(http.RequestAborted); }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex, out var constraint))
        {
            return ProfileStore.ConflictResult(ProfileStore.ConflictField(constraint));
        }
        return TypedResults.Created($"/v1/profiles/{profile.Id}", ProfileView.From(profile));
    }

    /// <summary>A page of the environment's profiles, oldest first (<see cref="PageRequest"/>: Quiltt's pagination).</summary>
    private static async Task<Results<Ok<List<ProfileView>>, JsonHttpResult<ApiError>>> ListAsync(HttpContext http, TesseraDbContext db)
    {
        if (!PageRequest.TryParse(http.Request.Query, out var page, out var error)) return error!;
        var environmentId = http.ApiKeyCaller().Environment.Id;
        var query = db.Profiles.AsNoTracking().Where(p => p.EnvironmentId == environmentId);
        var rows = await query.OrderBy(p => p.CreatedAt).ThenBy(p => p.Id)
            .Skip(page.Skip).Take(page.Items).ToListAsync(http.RequestAborted);
        var total = await page.TotalAsync(rows.Count, () => query.LongCountAsync(http.RequestAborted));
        page.WriteHeaders(http, total);
        return TypedResults.Ok(rows.Select(ProfileView.From).ToList());
    }

    private static async Task<Results<Ok<ProfileView>, JsonHttpResult<ApiError>>> GetAsync(HttpContext http, ProfileStore profiles, string id)
    {
        var profile = await profiles.FindAsync(http.ApiKeyCaller().Environment.Id, id, http.RequestAborted);
        return profile is null ? ApiError.NotFound("Profile") : TypedResults.Ok(ProfileView.From(profile));
    }

    private static async Task<Results<Ok<ProfileView>, JsonHttpResult<ApiError>, JsonHttpResult<Dictionary<string, List<string>>>>> UpdateAsync(
        HttpContext http, TesseraDbContext db, ProfileStore profiles, RevocationList revocations, Audit.AuditLog audit, TimeProvider clock,
        IOptions<PhoneOptions> phones, string id)
    {
        var environmentId = http.ApiKeyCaller().Environment.Id;
        var body = await JsonBody.ReadObjectAsync(http.Request, emptyIsObject: false, http.RequestAborted);
        if (body.Error is { } bodyError) return bodyError;
        var errors = new ValidationErrors();
        var input = ProfileInput.Parse(body.Root, acceptIdentity: false, errors, Today(clock), Phones(http, phones));
        if (errors.Any) return errors.ToResult();

        // Metadata merges into what is stored: read it under the row lock, so a concurrent update is not lost.
        await using var transaction = await db.BeginWriteTransactionAsync(http.RequestAborted);
        var profile = await profiles.FindForUpdateAsync(environmentId, id, http.RequestAborted);
        if (profile is null) return ApiError.NotFound("Profile");
        if (input.MergeMetadataInto(profile.MetadataJson) is { } metadataError)
        {
            errors.Add("metadata", metadataError);
            return errors.ToResult();
        }
        if (await profiles.FindConflictAsync(environmentId, profile.Id, input, http.RequestAborted) is { } field)
            return ProfileStore.ConflictResult(field);
        var now = clock.GetUtcNow().UtcDateTime;
        await profiles.ApplyAsync(profile, input, now, http.RequestAborted);
        var stateChange = ApplyDisabled(profile, input.Disabled, now);
        if (stateChange is not null)
        {
            db.Revocations.Add(stateChange);
            var caller = http.ApiKeyCaller();
            audit.Record(stateChange.Kind == RevocationKind.ProfileDisabled ? AuditActions.ProfileDisabled : AuditActions.ProfileEnabled,
                caller.Key.Id, environmentId, profile.Id, Credentials.ClientIp(http));
        }
        try
        {
            await db.SaveChangesAsync(http.RequestAborted);
            await transaction.CommitAsync(http.RequestAborted);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex, out var constraint))
        {
            return ProfileStore.ConflictResult(ProfileStore.ConflictField(constraint));
        }
        if (stateChange is not null) revocations.Apply(stateChange);
        return TypedResults.Ok(ProfileView.From(profile));
    }

    /// <summary>
    /// Disabling stops every token of the profile on every instance (through the revocation log) and blocks new
    /// ones; enabling lifts it. Returns the log entry to write, or null when nothing changes.
    /// </summary>
    private static Revocation? ApplyDisabled(Profile profile, bool? disabled, DateTime now)
    {
        if (disabled is null || disabled == (profile.DisabledAt is not null)) return null;
        profile.DisabledAt = disabled.Value ? now : null;
        profile.UpdatedAt = now;
        return new Revocation
        {
            Kind = disabled.Value ? RevocationKind.ProfileDisabled : RevocationKind.ProfileEnabled,
            Subject = profile.Id,
            CreatedAt = now,
            // Instances read the current state from the profiles table at start; the entry only has to travel.
            ExpiresAt = now.AddDays(1),
        };
    }

    private static async Task<Results<NoContent, JsonHttpResult<ApiError>>> DeleteAsync(
        HttpContext http, TesseraDbContext db, ProfileStore profiles, SessionService sessions, AuditLog audit, string id)
    {
        var caller = http.ApiKeyCaller();
        return await DeleteProfileAsync(db, profiles, sessions, audit, caller.Environment.Id, id, caller.Key.Id, Credentials.ClientIp(http), http.RequestAborted)
            ? TypedResults.NoContent()
            : ApiError.NotFound("Profile");
    }

    /// <summary>
    /// Deletes the profile of this environment and revokes all its sessions, with its event and audit entry; the API
    /// and the console both delete this way. False when there is no such profile in the environment.
    /// </summary>
    public static async Task<bool> DeleteProfileAsync(TesseraDbContext db, ProfileStore profiles, SessionService sessions, AuditLog audit,
        string environmentId, string id, string actor, string? ip, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteTransactionAsync(cancellationToken);
        var profile = await profiles.FindAsync(environmentId, id, cancellationToken);
        if (profile is null) return false;
        var revoked = await sessions.RevokeAllForProfileAsync(profile.Id, cancellationToken);
        revoked.Add(sessions.RevokeProfile(profile.Id));
        db.Profiles.Remove(profile);
        // The whole record: when the event is delivered the profile is gone, and this is what the payload carries.
        Webhooks.EventLog.Record(db, Webhooks.EventTypes.ProfileDeleted, profile.EnvironmentId, profile.Id, Webhooks.WebhookPayload.Profile(profile), revoked[^1].CreatedAt);
        audit.Record(AuditActions.ProfileDeleted, actor, environmentId, profile.Id, ip);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        sessions.ApplyLocally(revoked);
        return true;
    }

    /// <summary>
    /// Disables or enables a profile of this environment alone (the console's switch; the API does it as part of an
    /// update, through the same <see cref="ApplyDisabled"/>). Null when there is no such profile; false when it
    /// already was in that state.
    /// </summary>
    public static async Task<bool?> SetDisabledAsync(TesseraDbContext db, ProfileStore profiles, RevocationList revocations, AuditLog audit, TimeProvider clock,
        string environmentId, string id, bool disabled, string actor, string? ip, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteTransactionAsync(cancellationToken);
        var profile = await profiles.FindForUpdateAsync(environmentId, id, cancellationToken);
        if (profile is null) return null;
        var stateChange = ApplyDisabled(profile, disabled, clock.GetUtcNow().UtcDateTime);
        if (stateChange is null) return false;
        db.Revocations.Add(stateChange);
        audit.Record(disabled ? AuditActions.ProfileDisabled : AuditActions.ProfileEnabled, actor, environmentId, profile.Id, ip);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        revocations.Apply(stateChange);
        return true;
    }

    private static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private static PhoneContext Phones(HttpContext http, IOptions<PhoneOptions> phones) => PhoneContext.For(phones.Value, http.ApiKeyCaller().Environment.Mode);
}
