using Microsoft.EntityFrameworkCore;
using System.Text.Json;
using Tessera.FinancialData;
using Tessera.Security;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.DataApi;

public abstract class TransactionPaginationTests(Backend backend, PostgresServer postgres) : GraphQLTestBase(backend, postgres)
{
    private const string Page = """
        query($first: Int, $after: String, $last: Int, $before: String, $sort: TransactionSort) {
          transactions(first: $first, after: $after, last: $last, before: $before, sort: $sort) {
            count edges { cursor node { id date amount } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
          }
        }
        """;

    [Theory]
    [InlineData("DATE_DESC")]
    [InlineData("AMOUNT_ASC")]
    public async Task WalkingAThousandTransactionsForwardAndBackwardYieldsEachExactlyOnceInOrder(string sort)
    {
        var seeded = await SeedProfileAsync(1000);

        var forward = new List<string>();
        string? after = null;
        var pages = 0;
        while (true)
        {
            var connection = (await QueryAsync(seeded.Token, Page, new { first = 100, after, sort })).GetProperty("transactions");
            Assert.Equal(1000, connection.GetProperty("count").GetInt32());
            forward.AddRange(connection.GetProperty("edges").EnumerateArray().Select(e => e.GetProperty("node").Str("id")));
            var info = connection.GetProperty("pageInfo");
            Assert.Equal(after is not null, info.GetProperty("hasPreviousPage").GetBoolean());
            pages++;
            if (!info.GetProperty("hasNextPage").GetBoolean()) break;
            after = info.Str("endCursor");
            Assert.True(pages < 20, "pagination does not end");
        }
        Assert.Equal(10, pages);
        Assert.Equal(1000, forward.Distinct().Count());
        Assert.Equal(seeded.TransactionIds.Order(), forward.Order());

        var backward = new List<string>();
        string? before = null;
        while (true)
        {
            var connection = (await QueryAsync(seeded.Token, Page, new { last = 75, before, sort })).GetProperty("transactions");
            backward.InsertRange(0, connection.GetProperty("edges").EnumerateArray().Select(e => e.GetProperty("node").Str("id")));
            var info = connection.GetProperty("pageInfo");
            if (!info.GetProperty("hasPreviousPage").GetBoolean()) break;
            before = info.Str("startCursor");
        }
        Assert.Equal(forward, backward);
    }

    [Fact]
    public async Task TheOrderIsByDateThenIdNewestFirstByDefault()
    {
        var seeded = await SeedProfileAsync(30);
        var nodes = (await QueryAsync(seeded.Token, "{ transactions(first: 30) { nodes { id date } } }")).GetProperty("transactions").GetProperty("nodes").EnumerateArray()
            .Select(n => (Date: n.Str("date"), Id: n.Str("id"))).ToList();
        var expected = nodes.OrderByDescending(n => n.Date, StringComparer.Ordinal).ThenByDescending(n => n.Id, StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Select(e => e.Date), nodes.Select(n => n.Date));
    }

