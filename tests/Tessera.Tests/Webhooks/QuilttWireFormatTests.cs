using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Webhooks;

/// <summary>
/// Deliveries in Quiltt's wire format (docs/adr/0003-webhooks.md), so a receiver written for Quiltt works unchanged:
/// its signature headers, its payload shape, its event types and subscription names.
/// </summary>
public abstract class QuilttWireFormatTests(Backend backend, PostgresServer postgres) : WebhookTestBase(backend, postgres)
{
    // These tests dispatch once and expect every delivery at the first attempt: the base's 1 s send timeout is for
    // the timeout tests, and a loaded machine can take longer than that to answer a first request.
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Webhooks:Timeout"] = "00:00:10" };

    /// <summary>Quiltt's documented check, written here from the docs rather than taken from Tessera's signer.</summary>
    private static bool QuilttAccepts(string body, string? timestamp, string? signature, string secret, DateTimeOffset now)
    {
        if (timestamp is null || signature is null || !long.TryParse(timestamp, out var seconds)) return false;
        if (now.ToUnixTimeSeconds() - seconds > 300) return false;
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        var expected = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes("1" + timestamp + body)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature));
    }

    private async Task<(string ProfileId, string Token)> IssueSessionAsync(object? metadata = null)
    {
        var response = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { uuid = Guid.NewGuid(), metadata });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.JsonAsync();
        return (body.Str("userId"), body.Str("token"));
    }

    private async Task MockBankAsync(string token)
    {
        var response = await Server.SendAsync(HttpMethod.Post, "/v1/graphql", token, new { query = "mutation { connectorMockInitialize(input: {}) { success } }" });
        var body = await response.JsonAsync();
        Assert.True(body.GetProperty("data").GetProperty("connectorMockInitialize").GetProperty("success").GetBoolean(), body.ToString());
    }

    [Fact]
    public async Task QuilttSignatureVerifiesWithQuilttsAlgorithmAndFailsForATamperedBodyAnOldTimestampOrAnotherSecret()
    {
        await StartAsync();
        var (_, secret) = await SubscribeAsync(["profile.created"]);
        var profileId = await CreateProfileAsync();
        await DispatchAsync(Server);

        var received = Assert.Single(await Receiver.WaitForAcceptedAsync(1));
        var now = Clock.GetUtcNow();
        Assert.Equal(now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), received.QuilttTimestamp);
        Assert.True(QuilttAccepts(received.Body, received.QuilttTimestamp, received.QuilttSignature, secret, now));
        Assert.False(QuilttAccepts(received.Body.Replace(profileId, profileId + "x"), received.QuilttTimestamp, received.QuilttSignature, secret, now));
        Assert.False(QuilttAccepts(received.Body, received.QuilttTimestamp, received.QuilttSignature, secret + "x", now));
        Assert.False(QuilttAccepts(received.Body, received.QuilttTimestamp, received.QuilttSignature, secret, now.AddSeconds(301)));
        // Tessera's own signature rides along, over the same timestamp.
        Assert.StartsWith($"t={received.QuilttTimestamp},v1=", received.Signature);
    }

    [Fact]
    public async Task PayloadHasQuilttsShapeWithTheEnvironmentTheProfileAndTheFullConnectionRecord()
    {
        await StartAsync();
        await SubscribeAsync(["connection.created"]);
        var (profileId, token) = await IssueSessionAsync(new { tier = "gold" });
        await MockBankAsync(token);
        await DispatchAsync(Server);

        var received = Assert.Single(await Receiver.WaitForAcceptedAsync(1));
        var json = received.Json;
        Assert.Equal(["environment", "eventTypes", "events"], json.EnumerateObject().Select(p => p.Name));
        var environment = json.GetProperty("environment");
        Assert.Equal(["id", "name", "mode", "metadata"], environment.EnumerateObject().Select(p => p.Name));
        Assert.Equal(Environment.Id, environment.Str("id"));
        Assert.Equal(Environment.Name, environment.Str("name"));
        Assert.Equal("SANDBOX", environment.Str("mode"));
        Assert.Equal(["connection.created"], json.GetProperty("eventTypes").EnumerateArray().Select(e => e.GetString()));

        var evt = received.Event;
        Assert.Equal(["id", "at", "type", "profile", "record", "metadata"], evt.EnumerateObject().Select(p => p.Name));
        Assert.StartsWith("evt_", evt.Str("id"));
        Assert.Equal(Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"), evt.Str("at"));
        var profile = evt.GetProperty("profile");
        Assert.Equal(["id", "uuid", "metadata"], profile.EnumerateObject().Select(p => p.Name));
        Assert.Equal(profileId, profile.Str("id"));
        Assert.Equal("gold", profile.GetProperty("metadata").Str("tier"));
        Assert.Equal(JsonValueKind.Object, evt.GetProperty("metadata").ValueKind);

        var record = evt.GetProperty("record");
        Assert.Equal(["id", "at", "provider", "features", "products", "status", "metadata", "createdAt", "updatedAt"], record.EnumerateObject().Select(p => p.Name));
        Assert.StartsWith("conn_", record.Str("id"));
        Assert.Equal("MOCK", record.Str("provider"));
        Assert.Equal("SYNCED", record.Str("status"));
    }

    [Fact]
    public async Task TheMockBankDeliversInitialAndHistoricalSyncsVerifiedAccountsAndProfileReady()
    {
        await StartAsync();
        await SubscribeAsync(["connection.synced.successful", "account.verified", "profile.ready"]);
        var (profileId, token) = await IssueSessionAsync();
        await MockBankAsync(token);
        await DispatchAsync(Server);

        // Every mock account is verified: three at the bank, two investment accounts.
        var accounts = Enumerable.Repeat("account.verified", 5);
        var received = await Receiver.WaitForAcceptedAsync(8);
        Assert.Equal(
            [.. accounts, "connection.synced.successful.initial", "connection.synced.successful.historical", "profile.ready"],
            received.Select(r => r.EventType));
        Assert.All(received, r => Assert.Equal(profileId, r.Profile));

        var account = received[0].Event.GetProperty("record");
        Assert.Equal(["id", "connectionId", "at", "state", "metadata", "createdAt", "updatedAt"], account.EnumerateObject().Select(p => p.Name));
        Assert.Equal("OPEN", account.Str("state"));

        var connectionId = received[5].Event.GetProperty("record").Str("id");
        var ready = received[7].Event;
        Assert.Equal(profileId, ready.GetProperty("record").Str("id"));
        Assert.Equal(["id", "uuid", "metadata", "email", "phone", "name", "names", "dateOfBirth", "address", "at", "createdAt", "updatedAt"],
            ready.GetProperty("record").EnumerateObject().Select(p => p.Name));
        var metadata = ready.GetProperty("metadata");
        Assert.Equal(connectionId, metadata.Str("connectionId"));
        var today = DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);
        Assert.Equal(today.ToString("yyyy-MM-dd"), metadata.Str("endDate"));
        Assert.True(DateOnly.Parse(metadata.Str("startDate")) <= today.AddMonths(-11));
    }

    [Fact]
    public async Task ABalanceEventCarriesTheBalanceInMajorUnits()
    {
        await StartAsync();
        await SubscribeAsync(["balance.created"]);
        var profileId = await CreateProfileAsync();
        var connectionUuid = Guid.NewGuid();
        var accountUuid = Guid.NewGuid();
        var ndjson = string.Join("\n", new object[]
        {
            new { type = "connection", uuid = connectionUuid, profileId, institution = new { name = "Bank" } },
            new { type = "account", uuid = accountUuid, connectionUuid, name = "Checking" },
            new { type = "balance", uuid = Guid.NewGuid(), accountUuid, at = "2026-11-20T00:00:00Z", current = 123456, available = 100050 },
        }.Select(r => JsonSerializer.Serialize(r)));
        var response = await Server.SendAsync(HttpMethod.Post, "/v1/import", ApiSecret, rawBody: ndjson, contentType: "application/x-ndjson");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        await DispatchAsync(Server);

        var record = Assert.Single(await Receiver.WaitForAcceptedAsync(1)).Event.GetProperty("record");
        Assert.Equal(["id", "accountId", "at", "source", "available", "current", "limit"], record.EnumerateObject().Select(p => p.Name));
        Assert.Equal("2026-11-20T00:00:00Z", record.Str("at"));
        Assert.Equal(1234.56, record.GetProperty("current").GetDouble());
        Assert.Equal(1000.5, record.GetProperty("available").GetDouble());
        Assert.Equal(JsonValueKind.Null, record.GetProperty("limit").ValueKind);
        Assert.Contains("\"current\":1234.56,", Receiver.Accepted[0].Body);
    }

    [Fact]
    public async Task ADeletedProfilesEventCarriesTheProfileAsItWas()
    {
        await StartAsync();
        await SubscribeAsync(["profile.deleted"]);
        var uuid = Guid.NewGuid();
        var created = await Server.SendAsync(HttpMethod.Post, "/v1/profiles", ApiSecret, new { uuid, email = "gone@example.com", metadata = new { plan = "basic" } });
        var profileId = (await created.JsonAsync()).Str("id");
        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, $"/v1/profiles/{profileId}", ApiSecret)).StatusCode);
        await DispatchAsync(Server);

        var evt = Assert.Single(await Receiver.WaitForAcceptedAsync(1)).Event;
        Assert.Equal("profile.deleted", evt.Str("type"));
        Assert.Equal(uuid.ToString(), evt.GetProperty("profile").Str("uuid"));
        Assert.Equal("basic", evt.GetProperty("profile").GetProperty("metadata").Str("plan"));
        Assert.Equal("gone@example.com", evt.GetProperty("record").Str("email"));
        Assert.Equal(profileId, evt.GetProperty("record").Str("id"));
    }

    [Fact]
    public async Task SubscriptionsAcceptEveryTypeAndScopeQuilttDocuments()
    {
        await StartAsync();
        string[] documented =
        [
            "profile", "profile.created", "profile.ready", "profile.deleted", "connection", "connection.created", "connection.synced",
            "connection.synced.successful", "connection.synced.successful.initial", "connection.synced.successful.historical",
            "connection.synced.errored", "connection.synced.errored.repairable", "connection.synced.errored.institution",
            "connection.synced.errored.provider", "connection.synced.errored.service", "connection.disconnected", "account",
            "account.created", "account.owners_verified", "account.reconnected", "account.verified", "balance", "balance.created",
            "statement", "statement.ready", "charge.execute",
        ];
        var (id, _) = await SubscribeAsync(documented);
        var view = await (await Server.SendAsync(HttpMethod.Get, $"/v1/webhooks/subscriptions/{id}", ApiSecret)).JsonAsync();
        Assert.Equal(documented, view.GetProperty("eventTypes").EnumerateArray().Select(e => e.GetString()));

        var unknown = await Server.SendAsync(HttpMethod.Post, "/v1/webhooks/subscriptions", ApiSecret,
            new { name = "x", targetUrl = Receiver.Url, eventTypes = new[] { "connection.synced.exploded" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
    }

    [Fact]
    public async Task TheParentSyncScopeReceivesEverySyncOfAnImport()
    {
        await StartAsync();
        await SubscribeAsync(["connection.synced.successful"]);
        var profileId = await CreateProfileAsync();
        var ndjson = JsonSerializer.Serialize(new { type = "connection", uuid = Guid.NewGuid(), profileId, institution = new { name = "Bank" } });
        for (var run = 0; run < 2; run++)
        {
            var response = await Server.SendAsync(HttpMethod.Post, "/v1/import", ApiSecret, rawBody: ndjson, contentType: "application/x-ndjson");
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        }
        await DispatchAsync(Server);
        var received = await Receiver.WaitForAcceptedAsync(3);
        Assert.Equal(["connection.synced.successful.initial", "connection.synced.successful.historical", "connection.synced.successful"],
            received.Select(r => r.EventType));
    }
}

public sealed class QuilttWireFormatTestsOnSqlite(PostgresServer postgres) : QuilttWireFormatTests(Backend.Sqlite, postgres);
public sealed class QuilttWireFormatTestsOnPostgres(PostgresServer postgres) : QuilttWireFormatTests(Backend.Postgres, postgres);
