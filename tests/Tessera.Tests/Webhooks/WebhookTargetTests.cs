using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Environments;
using Tessera.Tests.Infrastructure;
using Tessera.Webhooks;
using Xunit;

namespace Tessera.Tests.Webhooks;

/// <summary>
/// Webhook targets on the host's own network, with the server configured as shipped (no
/// <c>Webhooks:AllowPrivateTargets</c>): refused in every environment mode, SANDBOX included, when a subscription is
/// saved and again at connect, so the delivery log cannot be read as a port scanner.
/// </summary>
public abstract class WebhookTargetTests(Backend backend, PostgresServer postgres) : WebhookTestBase(backend, postgres)
{
    // The base turns the option on for the suites that deliver to the loopback receiver; these run as shipped.
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Webhooks:AllowPrivateTargets"] = "false" };

    private static readonly Dictionary<string, string?> AllowPrivate = new() { ["Webhooks:AllowPrivateTargets"] = "true" };

    /// <summary>Loopback, private and link-local targets, in the spellings a URL allows for them.</summary>
    private string[] InternalTargets(string scheme)
    {
        var port = new Uri(Receiver.Url).Port;
        return
        [
            $"{scheme}://127.0.0.1:{port}/hook",
            $"{scheme}://127.0.0.1:9/closed",
            $"{scheme}://[::1]:{port}/hook",
            $"{scheme}://[::ffff:127.0.0.1]:{port}/hook",
            $"{scheme}://[::ffff:7f00:1]:{port}/hook",
            $"{scheme}://localhost:{port}/hook",
            $"{scheme}://LOCALHOST./hook",
            $"{scheme}://api.localhost/hook",
            $"{scheme}://2130706433:{port}/hook",     // 127.0.0.1 in decimal
            $"{scheme}://0177.0.0.1:{port}/hook",     // octal
            $"{scheme}://0x7f.0.0.1:{port}/hook",     // hexadecimal
            $"{scheme}://127.1:{port}/hook",          // shortened
            $"{scheme}://0.0.0.0:{port}/hook",
            $"{scheme}://10.1.2.3/hook",
            $"{scheme}://012.1.2.3/hook",             // 10.1.2.3 in octal
            $"{scheme}://167772161/hook",             // 10.0.0.1 in decimal
            $"{scheme}://172.16.0.1/",
            $"{scheme}://192.168.1.10/",
            $"{scheme}://169.254.169.254/latest/meta-data/",
            $"{scheme}://[fe80::1]/",
            $"{scheme}://[fd00::1]/",
        ];
    }

    private Task<HttpResponseMessage> SubscribeRawAsync(string url, string? apiSecret = null, TesseraInstance? server = null) =>
        (server ?? Server).SendAsync(HttpMethod.Post, "/v1/webhooks/subscriptions", apiSecret ?? ApiSecret, new { name = "x", targetUrl = url, eventTypes = new[] { "profile" } });

