using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.DataApi;

/// <summary>
/// Cost analysis before execution: list sizes multiply down the selection, and an operation (or a batch) over the
/// budget (GraphQL:MaxCost, 10,000 by default) is refused with QUERY_TOO_COSTLY before any resolver runs.
/// </summary>
public abstract class GraphQLCostTests(Backend backend, PostgresServer postgres) : GraphQLTestBase(backend, postgres)
{
    private readonly QueryCounter _queries = new();

    // Under 200 bytes: a million transactions on a mock-bank profile before cost analysis.
    private const string FanOut = "{transactions(first:100){nodes{account{transactions(first:100){nodes{account{transactions(first:100){nodes{id amount description date}}}}}}}}}";

    private static JsonElement AssertTooCostly(JsonElement body, long maxCost = 10_000)
    {
        Assert.False(body.TryGetProperty("data", out _));
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        var extensions = error.GetProperty("extensions");
        Assert.Equal("QUERY_TOO_COSTLY", extensions.Str("code"));
        Assert.Equal(maxCost, extensions.GetProperty("maxCost").GetInt64());
        Assert.True(extensions.GetProperty("cost").GetInt64() > maxCost);
        return extensions;
    }

    [Fact]
    public async Task TheNestedFanOutIsRefusedWithItsCostBeforeAnyResolverRuns()
    {
        await using var counted = await TesseraInstance.StartAsync(Provider, ConnectionString, Clock, Settings, services => services.AddSingleton<IInterceptor>(_queries));
        var seeded = await SeedProfileAsync(6);
        await PostGraphQLAsync(new { query = "{ profile { id } }" }, seeded.Token, server: counted); // warms the signing key

        _queries.Reset();
        var response = await PostGraphQLAsync(new { query = FanOut }, seeded.Token, server: counted);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var extensions = AssertTooCostly(await response.JsonAsync());
        // 1 + 100 + 100 + 100 + 10,000 + 10,000 + 10,000 + 1,000,000 objects.
        Assert.Equal(1_030_301, extensions.GetProperty("cost").GetInt64());
        Assert.Equal(0, _queries.Count);

        var modern = await PostGraphQLAsync(new { query = FanOut }, seeded.Token, accept: "application/graphql-response+json");
        Assert.Equal(HttpStatusCode.BadRequest, modern.StatusCode);
        AssertTooCostly(await modern.JsonAsync());
    }

    [Fact]
    public async Task TheDefaultBudgetOfTenThousandHoldsAtItsBoundary()
    {
        var seeded = await SeedProfileAsync(6);
        // 1 + 100 + 100 + 100 + 100 × n objects: 9,901 at n = 96, 10,001 at n = 97.
        string Query(int n) => $"{{ transactions(first: 100) {{ nodes {{ account {{ transactions(first: {n}) {{ nodes {{ id }} }} }} }} }} }}";
        var within = await QueryAsync(seeded.Token, Query(96));
        Assert.Equal(6, within.GetProperty("transactions").GetProperty("nodes").GetArrayLength());
        AssertTooCostly(await (await PostGraphQLAsync(new { query = Query(97) }, seeded.Token)).JsonAsync());
    }

    [Fact]
    public async Task PageSizesComeFromVariablesAndTheirDefaultsAndCountAtMostTheCap()
    {
        var seeded = await SeedProfileAsync(6);
        const string query = "query($n: Int = 100) { transactions(first: $n) { nodes { account { transactions(first: $n) { nodes { id } } } } } }";
        AssertTooCostly(await (await PostGraphQLAsync(new { query }, seeded.Token)).JsonAsync());
        AssertTooCostly(await (await PostGraphQLAsync(new { query, variables = new { n = 100 } }, seeded.Token)).JsonAsync());
        var within = await QueryAsync(seeded.Token, query, new { n = 50 });
        Assert.Equal(6, within.GetProperty("transactions").GetProperty("nodes").GetArrayLength());

        // No first or last: the default page of 25 (1 + 25 + 25 + 25 + 625); last counts like first.
        await QueryAsync(seeded.Token, "{ transactions { nodes { account { transactions { nodes { id } } } } } }");
        AssertTooCostly(await (await PostGraphQLAsync(new { query = "{ transactions(last: 100) { edges { node { account { transactions(last: 100) { edges { node { id } } } } } } } }" }, seeded.Token)).JsonAsync());

        // first: 1000 counts as the cap of 100 and is answered by the resolver's own error, not a cost error.
        var overCap = await (await PostGraphQLAsync(new { query = "{ transactions(first: 1000) { nodes { id } } }" }, seeded.Token)).JsonAsync();
        Assert.Contains("at most 100", overCap.GetProperty("errors")[0].Str("message"));
    }

