using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Tessera.Data;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Reliability;

/// <summary>What a backup must bring back: issued tokens verify, a revoked one stays revoked, profiles and imported data are there.</summary>
internal sealed class BackupContents
{
    public required string ApiSecret { get; init; }
    public required List<(string Token, string ProfileId)> Live { get; init; }
    public required string Revoked { get; init; }
    public required string DataProfileId { get; init; }

    public static async Task<BackupContents> SeedAsync(TesseraInstance server, int sessions = 20)
    {
        var (_, secret, _) = await server.CreateEnvironmentAsync();
        var live = new List<(string, string)>();
        for (var i = 0; i < sessions; i++)
        {
            var issued = await (await server.SendAsync(HttpMethod.Post, "/v1/users/sessions", secret, new { email = $"backup{i}@example.com" })).JsonAsync();
            live.Add((issued.Str("token"), issued.Str("userId")));
        }
        var revoked = (await (await server.SendAsync(HttpMethod.Post, "/v1/users/sessions", secret, new { })).JsonAsync()).Str("token");
        Assert.Equal(HttpStatusCode.NoContent, (await server.SendAsync(HttpMethod.Delete, "/v1/users/session", revoked)).StatusCode);

        var profileUuid = Guid.NewGuid();
        var profile = await (await server.SendAsync(HttpMethod.Post, "/v1/profiles", secret, new { uuid = profileUuid })).JsonAsync();
        Guid connection = Guid.NewGuid(), account = Guid.NewGuid();
        var import = await server.SendAsync(HttpMethod.Post, "/v1/import", secret, new object[]
        {
            new { type = "connection", uuid = connection, profileUuid, provider = "IMPORT", status = "SYNCED", institution = new { id = "ins_1", name = "First Test Bank" } },
            new { type = "account", uuid = account, connectionUuid = connection, name = "Checking", mask = "1234", accountType = "CHECKING", currencyCode = "usd", verified = true },
            new { type = "transaction", uuid = Guid.NewGuid(), accountUuid = account, date = "2026-11-01", description = "Coffee", amount = 1234, entryType = "DEBIT", status = "POSTED" },
        });
        Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());
        return new BackupContents { ApiSecret = secret, Live = live, Revoked = revoked, DataProfileId = profile.Str("id") };
    }

    public async Task VerifyAsync(TesseraInstance restored)
    {
        foreach (var (token, profileId) in Live)
        {
            Assert.Equal(HttpStatusCode.OK, (await restored.SendAsync(HttpMethod.Get, "/v1/users/session", token)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await restored.SendAsync(HttpMethod.Get, $"/v1/profiles/{profileId}", ApiSecret)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await restored.SendAsync(HttpMethod.Get, "/v1/users/session", Revoked)).StatusCode);
        Assert.Equal(1, await restored.WithDbAsync(db => db.Transactions.CountAsync(t => t.ProfileId == DataProfileId)));
        Assert.Equal(1, await restored.WithDbAsync(db => db.Accounts.CountAsync(a => a.ProfileId == DataProfileId)));
        // New writes work on the restored database (its signing keys decrypt under the same master key).
        Assert.Equal(HttpStatusCode.Created, (await restored.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { })).StatusCode);
    }
}