    private static async Task AssertRefusedTargetAsync(HttpResponseMessage response, string url)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{url}: {(int)response.StatusCode} {text}");
        var problem = Assert.Single((await response.JsonAsync()).GetProperty("targetUrl").EnumerateArray()).GetString()!;
        Assert.True(problem.Contains("loopback, private, link-local or unique-local") || problem.Contains("https"), $"{url}: {problem}");
    }

    [Fact]
    public async Task ASandboxKeyCannotSubscribeToLoopbackPrivateOrLinkLocalTargets()
    {
        await StartAsync();
        foreach (var url in InternalTargets("http"))
        {
            var response = await SubscribeRawAsync(url);
            await AssertRefusedTargetAsync(response, url);
            Assert.Contains("Webhooks:AllowPrivateTargets", (await response.JsonAsync()).GetProperty("targetUrl")[0].GetString());
        }
        Assert.Empty(await Server.WithDbAsync(db => db.WebhookSubscriptions.AsNoTracking().ToListAsync(Ct)));

        // Nor can it move a public subscription there.
        var created = await SubscribeRawAsync("https://93.184.216.34/hook");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.JsonAsync()).Str("id");
        var moved = await Server.SendAsync(HttpMethod.Patch, $"/v1/webhooks/subscriptions/{id}", ApiSecret, new { targetUrl = Receiver.Url, disabled = true });
        await AssertRefusedTargetAsync(moved, Receiver.Url);
        Assert.Equal("https://93.184.216.34/hook", (await Server.WithDbAsync(db => db.WebhookSubscriptions.AsNoTracking().SingleAsync(s => s.Id == id, Ct))).TargetUrl);
    }

    [Fact]
    public async Task ProductionSubscriptionsToLoopbackOrPrivateAddressesAreRefused()
    {
        await StartAsync();
        var (_, productionSecret, _) = await Server.CreateEnvironmentAsync(mode: EnvironmentMode.Production);
        foreach (var url in InternalTargets("https").Append("http://93.184.216.34/hook"))
            await AssertRefusedTargetAsync(await SubscribeRawAsync(url, productionSecret), url);
        // disabled: the tests reach loopback only.
        Assert.Equal(HttpStatusCode.Created, (await Server.SendAsync(HttpMethod.Post, "/v1/webhooks/subscriptions", productionSecret,
            new { name = "public", targetUrl = "https://93.184.216.34/hook", eventTypes = new[] { "profile" }, disabled = true })).StatusCode);
    }

    [Fact]
    public async Task ASubscriptionPointingAtLoopbackAnywayIsRefusedAtConnectAndTheLogCannotTellOpenPortsFromClosed()
    {
        await StartAsync();
        // As if saved while the option was on, or through a name that resolved elsewhere then (DNS rebinding):
        // the dispatcher checks the address it connects to. An open port, a closed one, and a name resolving to loopback.
        var port = new Uri(Receiver.Url).Port;
        var targets = new Dictionary<string, string>
        {
            ["wh_open"] = Receiver.Url,
            ["wh_closed"] = "http://127.0.0.1:9/hook",
            ["wh_name"] = $"http://localhost:{port}/hook",
        };
        var protector = Server.Services.GetRequiredService<Tessera.Security.SecretProtector>();
        await Server.WithDbAsync(async db =>
        {
            foreach (var (id, url) in targets)
                db.WebhookSubscriptions.Add(new WebhookSubscription
                {
                    Id = id, EnvironmentId = Environment.Id, Name = id, TargetUrl = url, EventTypes = "profile",
                    ProtectedSecret = protector.Protect("whsec_x"u8, "webhook-secret:" + id), CreatedAt = Clock.GetUtcNow().UtcDateTime, UpdatedAt = Clock.GetUtcNow().UtcDateTime,
                });
            return await db.SaveChangesAsync(Ct);
        });
        await CreateProfileAsync();
        await DispatchAsync(Server);

        var attempts = await Server.WithDbAsync(db => (from a in db.WebhookAttempts join d in db.WebhookDeliveries on a.DeliveryId equals d.Id
                                                       select new { d.SubscriptionId, a.StatusCode, a.Error }).ToListAsync(Ct));
        Assert.Equal(targets.Keys.Order(), attempts.Select(a => a.SubscriptionId).Order());
        foreach (var attempt in attempts)
        {
            Assert.Null(attempt.StatusCode);
            Assert.StartsWith("refused: ", attempt.Error);
        }
        // The same words whether something listens or not: nothing to scan with.
        Assert.Equal(attempts.Single(a => a.SubscriptionId == "wh_open").Error!.Replace($":{port}", ""), attempts.Single(a => a.SubscriptionId == "wh_closed").Error!.Replace(":9", ""));
        Assert.Empty(Receiver.Requests);
    }

    [Fact]
    public async Task WithAllowPrivateTargetsTheOperatorLetsSubscriptionsReachLoopbackAndPrivateTargets()
    {
        await StartAsync();
        var allowing = await StartServerAsync(Manual, AllowPrivate);
        var (_, productionSecret, _) = await allowing.CreateEnvironmentAsync(mode: EnvironmentMode.Production);
        foreach (var url in InternalTargets("http"))
        {
            var response = await SubscribeRawAsync(url, server: allowing);
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"{url}: {await response.Content.ReadAsStringAsync(Ct)}");
            // Kept off, so the deliveries below go to the receiver only.
            Assert.Equal(HttpStatusCode.OK, (await allowing.SendAsync(HttpMethod.Patch, $"/v1/webhooks/subscriptions/{(await response.JsonAsync()).Str("id")}", ApiSecret, new { disabled = true })).StatusCode);
        }
        // Outside SANDBOX https is still required; the address is the operator's call.
        Assert.Equal(HttpStatusCode.Created, (await allowing.SendAsync(HttpMethod.Post, "/v1/webhooks/subscriptions", productionSecret,
            new { name = "internal", targetUrl = "https://10.1.2.3/hook", eventTypes = new[] { "profile" }, disabled = true })).StatusCode);

        await SubscribeAsync(["profile"], server: allowing);
        var profile = await CreateProfileAsync(allowing);
        await DispatchAsync(allowing);
        Assert.Equal(profile, Assert.Single(await Receiver.WaitForAcceptedAsync(1)).Profile);
    }
}

public sealed class WebhookTargetTestsOnSqlite(PostgresServer postgres) : WebhookTargetTests(Backend.Sqlite, postgres);
public sealed class WebhookTargetTestsOnPostgres(PostgresServer postgres) : WebhookTargetTests(Backend.Postgres, postgres);
