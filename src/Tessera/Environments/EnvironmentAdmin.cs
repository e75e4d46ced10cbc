using Microsoft.EntityFrameworkCore;
using Tessera.Data;
using Tessera.Security;

namespace Tessera.Environments;

/// <summary>Creates and lists environments; each is born with its own signing key.</summary>
public sealed class EnvironmentAdmin(TesseraDbContext db, SigningKeyRing keys, Audit.AuditLog audit, TimeProvider clock)
{
    /// <summary>
    /// A new signing key takes over at once; the keys before it keep verifying their tokens until
    /// <paramref name="retireAfter"/> has passed, then their tokens get 401. Every instance hears of it through the
    /// revocation log and reloads the environment's keys.
    /// </summary>
    public async Task<SigningKey> RotateKeyAsync(string environmentId, TimeSpan retireAfter, CancellationToken cancellationToken, string actor = "cli")
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var retiresAt = now + retireAfter;
        var current = await db.SigningKeys.Where(k => k.EnvironmentId == environmentId && (k.RetiresAt == null || k.RetiresAt > retiresAt)).ToListAsync(cancellationToken);
        foreach (var key in current) key.RetiresAt = retiresAt;
        var fresh = NewSigningKey(environmentId, now);
        db.SigningKeys.Add(fresh);
        db.Revocations.Add(new Sessions.Revocation
        {
            Kind = Sessions.RevocationKind.KeysRotated, Subject = environmentId, CreatedAt = now, ExpiresAt = now.AddDays(1),
        });
        audit.Record(Audit.AuditActions.SigningKeyRotated, actor, environmentId, subject: fresh.Id, detail: $"previous keys retire at {retiresAt:O}");
        await db.SaveChangesAsync(cancellationToken);
        keys.Forget(environmentId);
        return fresh;
    }

    public Task<List<SigningKey>> ListKeysAsync(string environmentId, CancellationToken cancellationToken) =>
        db.SigningKeys.AsNoTracking().Where(k => k.EnvironmentId == environmentId).OrderBy(k => k.CreatedAt).ToListAsync(cancellationToken);

    public async Task<TesseraEnvironment> CreateAsync(string name, EnvironmentMode mode, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var environment = new TesseraEnvironment { Id = Ids.New(Ids.EnvironmentPrefix), Name = name, Mode = mode, CreatedAt = now };
        db.Environments.Add(environment);
        db.SigningKeys.Add(NewSigningKey(environment.Id, now));
        await db.SaveChangesAsync(cancellationToken);
        return environment;
    }

    private SigningKey NewSigningKey(string environmentId, DateTime now)
    {
        var id = Ids.New(Ids.SigningKeyPrefix);
        return new SigningKey { Id = id, EnvironmentId = environmentId, ProtectedKey = keys.Protect(id, SigningKeyRing.NewKeyMaterial()), CreatedAt = now };
    }

    public Task<List<TesseraEnvironment>> ListAsync(CancellationToken cancellationToken) =>
        db.Environments.AsNoTracking().OrderBy(e => e.CreatedAt).ToListAsync(cancellationToken);

    /// <summary>An environment by id or by name.</summary>
    public Task<TesseraEnvironment?> FindAsync(string idOrName, CancellationToken cancellationToken) =>
        db.Environments.FirstOrDefaultAsync(e => e.Id == idOrName || e.Name == idOrName, cancellationToken);

    public static bool TryParseMode(string raw, out EnvironmentMode mode) =>
        Enum.TryParse(raw, ignoreCase: true, out mode) && Enum.IsDefined(mode);
}