/// <summary>tessera backup and restore on the embedded database, over the real CLI process, while a server writes.</summary>
[Collection(FaultScenarios.Name)]
public sealed class SqliteBackupRestoreTests(ITestOutputHelper output)
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tessera-backup-").FullName;

    [Fact]
    public async Task ABackupTakenUnderConcurrentWritesRestoresTokensRevocationsAndData()
    {
        var ct = TestContext.Current.CancellationToken;
        var live = $"Data Source={Path.Combine(_directory, "live", "tessera.db")}";
        await using var server = await TesseraInstance.StartAsync(DatabaseProvider.Sqlite, live, TimeProvider.System);
        var contents = await BackupContents.SeedAsync(server);

        // Writers keep issuing sessions while the backup runs: the backup must neither block them nor be torn by them.
        using var stop = new CancellationTokenSource();
        var acknowledgedDuring = 0;
        var writers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var response = await server.SendAsync(HttpMethod.Post, "/v1/users/sessions", contents.ApiSecret, new { });
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                Interlocked.Increment(ref acknowledgedDuring);
            }
        }, ct)).ToList();

        var backupFile = Path.Combine(_directory, "backups", "tessera-backup.db");
        var cli = new TesseraCliProcess(DatabaseProvider.Sqlite, live);
        var backup = await cli.JsonAsync("backup", "--to", backupFile);
        var acknowledgedBeforeBackupEnded = Volatile.Read(ref acknowledgedDuring);
        stop.Cancel();
        await Task.WhenAll(writers);

        Assert.Equal("ok", backup.Str("integrityCheck"));
        Assert.DoesNotContain(TesseraInstance.MasterKey, backup.ToString());
        Assert.Null(await SqliteBackup.IntegrityCheckAsync(backupFile, ct));
        Assert.True(acknowledgedBeforeBackupEnded > 0, "the writers made no progress while the backup ran");
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(backupFile)!, "*.partial"));

        // A second backup to the same file is refused without --force.
        var (exitCode, _, stderr) = await cli.RunAsync("backup", "--to", backupFile);
        Assert.Equal(1, exitCode);
        Assert.Contains("--force", stderr);

        // The live database is open in the server: restoring over it is refused.
        (exitCode, _, stderr) = await cli.RunAsync("restore", "--from", backupFile, "--force");
        Assert.Equal(1, exitCode);
        Assert.Contains("open in another process", stderr);

        var restoredDb = $"Data Source={Path.Combine(_directory, "restored", "tessera.db")}";
        var restore = await new TesseraCliProcess(DatabaseProvider.Sqlite, restoredDb).JsonAsync("restore", "--from", backupFile);
        Assert.Equal("ok", restore.Str("integrityCheck"));
        await using var restored = await TesseraInstance.StartAsync(DatabaseProvider.Sqlite, restoredDb, TimeProvider.System);
        await contents.VerifyAsync(restored);

        var sessionsInBackup = await restored.WithDbAsync(db => db.Sessions.CountAsync());
        FaultReport.Verdict(output, "backup-sqlite", true,
            $"backup {backup.GetProperty("bytes").GetInt64()} bytes in {backup.GetProperty("durationMs").GetInt64()} ms, integrity_check ok, " +
            $"{acknowledgedBeforeBackupEnded} sessions acknowledged by 4 concurrent writers while it ran (none failed); after restore: " +
            $"{contents.Live.Count}/{contents.Live.Count} tokens verify, revoked token refused, profiles and imported rows present, lost 0; " +
            $"{sessionsInBackup} sessions in the snapshot");
    }

    [Fact]
    public async Task RestoreRefusesADamagedBackup()
    {
        var damaged = Path.Combine(_directory, "damaged.db");
        await File.WriteAllBytesAsync(damaged, [.. "SQLite format 3\0"u8.ToArray(), .. new byte[4096]], TestContext.Current.CancellationToken);
        var (exitCode, _, stderr) = await new TesseraCliProcess(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(_directory, "target", "tessera.db")}")
            .RunAsync("restore", "--from", damaged);
        Assert.Equal(1, exitCode);
        Assert.Contains("nothing restored", stderr);
        Assert.False(File.Exists(Path.Combine(_directory, "target", "tessera.db")));
    }
}

/// <summary>PostgreSQL backups are pg_dump's: a dump restored into a new database serves the same tokens and data.</summary>
[Collection(FaultScenarios.Name)]
public sealed class PostgresBackupRestoreTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task ADumpRestoredWithPgRestoreIntoANewDatabaseKeepsTokensRevocationsAndData()
    {
        var ct = TestContext.Current.CancellationToken;
        var original = await postgres.CreateDatabaseAsync();
        var contents = await SeedAsync(original);
        var dump = Path.Combine(Directory.CreateTempSubdirectory("tessera-pgdump-").FullName, "tessera.dump");

        var started = Stopwatch.GetTimestamp();
        await RunToolAsync("pg_dump", original, ["--format=custom", $"--file={dump}", "--no-owner"], ct);
        var copy = await postgres.CreateDatabaseAsync();
        await RunToolAsync("pg_restore", copy, ["--no-owner", "--exit-on-error", dump], ct);
        var took = Stopwatch.GetElapsedTime(started);

        await using var restored = await TesseraInstance.StartAsync(DatabaseProvider.Postgres, copy, TimeProvider.System);
        await contents.VerifyAsync(restored);
        FaultReport.Verdict(output, "backup-postgres", true,
            $"pg_dump (custom, {new FileInfo(dump).Length} bytes) + pg_restore into a new database in {took.TotalMilliseconds:0} ms; " +
            $"{contents.Live.Count}/{contents.Live.Count} tokens verify, revoked token refused, profiles and imported rows present, lost 0");
    }

    [Fact]
    public async Task TesseraBackupOnPostgresRefusesAndNamesPgDump()
    {
        var (exitCode, _, stderr) = await new TesseraCliProcess(DatabaseProvider.Postgres, await postgres.CreateDatabaseAsync())
            .RunAsync("backup", "--to", Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".db"));
        Assert.Equal(1, exitCode);
        Assert.Contains("pg_dump --format=custom", stderr);
        Assert.DoesNotContain(TesseraInstance.MasterKey, stderr);
    }

    private static async Task<BackupContents> SeedAsync(string connectionString)
    {
        await using var server = await TesseraInstance.StartAsync(DatabaseProvider.Postgres, connectionString, TimeProvider.System);
        return await BackupContents.SeedAsync(server);
    }

    /// <summary>Runs a PostgreSQL client tool on the database of <paramref name="connectionString"/>.</summary>
    private static async Task RunToolAsync(string tool, string connectionString, string[] arguments, CancellationToken cancellationToken)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(FindTool(tool)) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { $"--host={database.Host}", $"--port={database.Port}", $"--username={database.Username}", $"--dbname={database.Database}" }.Concat(arguments))
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardOutput.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{tool} exited {process.ExitCode}: {await stderr}");
    }

    private static string FindTool(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Concat(Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin")) : [])
            .Select(directory => Path.Combine(directory, tool)).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{tool} not found: install PostgreSQL's client tools.");
}
