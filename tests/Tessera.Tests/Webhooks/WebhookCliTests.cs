using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Webhooks;

public abstract class WebhookCliTests(Backend backend, PostgresServer postgres) : WebhookTestBase(backend, postgres)
{
    [Fact]
    public async Task WebhooksDeliveriesListsASubscriptionsDeliveriesWithTheirAttempts()
    {
        await StartAsync();
        Receiver.Respond = (_, _) => Task.FromResult(502);
        var (subscription, _) = await SubscribeAsync(["profile.created"]);
        await CreateProfileAsync();
        await DispatchAsync(Server);
        var cli = new TesseraCliProcess(Provider, ConnectionString);

        var json = await cli.JsonAsync("webhooks", "deliveries", "--subscription", subscription);
        var delivery = Assert.Single(json.EnumerateArray());
        Assert.Equal("profile.created", delivery.Str("eventType"));
        Assert.Equal("pending", delivery.Str("status"));
        Assert.Equal(502, Assert.Single(delivery.GetProperty("attemptLog").EnumerateArray()).GetProperty("statusCode").GetInt32());

        var (exitCode, table, _) = await cli.RunAsync("webhooks", "deliveries", "--subscription", subscription);
        Assert.Equal(0, exitCode);
        Assert.Contains(delivery.Str("id"), table);
        Assert.Contains("502", table);

        (exitCode, _, var stderr) = await cli.RunAsync("webhooks", "deliveries", "--subscription", "wh_nope");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("wh_nope", stderr);
    }
}

public sealed class WebhookCliTestsOnSqlite(PostgresServer postgres) : WebhookCliTests(Backend.Sqlite, postgres);
public sealed class WebhookCliTestsOnPostgres(PostgresServer postgres) : WebhookCliTests(Backend.Postgres, postgres);
