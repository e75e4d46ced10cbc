using Microsoft.EntityFrameworkCore;
using Tessera.Data;
using Tessera.Security;

namespace Tessera.Environments;

/// <summary>Creates and lists environments; each is born with its own signing key.</summary>
public sealed class EnvironmentAdmin(TesseraDbContext db, SigningKeyRing keys, Audit.AuditLog audit, TimeProvider clock)
{
    /// <summary>
    /// A new signing key takes over after <paramref name="activateAfter"/> (at once by default; until then it is
    /// published in the JWKS, so verifiers that cache it already know it when its first token arrives); the keys
    /// before it keep verifying their tokens until <paramref name="retireAfter"/> past that, then their tokens get
    /// 401. <paramref name="algorithm"/> null keeps the environment's current algorithm. Every instance hears of it
    /// through the revocation log and reloads the environment's keys.
    /// </summary>
    public async Task<SigningKey> RotateKeyAsync(string environmentId, TimeSpan retireAfter, CancellationToken cancellationToken,
        Sessions.JwsAlgorithm? algorithm = null, TimeSpan activateAfter = default, string actor = "cli")
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var activatesAt = now + activateAfter;
        var retiresAt = activatesAt + retireAfter;
        var current = await db.SigningKeys.Where(k => k.EnvironmentId == environmentId && (k.RetiresAt == null || k.RetiresAt > retiresAt)).ToListAsync(cancellationToken);
        var signing = current.Where(k => k.RetiresAt == null).OrderByDescending(k => k.CreatedAt).FirstOrDefault();
        foreach (var key in current) key.RetiresAt = retiresAt;
        var fresh = NewSigningKey(environmentId, now, algorithm ?? (signing is null ? Sessions.JwsAlgorithm.HS512 : SigningAlgorithms.Parse(signing.Algorithm)),
            activateAfter > TimeSpan.Zero ? activatesAt : null);
        db.SigningKeys.Add(fresh);
        db.Revocations.Add(new Sessions.Revocation
        {
            Kind = Sessions.RevocationKind.KeysRotated, Subject = environmentId, CreatedAt = now, ExpiresAt = now.AddDays(1),
        });
        audit.Record(Audit.AuditActions.SigningKeyRotated, actor, environmentId, subject: fresh.Id, detail: $"{fresh.Algorithm}, signs from {activatesAt:O}; previous keys retire at {retiresAt:O}");
        await db.SaveChangesAsync(cancellationToken);
        keys.Forget(environmentId);
        return fresh;
    }

    public Task<List<SigningKey>> ListKeysAsync(string environmentId, CancellationToken cancellationToken) =>
        db.SigningKeys.AsNoTracking().Where(k => k.EnvironmentId == environmentId).OrderBy(k => k.CreatedAt).ToListAsync(cancellationToken);

    public async Task<TesseraEnvironment> CreateAsync(string name, EnvironmentMode mode, CancellationToken cancellationToken,
        Sessions.JwsAlgorithm algorithm = Sessions.JwsAlgorithm.HS512)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var environment = new TesseraEnvironment { Id = Ids.New(Ids.EnvironmentPrefix), Name = name, Mode = mode, CreatedAt = now };
        db.Environments.Add(environment);
        db.SigningKeys.Add(NewSigningKey(environment.Id, now, algorithm, activatesAt: null));
        await db.SaveChangesAsync(cancellationToken);
        return environment;
    }

    private SigningKey NewSigningKey(string environmentId, DateTime now, Sessions.JwsAlgorithm algorithm, DateTime? activatesAt)
    {
        var id = Ids.New(Ids.SigningKeyPrefix);
        var (secret, publicKey) = SigningKeyRing.NewKeyMaterial(algorithm);
        return new SigningKey
        {
            Id = id, EnvironmentId = environmentId, Algorithm = SigningAlgorithms.Name(algorithm), ProtectedKey = keys.Protect(id, secret),
            PublicKey = publicKey, CreatedAt = now, ActivatesAt = activatesAt,
        };
    }

    public Task<List<TesseraEnvironment>> ListAsync(CancellationToken cancellationToken) =>
        db.Environments.AsNoTracking().OrderBy(e => e.CreatedAt).ToListAsync(cancellationToken);

    /// <summary>An environment by id or by name.</summary>
    public Task<TesseraEnvironment?> FindAsync(string idOrName, CancellationToken cancellationToken) =>
        db.Environments.FirstOrDefaultAsync(e => e.Id == idOrName || e.Name == idOrName, cancellationToken);

    public static bool TryParseMode(string raw, out EnvironmentMode mode) =>
        Enum.TryParse(raw, ignoreCase: true, out mode) && Enum.IsDefined(mode);
}
