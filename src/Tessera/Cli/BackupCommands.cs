using System.CommandLine;
using Microsoft.Extensions.Options;
using Tessera.Data;
using Tessera.Security;

namespace Tessera.Cli;

/// <summary>
/// <c>tessera backup --to FILE</c> and <c>tessera restore --from FILE</c> for the embedded database (see
/// <see cref="SqliteBackup"/>). PostgreSQL has its own tools, which the refusal names (docs/reliability.md).
/// </summary>
internal static class BackupCommands
{
    private const string PostgresAdvice =
        "tessera backup and restore copy the embedded SQLite database. With PostgreSQL use its tools: " +
        "pg_dump --format=custom --file=tessera.dump \"$DATABASE_URL\" and pg_restore --no-owner --dbname=\"$NEW_DATABASE_URL\" tessera.dump " +
        "(docs/reliability.md, \"Backup and restore\"). Keep Secrets:MasterKey with the dump: the secrets in it are encrypted under it.";

    internal static Command Backup()
    {
        var to = new Option<FileInfo>("--to") { Description = "The backup file to write", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace the file if it exists" };
        var command = new Command("backup", "Copy the embedded database while the server runs (consistent, checked, fsynced)") { to, force };
        command.SetAction((parse, ct) => TesseraCli.WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            var database = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            if (database.Provider != DatabaseProvider.Sqlite) return TesseraCli.Fail(PostgresAdvice);
            SqliteBackup.Result result;
            try
            {
                result = await SqliteBackup.BackupAsync(database.EffectiveConnectionString, parse.GetValue(to)!.FullName, parse.GetValue(force),
                    services.GetRequiredService<TimeProvider>(), cancellationToken);
            }
            catch (BackupRefusedException ex)
            {
                return TesseraCli.Fail($"no backup taken: {ex.Message}");
            }
            var key = KeyAdvice(services);
            TesseraCli.Output(parse, View(result, key), () =>
            {
                Console.WriteLine($"Backed up to {result.Path}: {Size(result.Bytes)} in {result.Duration.TotalSeconds:0.00} s, integrity_check ok.");
                Console.WriteLine(key);
            });
            return 0;
        }, ct, migrateFirst: false));
        return command;
    }

    internal static Command Restore()
    {
        var from = new Option<FileInfo>("--from") { Description = "A file written by tessera backup", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace the current database (the server must be stopped)" };
        var command = new Command("restore", "Put a backup in place of the embedded database (with the server stopped)") { from, force };
        command.SetAction((parse, ct) => TesseraCli.WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            var database = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            if (database.Provider != DatabaseProvider.Sqlite) return TesseraCli.Fail(PostgresAdvice);
            SqliteBackup.Result result;
            try
            {
                result = await SqliteBackup.RestoreAsync(database.EffectiveConnectionString, parse.GetValue(from)!.FullName, parse.GetValue(force),
                    services.GetRequiredService<TimeProvider>(), cancellationToken);
            }
            catch (BackupRefusedException ex)
            {
                return TesseraCli.Fail($"nothing restored: {ex.Message}");
            }
            var key = KeyAdvice(services);
            TesseraCli.Output(parse, View(result, key), () =>
            {
                Console.WriteLine($"Restored {result.Path} ({Size(result.Bytes)}) in {result.Duration.TotalSeconds:0.00} s. Start the server on it.");
                Console.WriteLine(key);
            });
            return 0;
        }, ct, migrateFirst: false));
        return command;
    }

    // Where the key is, never the key: the database's secrets are encrypted under it, and it is not in the backup.
    private static string KeyAdvice(IServiceProvider services)
    {
        var key = services.GetRequiredService<MasterKeyProvider>();
        return key.KeyFilePath is { } file
            ? $"The master key is not in the backup: the server needs the same key file ({file}) beside the restored database, or Secrets:KeyFile or Secrets:MasterKey set to it."
            : $"The master key is not in the backup: the server needs the same key ({key.Source}) to read it.";
    }

    private static object View(SqliteBackup.Result result, string keyAdvice) => new
    {
        path = result.Path,
        bytes = result.Bytes,
        durationMs = (long)result.Duration.TotalMilliseconds,
        integrityCheck = "ok",
        masterKey = keyAdvice,
    };

    private static string Size(long bytes) => bytes switch
    {
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes / 1024.0 / 1024.0:0.0} MiB",
    };
}
