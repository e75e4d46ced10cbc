using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Audit;
using Tessera.Clients;
using Tessera.OperatorConsole;
using Tessera.Tests.Infrastructure;
using Tessera.Tests.Webhooks;
using Tessera.Webhooks;
using Xunit;

namespace Tessera.Tests.OperatorConsole;

/// <summary>
/// What an operator does in the console, over HTTP, each result checked through the public API: keys, profiles and
/// their sessions, webhook replay, clients; every change audited under the operator's name; nothing of another
/// environment reachable through this one's pages; data never becomes markup.
/// </summary>
public abstract partial class ConsolePagesTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Webhooks:BackgroundDispatch"] = "false",
        ["Webhooks:Timeout"] = "00:00:05",
        ["Webhooks:AllowPrivateTargets"] = "true",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<List<AuditEvent>> AuditAsync(string action) =>
        Server.WithDbAsync(db => db.AuditEvents.AsNoTracking().Where(e => e.Action == action).ToListAsync(Ct));

    [GeneratedRegex("id=\"new-secret\" readonly value=\"([^\"]+)\"")]
    private static partial Regex ShownSecret();

    [Fact]
    public async Task AnApiKeyCreatedInTheConsoleWorksItsSecretIsShownOnceAndRevokingItStopsIt()
    {
        var browser = await ConsoleBrowser.SignedInAsync(Server, operatorName: "ada");
        var created = await browser.PostAsync($"/console/env/{Environment.Id}/api-keys", new() { ["name"] = "billing backend" });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal("no-store", created.Headers.CacheControl!.ToString());
        var secret = WebUtility.HtmlDecode(ShownSecret().Match(await created.Content.ReadAsStringAsync(Ct)).Groups[1].Value);
        Assert.StartsWith("tsk_", secret);

        var introspected = await Server.SendAsync(HttpMethod.Post, "/v1/introspect/api_key", secret);
        Assert.Equal(HttpStatusCode.OK, introspected.StatusCode);
        var listing = await browser.PageAsync($"/console/env/{Environment.Id}/api-keys");
        Assert.Contains("billing backend", listing);
        Assert.DoesNotContain(secret, listing);

        var key = await Server.WithDbAsync(db => db.ApiKeys.AsNoTracking().SingleAsync(k => k.Name == "billing backend", Ct));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync($"/console/env/{Environment.Id}/api-keys/{key.Id}/revoke")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.SendAsync(HttpMethod.Post, "/v1/introspect/api_key", secret)).StatusCode);

        Assert.Equal("console:ada", Assert.Single(await AuditAsync(AuditActions.ApiKeyRevoked)).Actor);
        Assert.Contains(await AuditAsync(AuditActions.ApiKeyCreated), e => e.Actor == "console:ada" && e.Subject == key.Id);
    }

    private async Task<(string ProfileId, string Token)> IssueSessionAsync(string email, string? apiSecret = null, string? userId = null)
    {
        object request = userId is null ? new { email } : new { userId };
        var issued = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", apiSecret ?? ApiSecret, request);
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var body = await issued.JsonAsync();
        return (body.Str("userId"), body.Str("token"));
    }

    [Fact]
    public async Task AProfileFoundByEmailPhoneUuidOrIdHasItsSessionsRevokedOneOrAll()
    {
        var (profileId, first) = await IssueSessionAsync("grace@example.com");
        var (_, second) = await IssueSessionAsync("grace@example.com", userId: profileId);
        var (_, third) = await IssueSessionAsync("grace@example.com", userId: profileId);
        var uuid = (await (await Server.SendAsync(HttpMethod.Get, $"/v1/profiles/{profileId}", ApiSecret)).JsonAsync()).Str("uuid");
        var browser = await ConsoleBrowser.SignedInAsync(Server, operatorName: "ada");

        foreach (var q in new[] { "grace@example.com", "GRACE@example.com", uuid, profileId })
            Assert.Contains($"/profiles/{profileId}\"", await browser.PageAsync($"/console/env/{Environment.Id}/profiles?q={Uri.EscapeDataString(q)}"));
        Assert.DoesNotContain($"/profiles/{profileId}\"", await browser.PageAsync($"/console/env/{Environment.Id}/profiles?q=nobody%40example.com"));

        var detail = await browser.PageAsync($"/console/env/{Environment.Id}/profiles/{profileId}");
        var firstId = (await (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", first)).JsonAsync()).Str("id");
        Assert.Contains(firstId, detail);
        Assert.Contains("Live sessions (3)", detail);

        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync($"/console/env/{Environment.Id}/profiles/{profileId}/sessions/{firstId}/revoke")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", first)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", second)).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync($"/console/env/{Environment.Id}/profiles/{profileId}/sessions/revoke-all")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", second)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", third)).StatusCode);
        Assert.Contains("Live sessions (0)", await browser.PageAsync($"/console/env/{Environment.Id}/profiles/{profileId}"));

        Assert.Equal("console:ada", Assert.Single(await AuditAsync(AuditActions.SessionRevoked)).Actor);
        Assert.Equal("console:ada", Assert.Single(await AuditAsync(AuditActions.SessionsRevokedAll)).Actor);
    }

    [Fact]
    public async Task ADisabledProfileCannotUseItsTokensAndADeletedOneIsGone()
    {
        var (profileId, token) = await IssueSessionAsync("linus@example.com");
        var browser = await ConsoleBrowser.SignedInAsync(Server);
        var path = $"/console/env/{Environment.Id}/profiles/{profileId}";

        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync(path + "/disable")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", token)).StatusCode);
        Assert.True((await (await Server.SendAsync(HttpMethod.Get, $"/v1/profiles/{profileId}", ApiSecret)).JsonAsync()).GetProperty("disabled").GetBoolean());
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync(path + "/enable")).StatusCode);
        Assert.False((await (await Server.SendAsync(HttpMethod.Get, $"/v1/profiles/{profileId}", ApiSecret)).JsonAsync()).GetProperty("disabled").GetBoolean());

        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync(path + "/delete")).StatusCode); // not confirmed
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Get, $"/v1/profiles/{profileId}", ApiSecret)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync(path + "/delete", new() { ["confirm"] = "yes" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Server.SendAsync(HttpMethod.Get, $"/v1/profiles/{profileId}", ApiSecret)).StatusCode);
        Assert.Equal("console:ada", Assert.Single(await AuditAsync(AuditActions.ProfileDeleted)).Actor);
    }

    [Fact]
    public async Task NothingOfAnotherEnvironmentIsReachableThroughThisOnesPages()
    {
        var (other, otherSecret, otherKeyId) = await Server.CreateEnvironmentAsync();
        var (theirProfile, theirToken) = await IssueSessionAsync("mallory@example.com", otherSecret);
        var browser = await ConsoleBrowser.SignedInAsync(Server);
        var mine = $"/console/env/{Environment.Id}";

        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"{mine}/profiles/{theirProfile}")).StatusCode);
        Assert.DoesNotContain(theirProfile, await browser.PageAsync($"{mine}/profiles?q=mallory%40example.com"));
        Assert.Equal(HttpStatusCode.NotFound, (await browser.PostAsync($"{mine}/profiles/{theirProfile}/sessions/revoke-all")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.PostAsync($"{mine}/profiles/{theirProfile}/disable")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.PostAsync($"{mine}/profiles/{theirProfile}/delete", new() { ["confirm"] = "yes" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.PostAsync($"{mine}/api-keys/{otherKeyId}/revoke")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", theirToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Post, "/v1/introspect/api_key", otherSecret)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Get, $"/v1/profiles/{theirProfile}", otherSecret)).StatusCode);
        Assert.NotNull(other);
    }

    [Fact]
    public async Task AWebhookDeliveryReplayedInTheConsoleIsSentAgain()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var subscribed = await Server.SendAsync(HttpMethod.Post, "/v1/webhooks/subscriptions", ApiSecret, new { name = "ops", targetUrl = receiver.Url, eventTypes = new[] { "profile" } });
        Assert.Equal(HttpStatusCode.Created, subscribed.StatusCode);
        var subscription = (await subscribed.JsonAsync()).Str("id");
        await IssueSessionAsync("hopper@example.com");
        var dispatcher = Server.Services.GetRequiredService<WebhookDispatcher>();
        await dispatcher.DispatchDueAsync(Ct);
        var original = Assert.Single(await receiver.WaitForAcceptedAsync(1));

        var browser = await ConsoleBrowser.SignedInAsync(Server, operatorName: "ada");
        var page = await browser.PageAsync($"/console/env/{Environment.Id}/webhooks/{subscription}");
        var delivery = await Server.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.SubscriptionId == subscription, Ct));
        Assert.Contains(delivery.Id, page);
        Assert.Contains("succeeded", page);

        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync($"/console/env/{Environment.Id}/webhooks/{subscription}/deliveries/{delivery.Id}/replay")).StatusCode);
        var listed = (await (await Server.SendAsync(HttpMethod.Get, $"/v1/webhooks/subscriptions/{subscription}/deliveries", ApiSecret)).JsonAsync()).GetProperty("deliveries");
        Assert.Contains(listed.EnumerateArray(), d => d.TryGetProperty("replayOf", out var of) && of.GetString() == delivery.Id);
        await dispatcher.DispatchDueAsync(Ct);
        var both = await receiver.WaitForAcceptedAsync(2);
        Assert.Equal(original.EventId, both[1].EventId);
        Assert.Equal("console:ada", Assert.Single(await AuditAsync(ConsoleAuditActions.WebhookReplayed)).Actor);

        Assert.Equal(HttpStatusCode.NotFound, (await browser.PostAsync($"/console/env/{Environment.Id}/webhooks/{subscription}/deliveries/dlv_nope/replay")).StatusCode);
        var (other, _, _) = await Server.CreateEnvironmentAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await browser.PostAsync($"/console/env/{other.Id}/webhooks/{subscription}/deliveries/{delivery.Id}/replay")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/console/env/{other.Id}/webhooks/{subscription}")).StatusCode);
    }

    [Fact]
    public async Task DataNeverBecomesMarkupAndClientSettingsAreSavedAndAudited()
    {
        Client client;
        await using (var scope = Server.Services.CreateAsyncScope())
            client = await scope.ServiceProvider.GetRequiredService<ClientAdmin>().CreateAsync(Environment.Id, "<script>alert(1)</script>", AuthStrategy.Email, signups: true, Ct);
        var browser = await ConsoleBrowser.SignedInAsync(Server, operatorName: "ada");
        var page = await browser.PageAsync($"/console/env/{Environment.Id}/clients");
        Assert.DoesNotContain("<script>alert(1)</script>", page);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page);

        var saved = await browser.PostAsync($"/console/env/{Environment.Id}/clients/{client.Id}", new()
        {
            ["verify_new"] = "on", ["enumeration_safe"] = "on", ["origins"] = "https://app.example.com https://admin.example.com",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var stored = await Server.WithDbAsync(db => db.Clients.AsNoTracking().SingleAsync(c => c.Id == client.Id, Ct));
        Assert.False(stored.SignupsEnabled);
        Assert.True(stored.VerifyNewProfiles);
        Assert.True(stored.EnumerationSafe);
        Assert.Equal("https://app.example.com https://admin.example.com", stored.AllowedOrigins);
        Assert.Equal("console:ada", Assert.Single(await AuditAsync(ConsoleAuditActions.ClientUpdated)).Actor);

        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync($"/console/env/{Environment.Id}/clients/{client.Id}", new() { ["origins"] = "https://app.example.com/path" })).StatusCode);
        var (other, _, _) = await Server.CreateEnvironmentAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await browser.PostAsync($"/console/env/{other.Id}/clients/{client.Id}", new() { ["signups"] = "on" })).StatusCode);
    }

    [Fact]
    public async Task TheOverviewChartsThisInstancesRequestsPerHourAndTheirP99()
    {
        var first = Clock.GetUtcNow().AddHours(1);
        Clock.Advance(TimeSpan.FromHours(1));
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Get, "/v1/webhooks/subscriptions", ApiSecret)).StatusCode);
        Clock.Advance(TimeSpan.FromHours(1));
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await Server.SendAsync(HttpMethod.Get, "/v1/webhooks/subscriptions", "wrong")).StatusCode);
        Clock.Advance(TimeSpan.FromHours(1));
        var viewer = await ConsoleBrowser.SignedInAsync(Server, ConsoleRole.Viewer, "vic");

        var overview = await viewer.PageAsync("/console");
        var requests = Figure(overview, "Requests (this instance)");
        Assert.Contains($"<title>{first:HH}:00: 3</title>", requests);
        Assert.Contains($"<title>{first.AddHours(1):HH}:00: 5</title>", requests);
        // Every request counts, refused ones too; the overview itself is recorded once it is answered.
        Assert.Matches(@"class=""total"">\d+ in 24 h", requests);
        var p99 = Figure(overview, "p99 latency, ms (this instance)");
        Assert.Equal(24, Regex.Matches(p99, "<rect ").Count);
        Assert.Contains($"<title>{first:HH}:00: ", p99);
    }

    private static string Figure(string page, string caption)
    {
        var at = page.IndexOf($"<figcaption>{caption} ", StringComparison.Ordinal);
        Assert.True(at >= 0, $"no chart \"{caption}\"");
        return page[at..page.IndexOf("</figure>", at, StringComparison.Ordinal)];
    }

    [Fact]
    public async Task EveryPageRendersForAViewerAndTheAuditLogFilters()
    {
        await IssueSessionAsync("ada@example.com");
        var viewer = await ConsoleBrowser.SignedInAsync(Server, ConsoleRole.Viewer, "vic");
        var env = $"/console/env/{Environment.Id}";
        foreach (var path in new[] { "/console", "/console/environments", $"{env}/api-keys", $"{env}/clients", $"{env}/profiles", $"{env}/signing-secrets", $"{env}/outbox", $"{env}/webhooks", $"{env}/audit" })
        {
            var response = await viewer.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}");
            Assert.DoesNotContain("<script", await response.Content.ReadAsStringAsync(Ct));
        }
        var issued = await viewer.PageAsync($"{env}/audit?action={AuditActions.SessionIssued}&since=24h");
        Assert.Contains(AuditActions.SessionIssued, issued);
        Assert.Contains(ApiKeyId, issued);
        var none = await viewer.PageAsync($"{env}/audit?action={AuditActions.SessionIssued}&actor=console:nobody");
        Assert.Contains("No event matches.", none);
    }
}

public sealed class ConsolePagesTestsOnSqlite(PostgresServer postgres) : ConsolePagesTests(Backend.Sqlite, postgres);
public sealed class ConsolePagesTestsOnPostgres(PostgresServer postgres) : ConsolePagesTests(Backend.Postgres, postgres);
