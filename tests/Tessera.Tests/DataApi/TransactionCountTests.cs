using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.DataApi;

/// <summary>
/// <c>count</c> is kept with the profile's financial-data version: counted once, then one primary-key read a request
/// while nothing was written, and never stale after a write, whichever instance wrote it.
/// </summary>
public abstract class TransactionCountTests(Backend backend, PostgresServer postgres) : GraphQLTestBase(backend, postgres)
{
    private readonly QueryCounter _queries = new();

    private async Task<(int Count, int Queries)> CountAsync(string token, string query = "{ transactions(first: 1) { count } }", TesseraInstance? server = null)
    {
        _queries.Reset();
        var body = await (await PostGraphQLAsync(new { query }, token, server: server)).JsonAsync();
        Assert.False(body.TryGetProperty("errors", out var errors), errors.ToString());
        var connection = body.GetProperty("data").EnumerateObject().First().Value;
        if (connection.TryGetProperty("transactions", out var nested)) connection = nested; // account { transactions }
        return (connection.GetProperty("count").GetInt32(), _queries.Count);
    }

    private Task<HttpResponseMessage> ImportTransactionsAsync(string accountId, int count) =>
        Server.SendAsync(HttpMethod.Post, "/v1/import", ApiSecret, Enumerable.Range(0, count).Select(i => (object)new
        {
            type = "transaction", uuid = Guid.NewGuid(), accountId, date = "2026-03-01", description = "Imported " + i, amount = 500 + i, entryType = "DEBIT",
        }).ToArray());

    [Fact]
    public async Task ACountIsTakenOnceAndServedWhileNothingIsWrittenThenRetakenAfterEachWrite()
    {
        await using var counted = await TesseraInstance.StartAsync(Provider, ConnectionString, Clock, Settings, services => services.AddSingleton<IInterceptor>(_queries));
        var seeded = await SeedProfileAsync(30);
        await PostGraphQLAsync(new { query = "{ profile { id } }" }, seeded.Token, server: counted); // warms the signing key

        // page + version + count, then page + version.
        Assert.Equal((30, 3), await CountAsync(seeded.Token, server: counted));
        Assert.Equal((30, 2), await CountAsync(seeded.Token, server: counted));

        (await ImportTransactionsAsync(seeded.AccountIds[0], 4)).EnsureSuccessStatusCode();
        Assert.Equal((34, 3), await CountAsync(seeded.Token, server: counted));
        Assert.Equal((34, 2), await CountAsync(seeded.Token, server: counted));

        // A metadata update moves the version too (a metadata filter counts by it).
        var update = await QueryAsync(seeded.Token, """mutation($id: ID!) { transactionUpdate(input: { id: $id, metadata: { tag: "x" } }) { success } }""", new { id = seeded.TransactionIds[0] });
        Assert.True(update.GetProperty("transactionUpdate").GetProperty("success").GetBoolean());
        Assert.Equal((34, 3), await CountAsync(seeded.Token, server: counted));

        // The mock bank adds a year of transactions in one write.
        var mock = await QueryAsync(seeded.Token, "mutation { connectorMockInitialize(input: {}) { success } }");
        Assert.True(mock.GetProperty("connectorMockInitialize").GetProperty("success").GetBoolean());
        var (afterMock, queries) = await CountAsync(seeded.Token, server: counted);
        Assert.Equal(3, queries);
        Assert.Equal(await Server.WithDbAsync(db => db.Transactions.CountAsync(t => t.ProfileId == seeded.ProfileId)), afterMock);
        Assert.True(afterMock > 34);
    }

    [Fact]
    public async Task ACountCachedByOneInstanceIsFreshAfterAnotherInstanceWrites()
    {
        await using var reader = await TesseraInstance.StartAsync(Provider, ConnectionString, Clock, Settings);
        var seeded = await SeedProfileAsync(10);
        Assert.Equal(10, (await CountAsync(seeded.Token, server: reader)).Count);
        Assert.Equal(10, (await CountAsync(seeded.Token, server: reader)).Count);

        (await ImportTransactionsAsync(seeded.AccountIds[1], 3)).EnsureSuccessStatusCode(); // through the other instance
        Assert.Equal(13, (await CountAsync(seeded.Token, server: reader)).Count);
    }

    [Fact]
    public async Task CountsAreKeptPerProfileAccountAndFilter()
    {
        var mine = await SeedProfileAsync(10);
        var theirs = await SeedProfileAsync(15);
        const string credits = "{ transactions(filter: { entryType: CREDIT }) { count } }";
        const string search = """{ transactions(search: { term: "cafe" }) { count } }""";
        for (var round = 0; round < 2; round++)
        {
            Assert.Equal(10, (await CountAsync(mine.Token)).Count);
            Assert.Equal(15, (await CountAsync(theirs.Token)).Count);
            Assert.Equal(2, (await CountAsync(mine.Token, credits)).Count);
            Assert.Equal(3, (await CountAsync(theirs.Token, credits)).Count);
            Assert.Equal(2, (await CountAsync(mine.Token, search)).Count);
            Assert.Equal(3, (await CountAsync(theirs.Token, search)).Count);
            Assert.Equal(5, (await CountAsync(mine.Token, $$"""{ account(id: "{{mine.AccountIds[0]}}") { transactions { count } } }""")).Count);
            Assert.Equal(5, (await CountAsync(mine.Token, $$"""{ account(id: "{{mine.AccountIds[1]}}") { transactions { count } } }""")).Count);
            Assert.Equal(8, (await CountAsync(theirs.Token, $$"""{ account(id: "{{theirs.AccountIds[0]}}") { transactions { count } } }""")).Count);
        }
    }

    [Fact]
    public async Task AnImportBumpsTheVersionOfEachProfileItWroteAndOnlyThose()
    {
        var mine = await SeedProfileAsync(1);
        var theirs = await SeedProfileAsync(1);
        var untouched = await SeedProfileAsync(1);
        Task<long> VersionAsync(string profileId) =>
            Server.WithDbAsync(db => db.FinancialDataVersions.Where(v => v.ProfileId == profileId).Select(v => v.Version).FirstOrDefaultAsync());

        (await ImportTransactionsAsync(mine.AccountIds[0], 2)).EnsureSuccessStatusCode();
        (await ImportTransactionsAsync(mine.AccountIds[0], 1)).EnsureSuccessStatusCode();
        // One batch across two profiles, with a record that fails (reported, the others written).
        await Server.SendAsync(HttpMethod.Post, "/v1/import", ApiSecret, new object[]
        {
            new { type = "transaction", uuid = Guid.NewGuid(), accountId = mine.AccountIds[1], date = "2026-03-02", description = "a", amount = 1, entryType = "DEBIT" },
            new { type = "transaction", uuid = Guid.NewGuid(), accountId = theirs.AccountIds[1], date = "2026-03-02", description = "b", amount = 1, entryType = "DEBIT" },
            new { type = "transaction", uuid = Guid.NewGuid(), accountId = "acct_doesnotexist", date = "2026-03-02", description = "c", amount = 1, entryType = "DEBIT" },
        });

        Assert.Equal((3L, 1L, 0L), (await VersionAsync(mine.ProfileId), await VersionAsync(theirs.ProfileId), await VersionAsync(untouched.ProfileId)));
    }
}

public sealed class TransactionCountTestsOnSqlite(PostgresServer postgres) : TransactionCountTests(Backend.Sqlite, postgres);
public sealed class TransactionCountTestsOnPostgres(PostgresServer postgres) : TransactionCountTests(Backend.Postgres, postgres);
