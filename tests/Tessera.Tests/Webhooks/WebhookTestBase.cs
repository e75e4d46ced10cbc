using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Environments;
using Tessera.Tests.Delivery;
using Tessera.Tests.Infrastructure;
using Tessera.Webhooks;
using Xunit;

namespace Tessera.Tests.Webhooks;

/// <summary>
/// Base of the webhook suites: servers whose dispatcher does not run by itself (tests call
/// <see cref="DispatchAsync"/> and move the fake clock), a sandbox environment, and a receiver on loopback, which
/// the operator's <c>Webhooks:AllowPrivateTargets</c> lets them reach (<see cref="WebhookTargetTests"/> runs without it).
/// </summary>
public abstract class WebhookTestBase(Backend backend, PostgresServer postgres) : DeliveryTestBase(backend, postgres)
{
    protected static Dictionary<string, string?> Manual => new()
    {
        ["Webhooks:BackgroundDispatch"] = "false",
        ["Webhooks:Timeout"] = "00:00:01",
        ["Webhooks:LockDuration"] = "00:02:00",
        ["Webhooks:AllowPrivateTargets"] = "true",
    };

    protected TesseraInstance Server { get; private set; } = null!;
    protected TesseraEnvironment Environment { get; private set; } = null!;
    protected string ApiSecret { get; private set; } = null!;
    protected WebhookReceiver Receiver { get; private set; } = null!;

    /// <summary>Extra settings a suite needs.</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    protected async Task StartAsync()
    {
        Server = await StartServerAsync(Manual, Settings);
        (Environment, ApiSecret, _) = await Server.CreateEnvironmentAsync();
        Receiver = await OwnAsync(WebhookReceiver.StartAsync());
    }

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected static Task DispatchAsync(TesseraInstance server) =>
        server.Services.GetRequiredService<WebhookDispatcher>().DispatchDueAsync(Ct);

    /// <summary>Creates a subscription over the API; returns its id and secret.</summary>
    protected async Task<(string Id, string Secret)> SubscribeAsync(string[] eventTypes, string? url = null, string? secret = null, TesseraInstance? server = null)
    {
        var response = await (server ?? Server).SendAsync(HttpMethod.Post, "/v1/webhooks/subscriptions", secret ?? ApiSecret,
            new { name = "test", targetUrl = url ?? Receiver.Url, eventTypes });
        var body = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return (body.Str("id"), body.Str("secret"));
    }

    protected async Task<string> CreateProfileAsync(TesseraInstance? server = null)
    {
        var response = await (server ?? Server).SendAsync(HttpMethod.Post, "/v1/profiles", ApiSecret, new { uuid = Guid.NewGuid() });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).Str("id");
    }

    protected async Task<JsonElement> DeliveriesAsync(string subscriptionId)
    {
        var response = await Server.SendAsync(HttpMethod.Get, $"/v1/webhooks/subscriptions/{subscriptionId}/deliveries", ApiSecret);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("deliveries");
    }

    protected Task<List<WebhookEvent>> EventsAsync(string? environmentId = null) => Server.WithDbAsync(db =>
    {
        var env = environmentId ?? Environment.Id;
        return db.WebhookEvents.AsNoTracking().Where(e => e.EnvironmentId == env).OrderBy(e => e.Seq).ToListAsync(Ct);
    });
}
