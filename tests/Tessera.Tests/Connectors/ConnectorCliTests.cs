using System.Text.Json;
using Tessera.Data;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Connectors;

/// <summary>`tessera connectors` run as an operator would, with --json output parsed.</summary>
public abstract class ConnectorCliTests(Backend backend, PostgresServer postgres) : IAsyncLifetime
{
    private string _connectionString = "";
    private DatabaseProvider _provider;

    public async ValueTask InitializeAsync()
    {
        (_provider, _connectionString) = await TestDatabases.CreateAsync(backend, postgres);
        if (_provider == DatabaseProvider.Postgres) Assert.Equal(0, (await RunAsync("migrate")).ExitCode);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => new TesseraCliProcess(_provider, _connectionString).RunAsync(args);

    private Task<JsonElement> JsonAsync(params string[] args) => new TesseraCliProcess(_provider, _connectionString).JsonAsync(args);

    [Fact]
    public async Task ConnectorsAreCreatedForAClientListedPerEnvironmentAndDeleted()
    {
        var init = await JsonAsync("init");
        var client = init.GetProperty("emailClient");

        var connector = await JsonAsync("connectors", "create", "--client", client.Str("id"), "--name", "web");
        Assert.StartsWith("ctr_", connector.Str("id"));
        Assert.Equal((client.Str("id"), init.GetProperty("environment").Str("id"), "web"), (connector.Str("clientId"), connector.Str("environmentId"), connector.Str("name")));
        Assert.Equal(connector.Str("id"), Assert.Single((await JsonAsync("connectors", "list", "--environment", init.GetProperty("environment").Str("id"))).EnumerateArray()).Str("id"));

        await JsonAsync("environments", "create", "--name", "live", "--mode", "production");
        Assert.Empty((await JsonAsync("connectors", "list", "--environment", "live")).EnumerateArray());

        Assert.Equal(0, (await RunAsync("connectors", "delete", connector.Str("id"))).ExitCode);
        Assert.Empty((await JsonAsync("connectors", "list")).EnumerateArray());
        var (exitCode, _, stderr) = await RunAsync("connectors", "delete", connector.Str("id"));
        Assert.Equal(1, exitCode);
        Assert.Contains("No connector", stderr);
        (exitCode, _, stderr) = await RunAsync("connectors", "create", "--client", "cl_nope");
        Assert.Equal(1, exitCode);
        Assert.Contains("No client 'cl_nope'", stderr);
    }
}

public sealed class ConnectorCliTestsOnSqlite(PostgresServer postgres) : ConnectorCliTests(Backend.Sqlite, postgres);
public sealed class ConnectorCliTestsOnPostgres(PostgresServer postgres) : ConnectorCliTests(Backend.Postgres, postgres);
