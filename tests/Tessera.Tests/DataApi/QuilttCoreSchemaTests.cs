using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Environments;
using Tessera.FinancialData;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.DataApi;

/// <summary>
/// Quiltt's documented core schema (issue 21): its filters, <c>Account.balances</c>, <c>remoteData</c>, the older
/// names, <c>connectionSimulateError</c>, the provider connector mutations and the metadata rule; each new field and
/// filter also asked with another profile's and another environment's ids.
/// </summary>
public abstract class QuilttCoreSchemaTests(Backend backend, PostgresServer postgres) : GraphQLTestBase(backend, postgres)
{
    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Tessera.slnx"))) directory = directory.Parent;
        return directory?.FullName ?? ".";
    }

    private async Task<JsonElement> RawAsync(string token, string query, object? variables = null) =>
        await (await PostGraphQLAsync(new { query, variables }, token)).JsonAsync();

    [Fact]
    public async Task EveryDocumentedCoreOperationIsAcceptedAsWritten()
    {
        var mine = await SeedProfileAsync(3);
        var files = Directory.GetFiles(Path.Combine(RepositoryRoot(), "compat", "quiltt-docs", "operations"), "*.graphql", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        foreach (var file in files.Order())
        {
            var query = File.ReadAllText(file);
            var variablesFile = Path.ChangeExtension(file, ".variables.json");
            var variables = File.Exists(variablesFile) ? JsonDocument.Parse(File.ReadAllText(variablesFile)).RootElement : (JsonElement?)null;
            var body = await RawAsync(mine.Token, query, variables);
            // Documented ids do not exist here: they answer null (or success false), never an error.
            Assert.False(body.TryGetProperty("errors", out var errors), $"{Path.GetRelativePath(RepositoryRoot(), file)}: {errors}");
            Assert.True(body.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object, file);
        }
    }

    [Fact]
    public async Task AccountFiltersVerifiedAndConnectionStatusNarrowTheCallersAccountsOnly()
    {
        var mine = await SeedProfileAsync(1);
        var theirs = await SeedProfileAsync(1);
        await Server.WithDbAsync(async db =>
        {
            await db.Accounts.Where(a => a.Id == mine.AccountIds[0] || a.ProfileId == theirs.ProfileId).ExecuteUpdateAsync(s => s.SetProperty(a => a.Verified, true));
            return await db.Connections.Where(c => c.Id == theirs.ConnectionId).ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, ConnectionStatus.ErrorRepairable));
        });

        async Task<string[]> Ids(string filter) =>
            (await QueryAsync(mine.Token, $"{{ accounts(filter: {filter}) {{ id }} }}")).GetProperty("accounts").EnumerateArray().Select(a => a.Str("id")).Order().ToArray();

        Assert.Equal([mine.AccountIds[0]], await Ids("{ verified: true }"));
        Assert.Equal([mine.AccountIds[1]], await Ids("{ verified: false }"));
        Assert.Equal(mine.AccountIds.Order(), await Ids("{ connection_status: [SYNCED] }"));
        // Their connection is the one in error: it never reaches my list.
        Assert.Empty(await Ids("{ connection_status: [ERROR_REPAIRABLE, DISCONNECTED] }"));
        Assert.Equal([mine.AccountIds[0]], await Ids("{ verified: true, connection_status: [SYNCED], kind: [DEPOSITORY] }"));

        await Server.WithDbAsync(db => db.Connections.Where(c => c.Id == mine.ConnectionId).ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, ConnectionStatus.Disconnected)));
        Assert.Equal(mine.AccountIds.Order(), await Ids("{ connection_status: [ERROR_REPAIRABLE, DISCONNECTED] }"));
        var theirView = await QueryAsync(theirs.Token, "{ accounts(filter: { connection_status: [ERROR_REPAIRABLE], verified: true }) { id } }");
        Assert.Equal(theirs.AccountIds.Order(), theirView.GetProperty("accounts").EnumerateArray().Select(a => a.Str("id")).Order());
    }

    [Fact]
    public async Task TransactionStatusTakesAListOrOneValueAndTheOlderConnectionNameAnswersTheSame()
    {
        var mine = await SeedProfileAsync(9);
        await SeedProfileAsync(9);
        await Server.WithDbAsync(db => db.Transactions.Where(t => t.Id == mine.TransactionIds[0] || t.Id == mine.TransactionIds[1])
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, TransactionStatus.Pending)));

        async Task<int> Count(string field, string filter) =>
            (await QueryAsync(mine.Token, $"{{ {field}(filter: {filter}) {{ count }} }}")).GetProperty(field).GetProperty("count").GetInt32();

        Assert.Equal(7, await Count("transactions", "{ status: [POSTED] }"));
        Assert.Equal(2, await Count("transactions", "{ status: PENDING }"));
        Assert.Equal(9, await Count("transactions", "{ status: [PENDING, POSTED] }"));
        Assert.Equal(0, await Count("transactions", "{ status: [PROJECTED] }"));
        Assert.Equal(7, await Count("transactionsConnection", "{ status: [POSTED] }"));

        var both = await QueryAsync(mine.Token, "{ a: transactions(first: 100) { nodes { id } } b: transactionsConnection(first: 100) { nodes { id } } }");
        Assert.Equal(both.GetProperty("a").ToString(), both.GetProperty("b").ToString());
        Assert.Equal(9, both.GetProperty("b").GetProperty("nodes").GetArrayLength());
    }

    [Fact]
    public async Task RemoteDataAndBalancesRoundTripThroughImportAndStayWithTheirProfile()
    {
        var mine = await SeedProfileAsync(0);
        var theirs = await SeedProfileAsync(0);
        Guid connection = Guid.NewGuid(), account = Guid.NewGuid(), older = Guid.NewGuid(), newer = Guid.NewGuid(), transaction = Guid.NewGuid();
        object[] Batch(string note) =>
        [
            new { type = "connection", uuid = connection, profileId = mine.ProfileId, provider = "MX", remoteData = new { mx = new { member = new { guid = "MBR-1", note } } } },
            new { type = "account", uuid = account, connectionUuid = connection, name = "Card", mask = "4242", accountType = "CREDIT", remoteData = new { mx = new { account = new { guid = "ACT-1" } } } },
            new { type = "balance", uuid = older, accountUuid = account, at = "2026-01-01T00:00:00Z", current = -100_00, remoteData = new { mx = new { balance = 1 } } },
            new { type = "balance", uuid = newer, accountUuid = account, at = "2026-02-01T00:00:00Z", current = -250_50, available = 749_50, limit = 1000_00 },
            new { type = "transaction", uuid = transaction, accountUuid = account, date = "2026-01-15", description = "Coffee", amount = 450, entryType = "DEBIT", remoteData = new { mx = new { transaction = new { category = "Food", tags = new[] { "a", "b" } } } } },
        ];
        Assert.True((await Server.SendAsync(HttpMethod.Post, "/v1/import", ApiSecret, Batch("first"))).IsSuccessStatusCode);

        const string query = """
            { connections(filter: { provider: [MX] }) { id provider remoteData accounts { id mask lastFourDigits provider remoteData
                balance { id current }
                balances { id at current available limit remoteData }
                transactions { nodes { id remoteData } } } } }
            """;
        var data = await QueryAsync(mine.Token, query);
        var conn = Assert.Single(data.GetProperty("connections").EnumerateArray());
        Assert.Equal("first", conn.GetProperty("remoteData").GetProperty("mx").GetProperty("member").Str("note"));
        var acct = Assert.Single(conn.GetProperty("accounts").EnumerateArray());
        Assert.Equal("4242", acct.Str("mask"));
        Assert.Equal("4242", acct.Str("lastFourDigits"));
        Assert.Equal("MX", acct.Str("provider"));
        Assert.Equal("ACT-1", acct.GetProperty("remoteData").GetProperty("mx").GetProperty("account").Str("guid"));
        var balances = acct.GetProperty("balances").EnumerateArray().ToArray();
        Assert.Equal(2, balances.Length);
        Assert.Equal(acct.GetProperty("balance").Str("id"), balances[0].Str("id"));
        Assert.Equal(-250.5, balances[0].GetProperty("current").GetDouble());
        Assert.Equal(749.5, balances[0].GetProperty("available").GetDouble());
        Assert.Equal(1000, balances[0].GetProperty("limit").GetDouble());
        Assert.Equal(JsonValueKind.Null, balances[0].GetProperty("remoteData").ValueKind);
        Assert.Equal(-100, balances[1].GetProperty("current").GetDouble());
        Assert.Equal(1, balances[1].GetProperty("remoteData").GetProperty("mx").GetProperty("balance").GetInt32());
        var txn = Assert.Single(acct.GetProperty("transactions").GetProperty("nodes").EnumerateArray());
        Assert.Equal("""["a","b"]""", txn.GetProperty("remoteData").GetProperty("mx").GetProperty("transaction").GetProperty("tags").GetRawText());

        // Idempotent by uuid: the same batch again changes nothing; a new payload replaces the stored one.
        Assert.True((await Server.SendAsync(HttpMethod.Post, "/v1/import", ApiSecret, Batch("first"))).IsSuccessStatusCode);
        Assert.Equal(data.ToString(), (await QueryAsync(mine.Token, query)).ToString());
        Assert.True((await Server.SendAsync(HttpMethod.Post, "/v1/import", ApiSecret, Batch("second"))).IsSuccessStatusCode);
        var again = await QueryAsync(mine.Token, query);
        Assert.Equal("second", again.GetProperty("connections")[0].GetProperty("remoteData").GetProperty("mx").GetProperty("member").Str("note"));
        Assert.Equal(2, again.GetProperty("connections")[0].GetProperty("accounts")[0].GetProperty("balances").GetArrayLength());

        // The seeded connection has none.
        Assert.Equal(JsonValueKind.Null, (await QueryAsync(mine.Token, "{ connections(filter: { provider: [IMPORT] }) { remoteData } }")).GetProperty("connections")[0].GetProperty("remoteData").ValueKind);

        // Another profile reaches none of it, by list or by id.
        var theirView = await QueryAsync(theirs.Token, """
            query($c: ID!, $a: ID!, $t: ID!) { connection(id: $c) { remoteData } account(id: $a) { balances { id } remoteData } transaction(id: $t) { remoteData }
              connections { id } accounts(filter: { verified: false }) { id } }
            """, new { c = conn.Str("id"), a = acct.Str("id"), t = txn.Str("id") });
        foreach (var field in new[] { "connection", "account", "transaction" }) Assert.Equal(JsonValueKind.Null, theirView.GetProperty(field).ValueKind);
        Assert.DoesNotContain(theirView.GetProperty("connections").EnumerateArray(), c => c.Str("id") == conn.Str("id"));
        Assert.DoesNotContain(theirView.GetProperty("accounts").EnumerateArray(), a => a.Str("id") == acct.Str("id"));

        var rejected = await (await Server.SendAsync(HttpMethod.Post, "/v1/import", ApiSecret,
            new object[] { new { type = "connection", uuid = Guid.NewGuid(), profileId = mine.ProfileId, remoteData = "text" } })).JsonAsync();
        Assert.Contains(rejected.GetProperty("errors").EnumerateArray(), e => e.Str("field") == "remoteData");
    }

    [Fact]
    public async Task OlderNamesAreDeprecatedAndAnswerAsTheirNewNames()
    {
        var mine = await SeedProfileAsync(1);
        var theirs = await SeedProfileAsync(1);
        var data = await QueryAsync(mine.Token, """
            { connections { provider sourceType } accounts { state status mask lastFourDigits }
              __type(name: "Account") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } } }
            """);
        var connection = data.GetProperty("connections")[0];
        Assert.Equal(connection.Str("provider"), connection.Str("sourceType"));
        foreach (var account in data.GetProperty("accounts").EnumerateArray())
        {
            Assert.Equal(account.Str("state"), account.Str("status"));
            Assert.Equal(account.GetProperty("mask").ToString(), account.GetProperty("lastFourDigits").ToString());
        }
        var deprecated = data.GetProperty("__type").GetProperty("fields").EnumerateArray().Where(f => f.GetProperty("isDeprecated").GetBoolean()).Select(f => f.Str("name")).Order();
        Assert.Equal(["lastFourDigits", "status"], deprecated);

        // connectionDelete is connectionDisconnect: the caller's own connection only.
        var foreign = await QueryAsync(mine.Token, """mutation($id: ID!) { connectionDelete(input: { id: $id }) { success record { id } errors { message } } }""", new { id = theirs.ConnectionId });
        Assert.False(foreign.GetProperty("connectionDelete").GetProperty("success").GetBoolean());
        Assert.Equal("SYNCED", (await QueryAsync(theirs.Token, "{ connections { status } }")).GetProperty("connections")[0].Str("status"));
        var deleted = await QueryAsync(mine.Token, """mutation($id: ID!) { connectionDelete(input: { id: $id }) { success record { id status } } }""", new { id = mine.ConnectionId });
        Assert.True(deleted.GetProperty("connectionDelete").GetProperty("success").GetBoolean());
        Assert.Equal("DISCONNECTED", deleted.GetProperty("connectionDelete").GetProperty("record").Str("status"));
    }

    [Fact]
    public async Task MutationErrorsAreQuilttsErrorTypeSoAFragmentOnErrorApplies()
    {
        var mine = await SeedProfileAsync(1);
        var theirs = await SeedProfileAsync(1);
        // quiltt-client ships `fragment ErrorAttributes on Error`; another profile's connection is refused with errors.
        var refused = (await QueryAsync(mine.Token, """
            mutation($id: ID!) { connectionDelete(input: { id: $id }) { success errors { __typename ...ErrorAttributes } } }
            fragment ErrorAttributes on Error { message path }
            """, new { id = theirs.ConnectionId })).GetProperty("connectionDelete");
        Assert.False(refused.GetProperty("success").GetBoolean());
        var error = Assert.Single(refused.GetProperty("errors").EnumerateArray());
        Assert.Equal("Error", error.Str("__typename"));
        Assert.False(string.IsNullOrEmpty(error.Str("message")));
        Assert.Equal("SYNCED", (await QueryAsync(theirs.Token, "{ connections { status } }")).GetProperty("connections")[0].Str("status"));
    }

    [Fact]
    public async Task ConnectionSimulateErrorWorksInSandboxOnTheCallersConnectionOnlyAndRecordsTheEvent()
    {
        var mine = await SeedProfileAsync(1);
        var theirs = await SeedProfileAsync(1);
        var (production, productionSecret, _) = await Server.CreateEnvironmentAsync("live", EnvironmentMode.Production);
        var live = await SeedProfileAsync(1, productionSecret, production.Id);
        const string simulate = """mutation($id: ID!, $status: ConnectionErrorStatus) { connectionSimulateError(input: { id: $id, status: $status }) { success record { id status } errors { message code } } }""";
        Task<List<Tessera.Webhooks.WebhookEvent>> EventsAsync() =>
            Server.WithDbAsync(db => db.WebhookEvents.AsNoTracking().Where(e => e.Type.StartsWith("connection.synced.errored")).OrderBy(e => e.Seq).ToListAsync());

        var byDefault = (await QueryAsync(mine.Token, simulate, new { id = mine.ConnectionId })).GetProperty("connectionSimulateError");
        Assert.True(byDefault.GetProperty("success").GetBoolean());
        Assert.Equal("ERROR_REPAIRABLE", byDefault.GetProperty("record").Str("status"));
        var institution = (await QueryAsync(mine.Token, simulate, new { id = mine.ConnectionId, status = "ERROR_INSTITUTION" })).GetProperty("connectionSimulateError");
        Assert.Equal("ERROR_INSTITUTION", institution.GetProperty("record").Str("status"));
        var events = await EventsAsync();
        Assert.Equal(["connection.synced.errored.repairable", "connection.synced.errored.institution"], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal(mine.ProfileId, e.ProfileId));
        Assert.All(events, e => Assert.Contains(mine.ConnectionId, e.RecordJson));

        // Another profile's connection, and another environment's: not found, untouched, no event.
        foreach (var victim in new[] { theirs, live })
        {
            var refused = (await QueryAsync(mine.Token, simulate, new { id = victim.ConnectionId, status = "ERROR_SERVICE" })).GetProperty("connectionSimulateError");
            Assert.False(refused.GetProperty("success").GetBoolean());
            Assert.Equal(JsonValueKind.Null, refused.GetProperty("record").ValueKind);
            Assert.Equal(ConnectionStatus.Synced, await Server.WithDbAsync(db => db.Connections.Where(c => c.Id == victim.ConnectionId).Select(c => c.Status).SingleAsync()));
        }
        // A PRODUCTION environment refuses, even for the caller's own connection.
        var notSandbox = (await QueryAsync(live.Token, simulate, new { id = live.ConnectionId })).GetProperty("connectionSimulateError");
        Assert.False(notSandbox.GetProperty("success").GetBoolean());
        Assert.Equal("NOT_SANDBOX", notSandbox.GetProperty("errors")[0].Str("code"));
        Assert.Equal(ConnectionStatus.Synced, await Server.WithDbAsync(db => db.Connections.Where(c => c.Id == live.ConnectionId).Select(c => c.Status).SingleAsync()));
        Assert.Equal(2, (await EventsAsync()).Count);

        // Only error statuses are accepted, by the schema.
        var invalid = await RawAsync(mine.Token, simulate, new { id = mine.ConnectionId, status = "SYNCED" });
        Assert.True(invalid.TryGetProperty("errors", out _));
    }

    [Fact]
    public async Task ProviderConnectorMutationsAnswerAClearErrorInTheirPayload()
    {
        var mine = await SeedProfileAsync(0);
        foreach (var (field, select) in new[]
        {
            ("connectorPlaidInitialize", "record { linkToken }"), ("connectorPlaidClose", "record { id }"),
            ("connectorMxInitialize", "record { url }"), ("connectorMxClose", "record { id }"),
        })
        {
            var response = await PostGraphQLAsync(new { query = $"mutation {{ {field}(input: {{ clientMutationId: \"c1\" }}) {{ success clientMutationId {select} errors {{ code message }} }} }}" }, mine.Token);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            var body = await response.JsonAsync();
            Assert.False(body.TryGetProperty("errors", out var errors), errors.ToString());
            var payload = body.GetProperty("data").GetProperty(field);
            Assert.False(payload.GetProperty("success").GetBoolean());
            Assert.Equal("c1", payload.Str("clientMutationId"));
            Assert.Equal("PROVIDER_NOT_CONFIGURED", payload.GetProperty("errors")[0].Str("code"));
        }
        Assert.Equal([mine.ConnectionId], await Server.WithDbAsync(db => db.Connections.Where(c => c.ProfileId == mine.ProfileId).Select(c => c.Id).ToListAsync()));
    }

    [Fact]
    public async Task MetadataUpdatesMergeDeleteByNullAndStopAtFiftyKeys()
    {
        var mine = await SeedProfileAsync(1);
        const string update = """mutation($id: ID!, $m: JSON) { accountUpdate(input: { id: $id, metadata: $m }) { success record { metadata } errors { message path } } }""";
        async Task<JsonElement> Update(object? metadata) => (await QueryAsync(mine.Token, update, new { id = mine.AccountIds[0], m = metadata })).GetProperty("accountUpdate");

        Assert.Equal("""{"a":1,"b":2}""", (await Update(new { a = 1, b = 2 })).GetProperty("record").GetProperty("metadata").GetRawText());
        Assert.Equal("""{"a":1,"c":3}""", (await Update(new Dictionary<string, object?> { ["b"] = null, ["c"] = 3 })).GetProperty("record").GetProperty("metadata").GetRawText());
        Assert.Equal(JsonValueKind.Null, (await Update(null)).GetProperty("record").GetProperty("metadata").ValueKind);

        var fifty = Enumerable.Range(0, 50).ToDictionary(i => $"k{i}", i => (object?)i);
        Assert.True((await Update(fifty)).GetProperty("success").GetBoolean());
        var over = await Update(new { one = "more" });
        Assert.False(over.GetProperty("success").GetBoolean());
        Assert.Contains("at most 50 keys", over.GetProperty("errors")[0].Str("message"));
        Assert.Equal(50, (await QueryAsync(mine.Token, "query($id: ID!) { account(id: $id) { metadata } }", new { id = mine.AccountIds[0] }))
            .GetProperty("account").GetProperty("metadata").EnumerateObject().Count());

        // The same rule for transactions, connections and the profile.
        foreach (var (mutation, id) in new[] { ("transactionUpdate", mine.TransactionIds[0]), ("connectionUpdate", mine.ConnectionId) })
        {
            await QueryAsync(mine.Token, $$"""mutation($id: ID!) { {{mutation}}(input: { id: $id, metadata: { a: 1, b: 2 } }) { success } }""", new { id });
            var merged = await QueryAsync(mine.Token, $$"""mutation($id: ID!) { {{mutation}}(input: { id: $id, metadata: { a: null, c: 3 } }) { record { metadata } } }""", new { id });
            Assert.Equal("""{"b":2,"c":3}""", merged.GetProperty(mutation).GetProperty("record").GetProperty("metadata").GetRawText());
        }
        await QueryAsync(mine.Token, """mutation { profileUpdate(input: { metadata: { mortalEnemy: "Carole" } }) { success } }""");
        var profile = await QueryAsync(mine.Token, """mutation { profileUpdate(input: { name: "Joe Exotic", metadata: { favoriteAnimal: "Tiger" } }) { success record { name metadata } } }""");
        Assert.Equal("""{"mortalEnemy":"Carole","favoriteAnimal":"Tiger"}""", profile.GetProperty("profileUpdate").GetProperty("record").GetProperty("metadata").GetRawText());
        var tooMany = await QueryAsync(mine.Token, "mutation($m: JSON) { profileUpdate(input: { metadata: $m }) { success } }", new { m = fifty });
        Assert.False(tooMany.GetProperty("profileUpdate").GetProperty("success").GetBoolean());
        await QueryAsync(mine.Token, "mutation { profileUpdate(input: { metadata: null }) { success } }");
        Assert.True((await QueryAsync(mine.Token, "mutation($m: JSON) { profileUpdate(input: { metadata: $m }) { success } }", new { m = fifty }))
            .GetProperty("profileUpdate").GetProperty("success").GetBoolean());
        var profileOver = await QueryAsync(mine.Token, """mutation { profileUpdate(input: { metadata: { k49: null, x: 1, y: 2 } }) { success errors { message path } } }""");
        Assert.False(profileOver.GetProperty("profileUpdate").GetProperty("success").GetBoolean());
        Assert.Equal(50, (await QueryAsync(mine.Token, "{ profile { metadata } }")).GetProperty("profile").GetProperty("metadata").EnumerateObject().Count());
    }
}

public sealed class QuilttCoreSchemaTestsOnSqlite(PostgresServer postgres) : QuilttCoreSchemaTests(Backend.Sqlite, postgres);
public sealed class QuilttCoreSchemaTestsOnPostgres(PostgresServer postgres) : QuilttCoreSchemaTests(Backend.Postgres, postgres);
