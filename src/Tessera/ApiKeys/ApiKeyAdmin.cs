using Microsoft.EntityFrameworkCore;
using Tessera.Data;
using Tessera.Security;

namespace Tessera.ApiKeys;

/// <summary>Creates, lists and revokes API keys. The secret exists in clear only in the return value of Create.</summary>
public sealed class ApiKeyAdmin(TesseraDbContext db, TimeProvider clock)
{
    public sealed record CreatedApiKey(ApiKey Key, string Secret);

    public async Task<CreatedApiKey> CreateAsync(string environmentId, string name, CancellationToken cancellationToken)
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
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedApiKey(key, secret);
    }

    public Task<List<ApiKey>> ListAsync(string? environmentId, CancellationToken cancellationToken) =>
        db.ApiKeys.AsNoTracking().Where(k => environmentId == null || k.EnvironmentId == environmentId)
            .OrderBy(k => k.CreatedAt).ToListAsync(cancellationToken);

    /// <summary>False when no such key exists or it was already revoked.</summary>
    public async Task<bool> RevokeAsync(string id, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.ApiKeys.Where(k => k.Id == id && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), cancellationToken) > 0;
    }
}