    [Fact]
    public async Task FiltersHoldAtTheirBoundaries()
    {
        // Amounts are 100 + i cents: 1.00, 1.01, ... ; dates three a day from 2026-01-01.
        var seeded = await SeedProfileAsync(30);
        async Task<int> Count(string filter) =>
            (await QueryAsync(seeded.Token, $$"""{ transactions(filter: {{filter}}) { count } }""")).GetProperty("transactions").GetProperty("count").GetInt32();

        Assert.Equal(1, await Count("{ amount: 1.05 }"));
        Assert.Equal(0, await Count("{ amount: 1.055 }"));
        Assert.Equal(25, await Count("{ amount_gte: 1.05 }"));
        Assert.Equal(24, await Count("{ amount_gt: 1.05 }"));
        Assert.Equal(6, await Count("{ amount_lte: 1.05 }"));
        Assert.Equal(5, await Count("{ amount_lt: 1.05 }"));
        Assert.Equal(24, await Count("{ amount_gt: 1.051 }"));
        Assert.Equal(3, await Count("{ date: \"2026-01-02\" }"));
        Assert.Equal(6, await Count("{ date_lte: \"2026-01-02\" }"));
        Assert.Equal(3, await Count("{ date_lt: \"2026-01-02\" }"));
        Assert.Equal(27, await Count("{ date_gte: \"2026-01-02\" }"));
        Assert.Equal(24, await Count("{ date_gt: \"2026-01-02\" }"));
        Assert.Equal(6, await Count("{ entryType: CREDIT }"));
        Assert.Equal(30, await Count("{ status: POSTED }"));
        Assert.Equal(15, await Count($$"""{ accountIds: ["{{seeded.AccountIds[0]}}"] }"""));
        var search = await QueryAsync(seeded.Token, """{ transactions(search: { term: "corner CAFE" }) { count } }""");
        Assert.Equal(5, search.GetProperty("transactions").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task TheMetadataFilterMatchesKeysAndTypedValuesAlikeOnBothDatabases()
    {
        var mine = await SeedProfileAsync(5);
        var theirs = await SeedProfileAsync(1);
        string?[] metadata =
        [
            """{"trip": {"id": "t1", "day": 2}, "x": 1, "tag": "food"}""",
            """{"trip": {"id": "t2"}, "x": 1.0, "flag": true}""",
            """{"x": "1", "flag": false, "none": null}""",
            null,
            """{"a.b": "dot", "tag": "FOOD", "list": [1, 2]}""",
        ];
        await Server.WithDbAsync(async db =>
        {
            for (var i = 0; i < metadata.Length; i++)
            {
                var id = mine.TransactionIds[i];
                await db.Transactions.Where(t => t.Id == id).ExecuteUpdateAsync(u => u.SetProperty(t => t.MetadataJson, metadata[i]));
            }
            var other = theirs.TransactionIds[0];
            return await db.Transactions.Where(t => t.Id == other).ExecuteUpdateAsync(u => u.SetProperty(t => t.MetadataJson, metadata[0]));
        });

        async Task<int[]> MatchAsync(string filter)
        {
            var data = await QueryAsync(mine.Token, $$"""{ transactions(first: 100, filter: { metadata: {{filter}} }) { count nodes { id } } }""");
            var ids = data.GetProperty("transactions").GetProperty("nodes").EnumerateArray().Select(n => Array.IndexOf(mine.TransactionIds, n.Str("id"))).Order().ToArray();
            Assert.Equal(ids.Length, data.GetProperty("transactions").GetProperty("count").GetInt32());
            return ids;
        }

        Assert.Equal((int[])[0], await MatchAsync("""{ trip: { id: "t1" } }"""));
        Assert.Equal((int[])[0], await MatchAsync("""{ trip: { id: "t1" }, x: 1 }"""));
        Assert.Equal((int[])[0, 1], await MatchAsync("{ x: 1 }"));
        Assert.Equal((int[])[0, 1], await MatchAsync("{ x: 1.0 }"));
        Assert.Equal((int[])[2], await MatchAsync("""{ x: "1" }"""));
        Assert.Equal((int[])[1], await MatchAsync("{ flag: true }"));
        Assert.Equal((int[])[2], await MatchAsync("{ flag: false }"));
        Assert.Equal((int[])[2], await MatchAsync("{ none: null }"));
        Assert.Equal((int[])[0], await MatchAsync("""{ tag: "food" }"""));
        Assert.Equal((int[])[4], await MatchVariablesAsync("""{"a.b": "dot"}""")); // not a GraphQL name: only through variables
        Assert.Equal((int[])[], await MatchAsync("""{ trip: { day: "2" } }"""));
        Assert.Equal((int[])[0, 1, 2, 3, 4], await MatchAsync("{}"));
        Assert.Equal((int[])[0, 1], await MatchVariablesAsync("""{"x": 1}"""));

        async Task<int[]> MatchVariablesAsync(string filter)
        {
            var data = await QueryAsync(mine.Token, "query($m: JSON) { transactions(first: 100, filter: { metadata: $m }) { count nodes { id } } }",
                new { m = System.Text.Json.JsonDocument.Parse(filter).RootElement });
            return data.GetProperty("transactions").GetProperty("nodes").EnumerateArray().Select(n => Array.IndexOf(mine.TransactionIds, n.Str("id"))).Order().ToArray();
        }

        foreach (var refused in new[] { "{ list: [1, 2] }", "\"x\"", """{ trip: { id: ["t1"] } }""" })
        {
            var body = await (await PostGraphQLAsync(new { query = $$"""{ transactions(filter: { metadata: {{refused}} }) { count } }""" }, mine.Token)).JsonAsync();
            Assert.True(body.TryGetProperty("errors", out _), refused);
        }
        var quoted = await (await PostGraphQLAsync(new { query = "query($m: JSON) { transactions(filter: { metadata: $m }) { count } }", variables = new { m = new Dictionary<string, string> { ["a\"b"] = "x" } } }, mine.Token)).JsonAsync();
        Assert.True(quoted.TryGetProperty("errors", out _));
    }

    [Fact]
    public async Task BadPagingArgumentsAreGraphQLErrorsNotCrashes()
    {
        var seeded = await SeedProfileAsync(3);
        foreach (var args in new[] { "first: 101", "first: -1", "first: 1, last: 1", "after: \"bm90LWEtY3Vyc29y\"", "after: \"%%%\"" })
        {
            var response = await PostGraphQLAsync(new { query = $"{{ transactions({args}) {{ count }} }}" }, seeded.Token);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            var body = await response.JsonAsync();
            Assert.True(body.TryGetProperty("errors", out var errors), args);
            Assert.Equal(JsonValueKind.Array, errors.ValueKind);
        }
        // A cursor of one sort is refused by another.
        var cursor = (await QueryAsync(seeded.Token, "{ transactions(first: 1) { pageInfo { endCursor } } }")).GetProperty("transactions").GetProperty("pageInfo").Str("endCursor");
        var mismatched = await (await PostGraphQLAsync(new { query = "query($a: String) { transactions(after: $a, sort: AMOUNT_ASC) { count } }", variables = new { a = cursor } }, seeded.Token)).JsonAsync();
        Assert.True(mismatched.TryGetProperty("errors", out _));
    }

    [Fact]
    public async Task AccountsExposeBalancesAndTheirOwnTransactions()
    {
        var seeded = await SeedProfileAsync(10);
        var data = await QueryAsync(seeded.Token, "query($id: ID!) { account(id: $id) { name balance { current available } transactions(first: 100) { count } transactedFirstOn transactedLastOn connection { id institution { name } } } }", new { id = seeded.AccountIds[0] });
        var account = data.GetProperty("account");
        Assert.Equal(123.45, account.GetProperty("balance").GetProperty("current").GetDouble());
        Assert.Equal(100, account.GetProperty("balance").GetProperty("available").GetDouble());
        Assert.Equal(5, account.GetProperty("transactions").GetProperty("count").GetInt32());
        Assert.Equal("2026-01-01", account.Str("transactedFirstOn"));
        Assert.Equal("2026-01-03", account.Str("transactedLastOn"));
        Assert.Equal("Test Bank", account.GetProperty("connection").GetProperty("institution").Str("name"));
    }

    [Fact]
    public async Task APageWhoseRowsNameNineteenAccountsGivesEachRowItsOwnAccount()
    {
        // The page's accounts are read eight ids per query: 19 accounts take three queries, the last one short.
        var seeded = await SeedProfileAsync(2);
        var now = Clock.GetUtcNow().UtcDateTime;
        var extra = Enumerable.Range(0, 17).Select(i => new Account
        {
            Id = Ids.New("acct_"), EnvironmentId = Environment.Id, ProfileId = seeded.ProfileId, ConnectionId = seeded.ConnectionId,
            Name = $"Extra {i}", Type = AccountType.Checking, Kind = AccountKind.Depository, CurrencyCode = "USD", CreatedAt = now, UpdatedAt = now,
        }).ToList();
        var rows = extra.Select((a, i) => new Transaction
        {
            Id = Ids.New("txn_"), EnvironmentId = Environment.Id, ProfileId = seeded.ProfileId, AccountId = a.Id, Date = new DateOnly(2026, 3, 1).AddDays(i),
            Description = $"At {a.Name}", Amount = 500 + i, CurrencyCode = "USD", EntryType = EntryType.Debit,
            Status = TransactionStatus.Posted, CreatedAt = now, UpdatedAt = now,
        }).ToList();
        await Server.WithDbAsync(async db =>
        {
            db.Accounts.AddRange(extra);
            db.Transactions.AddRange(rows);
            return await db.SaveChangesAsync();
        });
        var expected = await Server.WithDbAsync(db => db.Transactions.Where(t => t.ProfileId == seeded.ProfileId)
            .Join(db.Accounts, t => t.AccountId, a => a.Id, (t, a) => new { t.Id, AccountId = a.Id, a.Name }).ToListAsync());

        var nodes = (await QueryAsync(seeded.Token, "{ transactions(first: 40) { nodes { id account { id name } } } }"))
            .GetProperty("transactions").GetProperty("nodes").EnumerateArray().ToList();

        Assert.Equal(19, nodes.Count);
        Assert.Equal(19, nodes.Select(n => n.GetProperty("account").Str("id")).Distinct().Count());
        foreach (var node in nodes)
        {
            var row = Assert.Single(expected, e => e.Id == node.Str("id"));
            Assert.Equal(row.AccountId, node.GetProperty("account").Str("id"));
            Assert.Equal(row.Name, node.GetProperty("account").Str("name"));
        }
    }
}

public sealed class TransactionPaginationTestsOnSqlite(PostgresServer postgres) : TransactionPaginationTests(Backend.Sqlite, postgres);
public sealed class TransactionPaginationTestsOnPostgres(PostgresServer postgres) : TransactionPaginationTests(Backend.Postgres, postgres);
