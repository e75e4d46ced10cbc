using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Data;
using Tessera.Delivery;
using Tessera.Environments;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Delivery;

/// <summary>`tessera outbox list` and the production start-up check, run as the real executable.</summary>
public abstract class OutboxCliTests(Backend backend, PostgresServer postgres) : DeliveryTestBase(backend, postgres)
{
    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        new TesseraCliProcess(Provider, ConnectionString).RunAsync(args);

    /// <summary>A sandbox and a production environment, each with one passcode message waiting; servers stopped.</summary>
    private async Task<(TesseraEnvironment Sandbox, TesseraEnvironment Production)> SeedAsync()
    {
        var server = await StartServerAsync();
        var (sandbox, _, _) = await server.CreateEnvironmentAsync("sandbox-" + Guid.NewGuid().ToString("N")[..6], EnvironmentMode.Sandbox);
        var (production, _, _) = await server.CreateEnvironmentAsync("live-" + Guid.NewGuid().ToString("N")[..6], EnvironmentMode.Production);
        var expires = Clock.GetUtcNow().UtcDateTime.AddYears(1);
        await EnqueueAsync(server, sandbox.Id, OutboxChannel.Email, "ada@example.com", MessageTemplates.PasscodeEmail("Acme", "482913", TimeSpan.FromMinutes(10)), expires);
        await EnqueueAsync(server, production.Id, OutboxChannel.Sms, "+15555550100", MessageTemplates.PasscodeSms("Acme", "739201", TimeSpan.FromMinutes(10)), expires);
        await StopServerAsync(server);
        return (sandbox, production);
    }

    private async Task<JsonElement> JsonAsync(params string[] args)
    {
        var (exitCode, stdout, stderr) = await RunAsync([.. args, "--json"]);
        Assert.True(exitCode == 0, $"tessera {string.Join(' ', args)} exited {exitCode}: {stderr}");
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }

    [Fact]
    public async Task OutboxListShowsTheTextInASandboxAndHidesItInProduction()
    {
        var (sandbox, production) = await SeedAsync();

        var sandboxRow = Assert.Single((await JsonAsync("outbox", "list", "--environment", sandbox.Name)).EnumerateArray());
        Assert.Equal("email", sandboxRow.Str("channel"));
        Assert.Equal("ada@example.com", sandboxRow.Str("recipient"));
        Assert.Equal("passcode", sandboxRow.Str("purpose"));
        Assert.Equal("pending", sandboxRow.Str("status"));
        Assert.Equal(0, sandboxRow.GetProperty("attempts").GetInt32());
        Assert.Equal("482913 is your Acme sign-in code", sandboxRow.Str("subject"));
        Assert.StartsWith("Your Acme sign-in code is 482913", sandboxRow.Str("text"));
        var (exitCode, table, _) = await RunAsync("outbox", "list", "--environment", sandbox.Id);
        Assert.Equal(0, exitCode);
        Assert.Contains("Your Acme sign-in code is 482913", table);
        Assert.Contains("ada@example.com", table);

        var productionJson = await JsonAsync("outbox", "list", "--environment", production.Name);
        var productionRow = Assert.Single(productionJson.EnumerateArray());
        Assert.Equal("sms", productionRow.Str("channel"));
        Assert.Equal("+15555550100", productionRow.Str("recipient"));
        Assert.False(productionRow.TryGetProperty("text", out _));
        Assert.False(productionRow.TryGetProperty("subject", out _));
        Assert.DoesNotContain("739201", productionJson.ToString());
        (exitCode, table, _) = await RunAsync("outbox", "list", "--environment", production.Name);
        Assert.Equal(0, exitCode);
        Assert.Contains("+15555550100", table);
        Assert.DoesNotContain("739201", table);

        (exitCode, _, var stderr) = await RunAsync("outbox", "list", "--environment", "nope");
        Assert.Equal(1, exitCode);
        Assert.Contains("No environment", stderr);
    }

    [Fact]
    public async Task ServeRefusesToStartWithAProductionEnvironmentAndNoProvider()
    {
        await SeedAsync();

        var (exitCode, stdout, stderr) = await RunAsync("serve", "--urls", "http://127.0.0.1:0");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("no delivery provider is configured", stdout + stderr);

        // One provider is enough to start (the other channel is logged as an error).
        var twilio = await OwnAsync(FakeTwilio.StartAsync());
        var server = await StartServerAsync(twilio.Settings);
        await using var scope = server.Services.CreateAsyncScope();
        Assert.True(scope.ServiceProvider.GetRequiredService<Outbox>().CanSend(OutboxChannel.Sms));
        Assert.False(scope.ServiceProvider.GetRequiredService<Outbox>().CanSend(OutboxChannel.Email));
    }
}

public sealed class OutboxCliTestsOnSqlite(PostgresServer postgres) : OutboxCliTests(Backend.Sqlite, postgres);
public sealed class OutboxCliTestsOnPostgres(PostgresServer postgres) : OutboxCliTests(Backend.Postgres, postgres);
