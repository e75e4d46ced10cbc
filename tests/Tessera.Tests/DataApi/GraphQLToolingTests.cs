using System.Net;
using System.Text.Json;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.DataApi;

/// <summary>What GraphQL tooling sends: introspection (GraphiQL, Apollo, codegen, Postman) and degenerate documents.</summary>
public abstract class GraphQLToolingTests(Backend backend, PostgresServer postgres) : GraphQLTestBase(backend, postgres)
{
    private static string Fixture(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Introspection", name + ".graphql"));

    public static TheoryData<string> ClientIntrospectionQueries() =>
        new(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Introspection"), "*.graphql").Select(Path.GetFileNameWithoutExtension).Order()!);

    [Theory]
    [MemberData(nameof(ClientIntrospectionQueries))]
    public async Task TheIntrospectionQueryOfEveryMainstreamClientRunsWithinTheServersLimits(string fixture)
    {
        var seeded = await SeedProfileAsync(0);
        var response = await PostGraphQLAsync(new { query = Fixture(fixture), operationName = "IntrospectionQuery" }, seeded.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.False(body.TryGetProperty("errors", out var errors), $"errors: {errors}");
        var types = body.GetProperty("data").GetProperty("__schema").GetProperty("types").EnumerateArray().Select(t => t.Str("name")).ToList();
        Assert.Contains("Transaction", types);
    }

    [Fact]
    public async Task AHostileOfTypeChainIsRefusedWithTheDepthError()
    {
        var seeded = await SeedProfileAsync(0);
        var hostile = """{ __type(name: "Transaction") { """ + string.Concat(Enumerable.Repeat("ofType { ", 100)) + "name" + new string('}', 101) + " }";
        var body = await (await PostGraphQLAsync(new { query = hostile }, seeded.Token)).JsonAsync();
        Assert.False(body.TryGetProperty("data", out _));
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.Equal("Introspection depth 102 exceeds the maximum allowed depth of 20.", error.Str("message"));
        Assert.Equal("MAX_DEPTH_EXCEEDED", error.GetProperty("extensions").Str("code"));
    }

    [Fact]
    public async Task IntrospectionAliasedAThousandTimesIsRefused()
    {
        var seeded = await SeedProfileAsync(0);
        var aliased = "{ " + string.Concat(Enumerable.Range(0, 1000).Select(i => $"s{i}: __schema {{ types {{ name }} }} ")) + "}";
        var body = await (await PostGraphQLAsync(new { query = aliased }, seeded.Token)).JsonAsync();
        Assert.False(body.TryGetProperty("data", out _));
        Assert.Contains(body.GetProperty("errors").EnumerateArray(), e => e.GetProperty("extensions").Str("code") == "MAX_ALIASES_EXCEEDED");
    }

    [Fact]
    public async Task OrdinaryFieldsKeepTheServersDepthLimitBesideIntrospection()
    {
        var seeded = await SeedProfileAsync(0);
        var deep = "{ __schema { queryType { name } } " + string.Concat(Enumerable.Repeat("transactions { nodes { account { ", 6)) + "id" + string.Concat(Enumerable.Repeat(" } } }", 6)) + " }";
        var body = await (await PostGraphQLAsync(new { query = deep }, seeded.Token)).JsonAsync();
        Assert.StartsWith("Query depth 19 exceeds", Assert.Single(body.GetProperty("errors").EnumerateArray()).Str("message"));
    }

    /// <summary>graphql-js parse(""): "Syntax Error: Unexpected &lt;EOF&gt;." at 1:1 (for blank text, where the text ends).</summary>
    [Theory]
    [InlineData("", 1, 1)]
    [InlineData("  ", 1, 3)]
    public async Task AnEmptyQueryIsTheSyntaxErrorGraphQLJsGivesOverPostAndGet(string query, int line, int column)
    {
        var seeded = await SeedProfileAsync(0);
        void AssertSyntaxError(JsonElement body)
        {
            Assert.False(body.TryGetProperty("data", out _));
            var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
            Assert.Equal("Syntax Error: Unexpected <EOF>.", error.Str("message"));
            var location = Assert.Single(error.GetProperty("locations").EnumerateArray());
            Assert.Equal(line, location.GetProperty("line").GetInt32());
            Assert.Equal(column, location.GetProperty("column").GetInt32());
        }

        var posted = await PostGraphQLAsync(new { query }, seeded.Token);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode); // application/json: GraphQL errors ride a 200
        AssertSyntaxError(await posted.JsonAsync());

        var strict = await PostGraphQLAsync(new { query }, seeded.Token, accept: "application/graphql-response+json");
        Assert.Equal(HttpStatusCode.BadRequest, strict.StatusCode); // a document that cannot run: 400 under the new media type
        AssertSyntaxError(await strict.JsonAsync());

        var get = await Server.SendAsync(HttpMethod.Get, "/v1/graphql?query=" + Uri.EscapeDataString(query), seeded.Token);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        AssertSyntaxError(await get.JsonAsync());
    }

    /// <summary>GraphQL over HTTP: `query` is required; a request without it is not a GraphQL request at all (400).</summary>
    [Fact]
    public async Task AMissingQueryIsStillAMalformedRequest()
    {
        var seeded = await SeedProfileAsync(0);
        var posted = await PostGraphQLAsync(new { variables = new { } }, seeded.Token);
        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Equal("Provide the operation's `query` as a string.", Assert.Single((await posted.JsonAsync()).GetProperty("errors").EnumerateArray()).Str("message"));

        var nullQuery = await PostGraphQLAsync(new { query = (string?)null }, seeded.Token);
        Assert.Equal(HttpStatusCode.BadRequest, nullQuery.StatusCode);

        var get = await Server.SendAsync(HttpMethod.Get, "/v1/graphql", seeded.Token);
        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
        Assert.Equal("Provide the query in the `query` parameter.", Assert.Single((await get.JsonAsync()).GetProperty("errors").EnumerateArray()).Str("message"));
    }
}

public sealed class GraphQLToolingTestsOnSqlite(PostgresServer postgres) : GraphQLToolingTests(Backend.Sqlite, postgres);
public sealed class GraphQLToolingTestsOnPostgres(PostgresServer postgres) : GraphQLToolingTests(Backend.Postgres, postgres);
