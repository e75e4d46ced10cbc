using Tessera.Data;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Security;

/// <summary>
/// The embedded default's master key lives beside the database, not under the working directory,
/// and a key that is not the database's stops start-up with one line instead of a 500 on every request.
/// </summary>
public sealed class MasterKeyOnSqliteTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("tessera-masterkey-");
    private string DatabaseDirectory => Path.Combine(_root.FullName, "db");
    private string ConnectionString => $"Data Source={Path.Combine(DatabaseDirectory, "tessera.db")}";
    private string KeyFile => Path.Combine(DatabaseDirectory, "master.key");

    public void Dispose() => _root.Delete(recursive: true);

    private TesseraCliProcess CliFrom(string directory, string? masterKey = null)
    {
        Directory.CreateDirectory(directory);
        return new TesseraCliProcess(DatabaseProvider.Sqlite, ConnectionString, masterKey, directory);
    }

    [Fact]
    public async Task InitFromOneDirectoryAndCommandsFromAnotherShareTheKeyBesideTheDatabase()
    {
        var init = await CliFrom(Path.Combine(_root.FullName, "a")).JsonAsync("init");

        Assert.True(File.Exists(KeyFile));
        Assert.False(Directory.Exists(Path.Combine(_root.FullName, "a", "data")));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));

        // From elsewhere: the same key decrypts the signing keys (a new key would have been refused).
        var again = await CliFrom(Path.Combine(_root.FullName, "b")).JsonAsync("init");
        Assert.Equal(init.GetProperty("environment").Str("id"), again.GetProperty("environment").Str("id"));
        var secret = await CliFrom(Path.Combine(_root.FullName, "b")).JsonAsync("signing-secrets", "create", "--environment", "sandbox");
        Assert.False(string.IsNullOrEmpty(secret.Str("secret")));
        Assert.False(Directory.Exists(Path.Combine(_root.FullName, "b", "data")));
    }

    [Fact]
    public async Task AMissingKeyOverExistingDataIsRefusedWithOneLineAndNoNewKey()
    {
        await CliFrom(_root.FullName).JsonAsync("init");
        var original = await File.ReadAllTextAsync(KeyFile, TestContext.Current.CancellationToken);
        File.Delete(KeyFile);

        var (exitCode, stdout, stderr) = await CliFrom(_root.FullName).RunAsync("serve", "--urls", "http://127.0.0.1:0");

        Assert.Equal(2, exitCode);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"No master key at {KeyFile}", line);
        Assert.Contains("refusing to start with a new key", line);
        Assert.DoesNotContain("   at ", stderr);
        Assert.False(File.Exists(KeyFile));

        // Put back, it works again: nothing was lost or re-keyed.
        await File.WriteAllTextAsync(KeyFile, original, TestContext.Current.CancellationToken);
        Assert.Equal(0, (await CliFrom(_root.FullName).RunAsync("environments", "list")).ExitCode);
    }

    [Fact]
    public async Task AKeyLeftUnderTheWorkingDirectoryByAnEarlierVersionIsNamed()
    {
        await CliFrom(_root.FullName).JsonAsync("init");
        var legacyDirectory = Path.Combine(_root.FullName, "old", "data");
        Directory.CreateDirectory(legacyDirectory);
        File.Move(KeyFile, Path.Combine(legacyDirectory, "master.key"));

        var (exitCode, _, stderr) = await CliFrom(Path.Combine(_root.FullName, "old")).RunAsync("environments", "list");

        Assert.Equal(2, exitCode);
        Assert.Contains($"A key from an earlier version is at {Path.Combine(legacyDirectory, "master.key")}: move it to {KeyFile}", stderr);
        Assert.False(File.Exists(KeyFile));
    }

    [Fact]
    public async Task AnotherKeyFileIsRefusedBeforeServing()
    {
        await CliFrom(_root.FullName).JsonAsync("init");
        await File.WriteAllTextAsync(KeyFile, Convert.ToBase64String(new byte[32]), TestContext.Current.CancellationToken);

        var (exitCode, _, stderr) = await CliFrom(_root.FullName).RunAsync("serve", "--urls", "http://127.0.0.1:0");

        Assert.Equal(2, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"The master key ({KeyFile}) cannot decrypt the signing keys stored in the database", line);
    }

    [Fact]
    public async Task AnExplicitKeyFileIsUsedWhereverItIs()
    {
        var elsewhere = Path.Combine(_root.FullName, "keys", "tessera.key");
        var cli = CliFrom(_root.FullName);

        await cli.JsonAsync("init", $"--Secrets:KeyFile={elsewhere}");

        Assert.True(File.Exists(elsewhere));
        Assert.False(File.Exists(KeyFile));
        // Without the setting the default place is empty while the database holds secrets: refused, not re-keyed.
        Assert.Equal(2, (await cli.RunAsync("environments", "list")).ExitCode);
        Assert.Equal(0, (await cli.RunAsync("environments", "list", $"--Secrets:KeyFile={elsewhere}")).ExitCode);
    }
}

/// <summary>With PostgreSQL the key is configuration shared by every instance: one that is not the database's stops
/// start-up the same way.</summary>
public sealed class MasterKeyOnPostgresTests(PostgresServer postgres)
{
    [Fact]
    public async Task AnotherMasterKeyIsRefusedBeforeServing()
    {
        var (provider, connectionString) = await TestDatabases.CreateAsync(Backend.Postgres, postgres);
        var owner = new TesseraCliProcess(provider, connectionString);
        Assert.Equal(0, (await owner.RunAsync("migrate")).ExitCode);
        await owner.JsonAsync("init");

        var other = new TesseraCliProcess(provider, connectionString, Convert.ToBase64String(new byte[32]));
        var (exitCode, _, stderr) = await other.RunAsync("serve", "--urls", "http://127.0.0.1:0");

        Assert.Equal(2, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("The master key (Secrets:MasterKey) cannot decrypt the signing keys stored in the database (postgres ", line);
        Assert.Equal(0, (await owner.RunAsync("environments", "list")).ExitCode);
    }
}
