using Microsoft.EntityFrameworkCore;
using Tessera.Data;
using Tessera.Http;
using Tessera.Security;

namespace Tessera.Profiles;

/// <summary>Finds, creates and updates profiles of one environment, enforcing identifier uniqueness.</summary>
public sealed class ProfileStore(TesseraDbContext db, TimeProvider clock)
{
    /// <summary>A profile by its <c>p_</c> id or its uuid, within the environment only.</summary>
    public Task<Profile?> FindAsync(string environmentId, string idOrUuid, CancellationToken cancellationToken)
    {
        if (Ids.IsProfileId(idOrUuid))
            return ById.For(db)(db, environmentId, idOrUuid, cancellationToken);
        if (Guid.TryParse(idOrUuid, out var uuid))
            return FindByUuidAsync(environmentId, uuid, cancellationToken);
        return Task.FromResult<Profile?>(null);
    }

    public Task<Profile?> FindByUuidAsync(string environmentId, Guid uuid, CancellationToken cancellationToken) =>
        ByUuid.For(db)(db, environmentId, uuid, cancellationToken);

    // Compiled once: issuance and every profile call look profiles up this way.
    private static readonly CompiledQuery<Func<TesseraDbContext, string, string, CancellationToken, Task<Profile?>>> ById = new(() =>
        EF.CompileAsyncQuery((TesseraDbContext db, string environmentId, string id, CancellationToken _) =>
            db.Profiles.FirstOrDefault(p => p.EnvironmentId == environmentId && p.Id == id)));

    private static readonly CompiledQuery<Func<TesseraDbContext, string, Guid, CancellationToken, Task<Profile?>>> ByUuid = new(() =>
        EF.CompileAsyncQuery((TesseraDbContext db, string environmentId, Guid uuid, CancellationToken _) =>
            db.Profiles.FirstOrDefault(p => p.EnvironmentId == environmentId && p.Uuid == uuid)));

    /// <summary>
    /// <see cref="FindAsync"/>, and the profile's writers are serialized for the rest of the transaction: on PostgreSQL
    /// the read takes the row lock (<c>FOR UPDATE</c>, one round trip for both); SQLite's write transaction already
    /// serializes every writer. Call it inside a write transaction.
    /// </summary>
    public async Task<Profile?> FindForUpdateAsync(string environmentId, string idOrUuid, CancellationToken cancellationToken)
    {
        if (!db.IsPostgres) return await FindAsync(environmentId, idOrUuid, cancellationToken);
        IQueryable<Profile> query;
        if (Ids.IsProfileId(idOrUuid))
            query = db.Profiles.FromSql($"SELECT * FROM profiles WHERE environment_id = {environmentId} AND id = {idOrUuid} FOR UPDATE");
        else if (Guid.TryParse(idOrUuid, out var uuid))
            query = db.Profiles.FromSql($"SELECT * FROM profiles WHERE environment_id = {environmentId} AND uuid = {uuid} FOR UPDATE");
        else return null;
        // Not composed (no LIMIT wrapped around it), so the statement runs exactly as written.
        return (await query.ToListAsync(cancellationToken)).FirstOrDefault();
    }

    public Profile Create(string environmentId, Guid? uuid)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var profile = New(environmentId, uuid, now);
        db.Profiles.Add(profile);
        db.WebhookEvents.Add(CreatedEvent(profile, now));
        return profile;
    }

    /// <summary>A new profile row (not added to any context): the customer's uuid, or a time-ordered one.</summary>
    public static Profile New(string environmentId, Guid? uuid, DateTime now) => new()
    {
        Id = Ids.New(Ids.ProfilePrefix),
        EnvironmentId = environmentId,
        Uuid = uuid ?? Guid.CreateVersion7(new DateTimeOffset(now, TimeSpan.Zero)),
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>The <c>profile.created</c> event, to commit with the profile.</summary>
    public static Webhooks.WebhookEvent CreatedEvent(Profile profile, DateTime now) =>
        Webhooks.EventLog.New(Webhooks.EventTypes.ProfileCreated, profile.EnvironmentId, profile.Id, new { id = profile.Id, uuid = profile.Uuid }, now);

    /// <summary>
    /// <see cref="ProfileInput.ApplyTo"/>, and what an identifier change means for sign-in: the new email or phone is
    /// unverified (<see cref="ProfileInput.ApplyTo"/> clears it), and the open passcodes of the one it replaces are
    /// voided, so no code sent before the change can prove anything after it. Saved with the caller's SaveChanges.
    /// </summary>
    public async Task ApplyAsync(Profile profile, ProfileInput input, DateTime now, CancellationToken cancellationToken)
    {
        var replaced = new List<string>(2);
        if (input.Email.IsSet && input.Email.Value != profile.Email && profile.Email is { } oldEmail) replaced.Add(oldEmail);
        if (input.Phone.IsSet && input.Phone.Value != profile.Phone && profile.Phone is { } oldPhone) replaced.Add(oldPhone);
        input.ApplyTo(profile, now);
        if (replaced.Count == 0) return;
        var open = await db.PasscodeChallenges
            .Where(c => c.EnvironmentId == profile.EnvironmentId && replaced.Contains(c.Identifier) && c.ConsumedAt == null && c.ExpiresAt > now)
            .ToListAsync(cancellationToken);
        foreach (var challenge in open) challenge.ConsumedAt = now;
    }

    /// <summary>
    /// The identifier another profile of the environment already holds, if the input would take one. The unique
    /// indexes are the final word (a race lands in <see cref="DbErrors.IsUniqueViolation"/>); this check gives the
    /// common case a clear answer before any write.
    /// </summary>
    public async Task<string?> FindConflictAsync(string environmentId, string? profileId, ProfileInput input, CancellationToken cancellationToken)
    {
        if (input.Email is { IsSet: true, Value: { } email }
            && await db.Profiles.AnyAsync(p => p.EnvironmentId == environmentId && p.Email == email && p.Id != profileId, cancellationToken))
            return "email";
        if (input.Phone is { IsSet: true, Value: { } phone }
            && await db.Profiles.AnyAsync(p => p.EnvironmentId == environmentId && p.Phone == phone && p.Id != profileId, cancellationToken))
            return "phone";
        return null;
    }

    public static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<ApiError> ConflictResult(string field) =>
        ApiError.Conflict($"The {field} is already in use by another profile", $"Use another {field}, or update the profile that holds it.");

    /// <summary>Which identifier a unique-index violation was about.</summary>
    public static string ConflictField(string? constraint) =>
        constraint is not null && constraint.Contains("phone", StringComparison.OrdinalIgnoreCase) ? "phone"
        : constraint is not null && constraint.Contains("uuid", StringComparison.OrdinalIgnoreCase) ? "uuid"
        : "email";
}