    [Fact]
    public async Task AliasesFragmentsAndInlineFragmentsAreCounted()
    {
        var seeded = await SeedProfileAsync(6);
        // One of these costs 6,301; two, 12,602.
        const string page = "transactions(first: 100) { nodes { account { transactions(first: 60) { nodes { id } } } } }";
        await QueryAsync(seeded.Token, "{ a: " + page + " }");
        AssertTooCostly(await (await PostGraphQLAsync(new { query = "{ a: " + page + " b: " + page + " }" }, seeded.Token)).JsonAsync());

        const string throughFragments = """
            query { transactions(first: 100) { ...Page } }
            fragment Page on TransactionConnection { nodes { account { ... on Account { t1: transactions(first: 60) { nodes { id } } } ...More } } }
            fragment More on Account { t2: transactions(first: 60) { nodes { id } } }
            """;
        AssertTooCostly(await (await PostGraphQLAsync(new { query = throughFragments }, seeded.Token)).JsonAsync());
    }

    [Fact]
    public async Task ABatchIsCostedAsAWholeAndRunsNothingOverTheBudget()
    {
        var seeded = await SeedProfileAsync(6);
        const string page = "{ transactions(first: 100) { nodes { account { transactions(first: 60) { nodes { id } } } } } }";
        var one = await (await PostGraphQLAsync(new object[] { new { query = page }, new { query = "{ profile { id } }" } }, seeded.Token)).JsonAsync();
        Assert.All(one.EnumerateArray(), result => Assert.False(result.TryGetProperty("errors", out _)));

        var two = await (await PostGraphQLAsync(new object[] { new { query = page }, new { query = page }, new { query = "{ profile { id } }" } }, seeded.Token)).JsonAsync();
        Assert.Equal(3, two.GetArrayLength());
        foreach (var result in two.EnumerateArray()) Assert.Equal(12_603, AssertTooCostly(result).GetProperty("cost").GetInt64());
    }

    [Fact]
    public async Task TheBudgetIsConfigurable()
    {
        await using var small = await TesseraInstance.StartAsync(Provider, ConnectionString, Clock, new Dictionary<string, string?> { ["GraphQL:MaxCost"] = "50" });
        var seeded = await SeedProfileAsync(6);
        // A connection and its page: 1 + n.
        var within = await (await PostGraphQLAsync(new { query = "{ transactions(first: 49) { nodes { id } } }" }, seeded.Token, server: small)).JsonAsync();
        Assert.False(within.TryGetProperty("errors", out _));
        AssertTooCostly(await (await PostGraphQLAsync(new { query = "{ transactions(first: 50) { nodes { id } } }" }, seeded.Token, server: small)).JsonAsync(), maxCost: 50);
    }

    [Fact]
    public async Task EverydayQueriesAndIntrospectionPass()
    {
        var seeded = await SeedProfileAsync(6);
        // The SDK's page, and a dashboard of every list with its pages.
        await QueryAsync(seeded.Token, "query TransactionsPage($first: Int) { transactions(first: $first) { count nodes { id date amount entryType merchant { name } account { id name } } pageInfo { hasNextPage endCursor } } }", new { first = 100 });
        await QueryAsync(seeded.Token, "{ profile { id } connections { id accounts { id balance { current } transactions(first: 20) { edges { cursor node { id account { name } } } } } } accounts { id transactions(first: 20) { nodes { id } } } }");
        var schema = await QueryAsync(seeded.Token, "{ __schema { types { name fields { name args { name type { name kind ofType { name kind ofType { name kind ofType { name } } } } } type { name kind ofType { name kind ofType { name } } } } } } }");
        Assert.True(schema.GetProperty("__schema").GetProperty("types").GetArrayLength() > 10);
    }
}

public sealed class GraphQLCostTestsOnSqlite(PostgresServer postgres) : GraphQLCostTests(Backend.Sqlite, postgres);
public sealed class GraphQLCostTestsOnPostgres(PostgresServer postgres) : GraphQLCostTests(Backend.Postgres, postgres);
