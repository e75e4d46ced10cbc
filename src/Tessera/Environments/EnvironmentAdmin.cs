using Microsoft.EntityFrameworkCore;
using Tessera.Data;
using Tessera.Security;

namespace Tessera.Environments;

/// <summary>Creates and lists environments; each is born with its own signing key.</summary>
public sealed class EnvironmentAdmin(TesseraDbContext db, SigningKeyRing keys, TimeProvider clock)
{
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
