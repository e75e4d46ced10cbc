using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Tessera.Data;
using Tessera.Hosting;

namespace Tessera.Security;

/// <summary>
/// Before anything is served, the master key must be the one the database's secrets were encrypted under: a wrong
/// key would otherwise answer 500 to every issuance and verification. With a key at hand, one stored signing key
/// (or self-signed secret) must decrypt under it; with none, a new key file is written only when the database holds
/// nothing encrypted, so a key is never generated over existing data. Either failure stops start-up with one line.
/// </summary>
/// <remarks>Runs after migrations, from the CLI before any command touches data and from <see cref="DatabaseStartup"/>.</remarks>
public static class MasterKeyCheck
{
    public static async Task EnsureAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var provider = services.GetRequiredService<MasterKeyProvider>();
        var protector = services.GetRequiredService<SecretProtector>();
        var db = services.GetRequiredService<TesseraDbContext>();
        var database = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DatabaseOptions>>().Value;

        if (!provider.Exists)
        {
            if (await HoldsEncryptedDataAsync(db, cancellationToken))
            {
                var legacy = provider.LegacyKeyFilePath is { } path && File.Exists(path)
                    ? $" A key from an earlier version is at {path}: move it to {provider.KeyFilePath} or set Secrets:KeyFile to it."
                    : " Restore the original key file or set Secrets:KeyFile or Secrets:MasterKey to it.";
                throw new StartupRefusedException(
                    $"No master key at {provider.KeyFilePath}, but the database ({Describe(database)}) holds secrets encrypted under one; " +
                    $"refusing to start with a new key.{legacy}");
            }
            provider.CreateKeyFile();
            return;
        }

        var sample = await db.SigningKeys.AsNoTracking().OrderBy(k => k.Id).Select(k => new { k.Id, Protected = k.ProtectedKey })
            .FirstOrDefaultAsync(cancellationToken)
            ?? await db.SigningSecrets.AsNoTracking().OrderBy(s => s.Id).Select(s => new { s.Id, Protected = s.ProtectedSecret })
                .FirstOrDefaultAsync(cancellationToken);
        if (sample is null) return;
        try
        {
            CryptographicOperations.ZeroMemory(protector.Unprotect(sample.Protected, sample.Id));
        }
        catch (CryptographicException)
        {
            throw new StartupRefusedException(
                $"The master key ({provider.Source}) cannot decrypt the signing keys stored in the database ({Describe(database)}): " +
                "it is not the key this database was created with. Point Secrets:KeyFile or Secrets:MasterKey at the original key.");
        }
    }

    private static async Task<bool> HoldsEncryptedDataAsync(TesseraDbContext db, CancellationToken cancellationToken) =>
        await db.SigningKeys.AnyAsync(cancellationToken)
        || await db.SigningSecrets.AnyAsync(cancellationToken)
        || await db.WebhookSubscriptions.AnyAsync(cancellationToken)
        || await db.OutboxMessages.AnyAsync(m => m.ProtectedContent != null, cancellationToken);

    private static string Describe(DatabaseOptions database) => database.Provider == DatabaseProvider.Sqlite
        ? MasterKeyProvider.SqliteDatabaseFile(database.EffectiveConnectionString) ?? "in memory"
        : new Npgsql.NpgsqlConnectionStringBuilder(database.EffectiveConnectionString) is var b ? $"postgres {b.Host}/{b.Database}" : "postgres";
}
