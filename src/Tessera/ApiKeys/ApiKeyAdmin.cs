using Microsoft.EntityFrameworkCore;
using Tessera.Audit;
using Tessera.Data;
using Tessera.Security;
using Tessera.Sessions;

namespace Tessera.ApiKeys;

/// <summary>Creates, lists and revokes API keys. The secret exists in clear only in the return value of Create.</summary>
public sealed class ApiKeyAdmin(TesseraDbContext db, AuditLog audit, RevocationList revocations, TimeProvider clock)
{
    /// <summary>
    /// How long a key's revocation stays in the revocation log: long enough for every running instance to read it
    /// (they poll every 250 ms); an instance started later reads the key's <c>revoked_at</c> instead.
    /// </summary>
    public static readonly TimeSpan RevocationLogLifetime = TimeSpan.FromDays(1);

    public sealed record CreatedApiKey(ApiKey Key, string Secret);

    /// <param name="actor">Who asks, for the audit log: <c>cli</c>, or <c>console:NAME</c>.</param>
    public async Task<CreatedApiKey> CreateAsync(string environmentId, string name, CancellationToken cancellationToken, string actor = "cli")
    {
        var secret = Ids.NewSecret(Ids.ApiKeySecretPrefix);
        var key = new ApiKey
        {
            Id = Ids.New(Ids.ApiKeyPrefix),
            EnvironmentId = environmentId,
            Name = name,
            SecretHash = SecretHasher.Hash(secret),
            SecretHint = secret[..10],
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.ApiKeys.Add(key);
        audit.Record(AuditActions.ApiKeyCreated, actor, environmentId, subject: key.Id);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedApiKey(key, secret);
    }

    public Task<List<ApiKey>> ListAsync(string? environmentId, CancellationToken cancellationToken) =>
        db.ApiKeys.AsNoTracking().Where(k => environmentId == null || k.EnvironmentId == environmentId)
            .OrderBy(k => k.CreatedAt).ToListAsync(cancellationToken);

    /// <summary>
    /// Revokes the key and logs it in the revocation log, in one transaction, so every instance drops it from its
    /// key cache within a poll interval (this one at once). False when no such key exists or it was already revoked.
    /// </summary>
    public async Task<bool> RevokeAsync(string id, CancellationToken cancellationToken, string actor = "cli")
    {
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id && k.RevokedAt == null, cancellationToken);
        if (key is null) return false;
        var now = clock.GetUtcNow().UtcDateTime;
        key.RevokedAt = now;
        var revocation = new Revocation { Kind = RevocationKind.ApiKey, Subject = id, CreatedAt = now, ExpiresAt = now + RevocationLogLifetime };
        db.Revocations.Add(revocation);
        audit.Record(AuditActions.ApiKeyRevoked, actor, key.EnvironmentId, subject: id);
        await db.SaveChangesAsync(cancellationToken);
        revocations.Apply(revocation);
        return true;
    }
}
