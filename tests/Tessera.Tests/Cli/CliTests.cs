using System.Text.Json;
using Tessera.Data;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Cli;

/// <summary>The real `tessera` executable, run as an operator would, with --json output parsed.</summary>
public abstract class CliTests(Backend backend, PostgresServer postgres) : IAsyncLifetime
{
    private string _connectionString = "";
    private DatabaseProvider _provider;

    public async ValueTask InitializeAsync()
    {
        (_provider, _connectionString) = await TestDatabases.CreateAsync(backend, postgres);
        if (_provider == DatabaseProvider.Postgres)
        {
            var migrate = await RunAsync("migrate");
            Assert.Equal(0, migrate.ExitCode);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => new TesseraCliProcess(_provider, _connectionString).RunAsync(args);

    private Task<JsonElement> JsonAsync(params string[] args) => new TesseraCliProcess(_provider, _connectionString).JsonAsync(args);

    [Fact]
    public async Task InitIsIdempotentAndPrintsTheSecretOnlyWhenItCreatesTheKey()
    {
        var first = await JsonAsync("init");
        var second = await JsonAsync("init");

        Assert.Equal("SANDBOX", first.GetProperty("environment").Str("mode"));
        Assert.StartsWith("tsk_", first.GetProperty("apiKey").Str("secret"));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("apiKey").GetProperty("secret").ValueKind);
        Assert.Equal(first.GetProperty("environment").Str("id"), second.GetProperty("environment").Str("id"));
        Assert.Equal(first.GetProperty("emailClient").Str("id"), second.GetProperty("emailClient").Str("id"));
        Assert.Equal("email", first.GetProperty("emailClient").Str("strategy"));
        Assert.Equal("phone", first.GetProperty("phoneClient").Str("strategy"));
    }

    [Fact]
    public async Task EnvironmentsApiKeysAndClientsCanBeManaged()
    {
        var environment = await JsonAsync("environments", "create", "--name", "live", "--mode", "production");
        Assert.Equal("PRODUCTION", environment.Str("mode"));
        Assert.Contains((await JsonAsync("environments", "list")).EnumerateArray(), e => e.Str("name") == "live");

        var key = await JsonAsync("api-keys", "create", "--environment", "live", "--name", "backend");
        var secret = key.Str("secret");
        var keys = await JsonAsync("api-keys", "list", "--environment", "live");
        var listed = Assert.Single(keys.EnumerateArray());
        Assert.Equal(key.Str("id"), listed.Str("id"));
        Assert.DoesNotContain(secret, keys.ToString());
        Assert.False(listed.TryGetProperty("secret", out _));

        Assert.Equal(0, (await RunAsync("api-keys", "revoke", key.Str("id"))).ExitCode);
        Assert.NotEqual(JsonValueKind.Null, Assert.Single((await JsonAsync("api-keys", "list", "--environment", "live")).EnumerateArray()).GetProperty("revokedAt").ValueKind);
        Assert.Equal(1, (await RunAsync("api-keys", "revoke", key.Str("id"))).ExitCode);

        var client = await JsonAsync("clients", "create", "--environment", environment.Str("id"), "--strategy", "phone", "--signups", "off");
        Assert.False(client.GetProperty("signups").GetBoolean());
        var updated = await JsonAsync("clients", "update", client.Str("id"), "--signups", "on", "--verify-new-profiles", "on", "--allowed-origins", "https://app.example.com");
        Assert.True(updated.GetProperty("signups").GetBoolean());
        Assert.True(updated.GetProperty("verifyNewProfiles").GetBoolean());
        Assert.Equal("https://app.example.com", updated.Str("allowedOrigins"));
        Assert.Single((await JsonAsync("clients", "list", "--environment", "live")).EnumerateArray());
        Assert.Empty((await JsonAsync("profiles", "list", "--environment", "live")).EnumerateArray());
    }

    [Fact]
    public async Task BadArgumentsFailWithAMessageAndNonZeroExit()
    {
        var (exitCode, _, stderr) = await RunAsync("environments", "create", "--name", "x", "--mode", "staging");
        Assert.Equal(1, exitCode);
        Assert.Contains("--mode", stderr);

        (exitCode, _, stderr) = await RunAsync("api-keys", "create", "--environment", "nope");
        Assert.Equal(1, exitCode);
        Assert.Contains("No environment", stderr);

        (exitCode, _, _) = await RunAsync("environments", "create");
        Assert.NotEqual(0, exitCode);
    }

    [Fact]
    public async Task ServeWithAnOutOfRangeSettingNamesItAndExitsWithoutAStackTrace()
    {
        var (exitCode, _, stderr) = await RunAsync("serve", "--urls", "http://127.0.0.1:0", "--Passcodes:MaxSendsPerIpPerHour=0");
        Assert.Equal(2, exitCode);
        Assert.Contains("tessera: configuration error:", stderr);
        Assert.Contains("MaxSendsPerIpPerHour", stderr);
        Assert.DoesNotContain("Unhandled exception", stderr);
    }
}

public sealed class CliTestsOnSqlite(PostgresServer postgres) : CliTests(Backend.Sqlite, postgres);
public sealed class CliTestsOnPostgres(PostgresServer postgres) : CliTests(Backend.Postgres, postgres);
