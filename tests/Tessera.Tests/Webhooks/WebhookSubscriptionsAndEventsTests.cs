using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Environments;
using Tessera.FinancialData;
using Tessera.Tests.Infrastructure;
using Tessera.Webhooks;
using Xunit;

namespace Tessera.Tests.Webhooks;

public abstract class WebhookSubscriptionsAndEventsTests(Backend backend, PostgresServer postgres) : WebhookTestBase(backend, postgres)
{
    [Fact]
    public async Task CreatingASubscriptionShowsItsSecretOnceAndValidatesEveryField()
    {
        await StartAsync();
        var created = await Server.SendAsync(HttpMethod.Post, "/v1/webhooks/subscriptions", ApiSecret,
            new { name = "Ops", targetUrl = Receiver.Url, eventTypes = new[] { "profile", "connection.synced" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.JsonAsync();
        Assert.StartsWith("wh_", body.Str("id"));
        Assert.Matches("^whsec_[0-9A-Za-z]{43}$", body.Str("secret"));
        Assert.Equal(["profile", "connection.synced"], body.GetProperty("eventTypes").EnumerateArray().Select(e => e.GetString()));
        // Stored encrypted, never in clear.
        var stored = await Server.WithDbAsync(db => db.WebhookSubscriptions.AsNoTracking().SingleAsync(s => s.Id == body.Str("id"), Ct));
        Assert.DoesNotContain(body.Str("secret"), System.Text.Encoding.UTF8.GetString(stored.ProtectedSecret));

        var fetched = await (await Server.SendAsync(HttpMethod.Get, $"/v1/webhooks/subscriptions/{body.Str("id")}", ApiSecret)).JsonAsync();
        Assert.False(fetched.TryGetProperty("secret", out _));
        var list = await (await Server.SendAsync(HttpMethod.Get, "/v1/webhooks/subscriptions", ApiSecret)).JsonAsync();
        var listed = Assert.Single(list.EnumerateArray());
        Assert.False(listed.TryGetProperty("secret", out _));

        var invalid = await Server.SendAsync(HttpMethod.Post, "/v1/webhooks/subscriptions", ApiSecret, new { targetUrl = "ftp://x", eventTypes = new[] { "profile.exploded" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        var errors = await invalid.JsonAsync();
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("targetUrl", out _));
        Assert.Contains("profile.exploded", errors.GetProperty("eventTypes")[0].GetString());

        var patched = await Server.SendAsync(HttpMethod.Patch, $"/v1/webhooks/subscriptions/{body.Str("id")}", ApiSecret, new { name = "Renamed", disabled = true });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var patchedBody = await patched.JsonAsync();
        Assert.Equal("Renamed", patchedBody.Str("name"));
        Assert.True(patchedBody.GetProperty("disabled").GetBoolean());

        var missing = await Server.SendAsync(HttpMethod.Get, "/v1/webhooks/subscriptions/wh_missing", ApiSecret);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("Webhook subscription not found", (await missing.JsonAsync()).Str("message"));
        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, $"/v1/webhooks/subscriptions/{body.Str("id")}", ApiSecret)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Server.SendAsync(HttpMethod.Delete, $"/v1/webhooks/subscriptions/{body.Str("id")}", ApiSecret)).StatusCode);
    }

    [Fact]
    public async Task AnotherEnvironmentsSubscriptionsAndEventsAreInvisible()
    {
        await StartAsync();
        var (subscription, _) = await SubscribeAsync(["profile"]);
        var (other, otherSecret, _) = await Server.CreateEnvironmentAsync();

        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, $"/v1/webhooks/subscriptions/{subscription}"),
            (HttpMethod.Patch, $"/v1/webhooks/subscriptions/{subscription}"),
            (HttpMethod.Delete, $"/v1/webhooks/subscriptions/{subscription}"),
            (HttpMethod.Get, $"/v1/webhooks/subscriptions/{subscription}/deliveries"),
            (HttpMethod.Post, $"/v1/webhooks/subscriptions/{subscription}/deliveries/dlv_x/replay"),
        })
        {
            var response = await Server.SendAsync(method, path, otherSecret, method == HttpMethod.Patch ? new { name = "stolen" } : null);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {response.StatusCode}");
        }
        var list = await (await Server.SendAsync(HttpMethod.Get, "/v1/webhooks/subscriptions", otherSecret)).JsonAsync();
        Assert.Empty(list.EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Get, $"/v1/webhooks/subscriptions/{subscription}", ApiSecret)).StatusCode);

        // The other environment's event does not reach this environment's subscription.
        Assert.Equal(HttpStatusCode.Created, (await Server.SendAsync(HttpMethod.Post, "/v1/profiles", otherSecret, new { })).StatusCode);
        var mine = await CreateProfileAsync();
        await DispatchAsync(Server);
        var received = Assert.Single(await Receiver.WaitForAcceptedAsync(1));
        Assert.Equal(mine, received.Profile);
        Assert.Single(await EventsAsync(other.Id));
    }

    [Fact]
    public async Task ASessionIssuanceRefusedWithAConflictRecordsNoEvent()
    {
        await StartAsync();
        var taken = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { uuid = Guid.NewGuid(), email = "taken@example.com" });
        Assert.Equal(HttpStatusCode.Created, taken.StatusCode);
        var before = await EventsAsync();
        Assert.Equal(["profile.created"], before.Select(e => e.Type));

        // A new uuid with someone else's email: the profile is created in the transaction, then refused.
        var refused = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { uuid = Guid.NewGuid(), email = "taken@example.com" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(before.Select(e => e.Id), (await EventsAsync()).Select(e => e.Id));
    }

    [Fact]
    public async Task AnImportChunkThatRollsBackRecordsNoEventOfItsRows()
    {
        await StartAsync();
        var profileId = await CreateProfileAsync();
        var connectionUuid = Guid.NewGuid();
        var accountUuid = Guid.NewGuid();
        var records = new object[]
        {
            new { type = "connection", uuid = connectionUuid, profileId, institution = new { name = "Bank" } },
            new { type = "account", uuid = accountUuid, connectionUuid, name = "Checking" },
        };
        await using var scope = Server.Services.CreateAsyncScope();
        var importer = scope.ServiceProvider.GetRequiredService<FinancialDataImporter>();
        // One record a chunk; the profile (and so its connection) is deleted between the two chunks.
        var result = await importer.ImportAsync(Environment.Id, Records(records, Ct, afterFirst: async () =>
        {
            var response = await Server.SendAsync(HttpMethod.Delete, $"/v1/profiles/{profileId}", ApiSecret);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }), Ct);
        Assert.Equal(1, result.Failed);

        var types = (await EventsAsync()).Select(e => e.Type).ToList();
        // The import ends after the profile is gone: no historical sync, no profile.ready for its connection.
        Assert.Equal(["profile.created", "connection.created", "connection.synced.successful.initial", "profile.deleted"], types);
    }

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Import:ChunkSize"] = "1" };

    private static async IAsyncEnumerable<ImportSourceRecord> Records(object[] records, [EnumeratorCancellation] CancellationToken cancellationToken, Func<Task> afterFirst)
    {
        for (var i = 0; i < records.Length; i++)
        {
            if (i == 1) await afterFirst();
            cancellationToken.ThrowIfCancellationRequested();
            yield return new ImportSourceRecord(i, JsonSerializer.SerializeToElement(records[i]));
        }
    }

    [Fact]
    public async Task ImportsRecordCreatedEventsOnlyForInsertedRowsAndOneSyncPerConnection()
    {
        await StartAsync();
        var profileId = await CreateProfileAsync();
        var connectionUuid = Guid.NewGuid();
        var accountUuid = Guid.NewGuid();
        object[] batch =
        [
            new { type = "connection", uuid = connectionUuid, profileId, institution = new { name = "Bank" } },
            new { type = "account", uuid = accountUuid, connectionUuid, name = "Checking" },
            new { type = "balance", uuid = Guid.NewGuid(), accountUuid, at = "2026-11-20T00:00:00Z", current = 1000 },
            new { type = "transaction", uuid = Guid.NewGuid(), accountUuid, date = "2026-11-20", description = "Coffee", amount = 450, entryType = "DEBIT" },
        ];
        var ndjson = string.Join("\n", batch.Select(r => JsonSerializer.Serialize(r)));
        for (var run = 0; run < 2; run++)
        {
            var response = await Server.SendAsync(HttpMethod.Post, "/v1/import", ApiSecret, rawBody: ndjson, contentType: "application/x-ndjson");
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        }
        var events = await EventsAsync();
        // Chunks of one record here: each chunk's events commit with it, so the first sync comes with the connection's
        // chunk; the history and the profile are complete when the import ends. The second run syncs an existing connection.
        Assert.Equal(
            ["profile.created", "connection.created", "connection.synced.successful.initial", "account.created", "balance.created",
             "connection.synced.successful.historical", "profile.ready", "connection.synced.successful", "profile.ready"],
            events.Select(e => e.Type));
        Assert.All(events.Skip(1), e => Assert.Equal(profileId, e.ProfileId));
        // Every sync names the one connection.
        var synced = events.Where(e => e.Type.StartsWith("connection.synced", StringComparison.Ordinal)).Select(e => JsonDocument.Parse(e.RecordJson).RootElement.Str("id")).Distinct();
        Assert.Single(synced);
    }

    [Fact]
    public async Task SessionRevocationProfileVerificationAndTheMockBankRecordEvents()
    {
        await StartAsync();
        var issued = await (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { uuid = Guid.NewGuid() })).JsonAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, "/v1/users/session", issued.Str("token"))).StatusCode);

        await using (var scope = Server.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<MockBank>().CreateAsync(Environment.Id, issued.Str("userId"), Ct);

        var events = await EventsAsync();
        Assert.Equal(["profile.created", "session.revoked", "connection.created"], events.Take(3).Select(e => e.Type));
        Assert.Equal(issued.Str("id"), JsonDocument.Parse(events[1].RecordJson).RootElement.Str("id"));
        Assert.Equal(5, events.Count(e => e.Type == "account.created"));
        Assert.Contains(events, e => e.Type == "statement.ready");
        Assert.Contains(events, e => e.Type == "balance.created");
        Assert.Equal(["connection.synced.successful.initial", "connection.synced.successful.historical", "profile.ready"], events.TakeLast(3).Select(e => e.Type));
        Assert.Equal(5, events.Count(e => e.Type == "account.verified"));
        Assert.All(events, e => Assert.Equal(issued.Str("userId"), e.ProfileId));
    }
}

public sealed class WebhookSubscriptionsAndEventsTestsOnSqlite(PostgresServer postgres) : WebhookSubscriptionsAndEventsTests(Backend.Sqlite, postgres);
public sealed class WebhookSubscriptionsAndEventsTestsOnPostgres(PostgresServer postgres) : WebhookSubscriptionsAndEventsTests(Backend.Postgres, postgres);
