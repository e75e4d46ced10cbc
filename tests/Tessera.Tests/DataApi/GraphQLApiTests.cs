using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Tessera.GraphQL.Types;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.DataApi;

public abstract class GraphQLApiTests(Backend backend, PostgresServer postgres) : GraphQLTestBase(backend, postgres)
{
    private readonly QueryCounter _queries = new();

    [Fact]
    public async Task MissingBadAndRevokedTokensGet401WithTheErrorBodyBeforeAnyGraphQLRuns()
    {
        var seeded = await SeedProfileAsync(1);
        await Server.SendAsync(HttpMethod.Delete, "/v1/users/session", seeded.Token);
        foreach (var token in new[] { null, "garbage", seeded.Token })
        {
            var response = await PostGraphQLAsync(new { query = "{ profile { id } }" }, token);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var body = await response.JsonAsync();
            Assert.Equal("Not Authenticated", body.Str("message"));
            Assert.False(body.TryGetProperty("data", out _));
        }
    }

    [Fact]
    public async Task BasicProfileAndApiSecretWorksServerToServerAndOnlyWithinTheKeysEnvironment()
    {
        var seeded = await SeedProfileAsync(1);
        var response = await PostGraphQLAsync(new { query = "{ profile { id } }" }, null, basic: $"{seeded.ProfileId}:{ApiSecret}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(seeded.ProfileId, (await response.JsonAsync()).GetProperty("data").GetProperty("profile").Str("id"));

        var (_, otherSecret, _) = await Server.CreateEnvironmentAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostGraphQLAsync(new { query = "{ profile { id } }" }, null, basic: $"{seeded.ProfileId}:{otherSecret}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostGraphQLAsync(new { query = "{ profile { id } }" }, null, basic: $"{seeded.ProfileId}:wrong-secret")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostGraphQLAsync(new { query = "{ profile { id } }" }, null, basic: "no-colon")).StatusCode);
    }

    [Fact]
    public async Task TheProfileCanBeReadAndUpdatedWithErrorsInThePayload()
    {
        var seeded = await SeedProfileAsync(0);
        // The email is a sign-in identifier: the backend (Basic) changes it; a user's session changes the rest.
        var byBackend = await PostGraphQLAsync(new { query = """mutation { profileUpdate(input: { email: "Ada@Example.com" }) { success } }""" }, null, basic: $"{seeded.ProfileId}:{ApiSecret}");
        Assert.True((await byBackend.JsonAsync()).GetProperty("data").GetProperty("profileUpdate").GetProperty("success").GetBoolean());
        var updated = await QueryAsync(seeded.Token, """
            mutation($input: ProfileUpdateInput!) { profileUpdate(input: $input) { success errors { message path } clientMutationId record { email names { first full } dateOfBirth address { countryCode } metadata } } }
            """, new { input = new { names = new { first = "Ada" }, dateOfBirth = "1990-12-10", address = new { countryCode = "gb" }, metadata = new { tier = 2 }, clientMutationId = "m1" } });
        var payload = updated.GetProperty("profileUpdate");
        Assert.True(payload.GetProperty("success").GetBoolean());
        Assert.Equal("m1", payload.Str("clientMutationId"));
        Assert.Equal("ada@example.com", payload.GetProperty("record").Str("email"));
        Assert.Equal("Ada", payload.GetProperty("record").GetProperty("names").Str("full"));
        Assert.Equal("GB", payload.GetProperty("record").GetProperty("address").Str("countryCode"));
        Assert.Equal(2, payload.GetProperty("record").GetProperty("metadata").GetProperty("tier").GetInt32());

        var invalid = await QueryAsync(seeded.Token, """mutation { profileUpdate(input: { email: "nope", phone: "555" }) { success errors { message path } record { id } } }""");
        var failed = invalid.GetProperty("profileUpdate");
        Assert.False(failed.GetProperty("success").GetBoolean());
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("record").ValueKind);
        var paths = failed.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path")[0].GetString()).ToList();
        Assert.Contains("email", paths);
        Assert.Contains("phone", paths);
        var profile = await QueryAsync(seeded.Token, "{ profile { email } }");
        Assert.Equal("ada@example.com", profile.GetProperty("profile").Str("email"));
    }

    [Fact]
    public async Task ABatchIsAnsweredInOrder()
    {
        var seeded = await SeedProfileAsync(2);
        var response = await PostGraphQLAsync(new object[]
        {
            new { query = "{ profile { id } }" },
            new { query = "query Q($n: Int) { transactions(first: $n) { count } }", variables = new { n = 1 } },
            new { query = "{ nope }" },
        }, seeded.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await response.JsonAsync()).EnumerateArray().ToList();
        Assert.Equal(3, results.Count);
        Assert.Equal(seeded.ProfileId, results[0].GetProperty("data").GetProperty("profile").Str("id"));
        Assert.Equal(2, results[1].GetProperty("data").GetProperty("transactions").GetProperty("count").GetInt32());
        Assert.True(results[2].TryGetProperty("errors", out _));

        var tooMany = await PostGraphQLAsync(Enumerable.Repeat(new { query = "{ profile { id } }" }, 11).ToArray(), seeded.Token);
        Assert.All((await tooMany.JsonAsync()).EnumerateArray(), r => Assert.True(r.TryGetProperty("errors", out _)));
    }

    [Fact]
    public async Task TheTransportFollowsGraphQLOverHttp()
    {
        var seeded = await SeedProfileAsync(1);
        async Task<HttpResponseMessage> Get(string query) =>
            await Server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/graphql?query=" + Uri.EscapeDataString(query)) { Headers = { { "Authorization", "Bearer " + seeded.Token } } }, TestContext.Current.CancellationToken);

        var get = await Get("{ profile { id } }");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var mutation = await Get("mutation { connectionDisconnect(input: { id: \"x\" }) { success } }");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, mutation.StatusCode);
        Assert.Contains("POST", mutation.Content.Headers.Allow);

        var broken = await Server.SendAsync(HttpMethod.Post, "/v1/graphql", seeded.Token, rawBody: "{\"query\": ");
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.True((await broken.JsonAsync()).TryGetProperty("errors", out _));
        Assert.Equal(HttpStatusCode.BadRequest, (await Server.SendAsync(HttpMethod.Post, "/v1/graphql", seeded.Token, rawBody: "{\"variables\": {}}")).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await Server.SendAsync(HttpMethod.Post, "/v1/graphql", seeded.Token, rawBody: "query", contentType: "text/plain")).StatusCode);

        // Validation errors: 200 for application/json, 400 for application/graphql-response+json.
        var json = await PostGraphQLAsync(new { query = "{ nope }" }, seeded.Token);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        var modern = await PostGraphQLAsync(new { query = "{ nope }" }, seeded.Token, accept: "application/graphql-response+json");
        Assert.Equal(HttpStatusCode.BadRequest, modern.StatusCode);
        Assert.Equal("application/graphql-response+json", modern.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AbusiveDocumentsAreRejectedWithAGraphQLError()
    {
        var seeded = await SeedProfileAsync(1);
        var deep = "{ " + string.Concat(Enumerable.Repeat("transactions { nodes { account { ", 6)) + "id" + string.Concat(Enumerable.Repeat(" } } }", 6)) + " }";
        var response = await PostGraphQLAsync(new { query = deep }, seeded.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.False(body.TryGetProperty("data", out _));
        Assert.Contains("depth", body.GetProperty("errors")[0].Str("message"), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task BrowsersGetThePreflightAndTheExplorer()
    {
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/graphql");
        preflight.Headers.Add("Origin", "https://app.example.com");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,quiltt-client-version,quiltt-sdk-agent");
        var answer = await Server.Http.SendAsync(preflight, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Contains("quiltt-client-version", answer.Headers.GetValues("Access-Control-Allow-Headers").Single());

        var page = new HttpRequestMessage(HttpMethod.Get, "/v1/graphql");
        page.Headers.Add("Accept", "text/html");
        var html = await Server.Http.SendAsync(page, TestContext.Current.CancellationToken);
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        var text = await html.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain("cdn", text, StringComparison.OrdinalIgnoreCase);
        // The build bundles GraphiQL whenever npm is there (src/Tessera/Tessera.csproj): a build without it is a
        // broken build for the tests, not a reason to skip them.
        Assert.True(Tessera.DataApi.GraphQLExplorer.IsBundled, "GraphiQL is not embedded: build src/Tessera with node/npm on PATH (see the build warning).");
        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        Assert.Contains("graphiql.min.js", text);
        foreach (var asset in new[] { "graphiql.min.js", "graphiql.min.css", "react.production.min.js", "react-dom.production.min.js" })
        {
            var script = await Server.Http.GetAsync("/v1/graphql/explorer/" + asset, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        }
    }

    /// <summary>
    /// The server builds its schema from the committed schema.graphql (SDL-first): printing the built schema must give
    /// the file back, so what clients and codegen read is exactly what runs, in the printer's canonical form.
    /// </summary>
    [Fact]
    public async Task TheLiveSchemaMatchesTheCommittedSnapshot()
    {
        var printed = SchemaPrinter.Print(Server.Services.GetRequiredService<Tessera.GraphQL.GraphQLService>().Schema);
        var snapshot = FindSnapshot();
        Assert.True(File.Exists(snapshot), $"no snapshot at {snapshot}");
        Assert.Equal(File.ReadAllText(snapshot).ReplaceLineEndings("\n").TrimEnd(), printed.ReplaceLineEndings("\n").TrimEnd());
    }

    private static string FindSnapshot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Tessera.slnx"))) directory = directory.Parent;
        return Path.Combine(directory?.FullName ?? ".", "schema.graphql");
    }

    [Fact]
    public async Task APageOfFiftyTransactionsWithAccountsCostsAFixedNumberOfQueriesOnOneConnection()
    {
        await using var counted = await TesseraInstance.StartAsync(Provider, ConnectionString, Clock, Settings, services => services.AddSingleton<IInterceptor>(_queries));
        var seeded = await SeedProfileAsync(120);
        const string page = "query($after: String) { transactions(first: 50, after: $after) { count nodes { id amount merchant { name } account { name balance { current } connection { institution { name } } } } pageInfo { endCursor } } }";

        _queries.Reset();
        var first = await PostGraphQLAsync(new { query = page }, seeded.Token, server: counted);
        var firstCount = _queries.Count;
        var firstConnections = _queries.ConnectionsOpened;
        var cursor = (await first.JsonAsync()).GetProperty("data").GetProperty("transactions").GetProperty("pageInfo").Str("endCursor");
        _queries.Reset();
        var second = await PostGraphQLAsync(new { query = page, variables = new { after = cursor } }, seeded.Token, server: counted);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        // data version, count, page, accounts, balances, connections (+ the signing key on a cold instance): never
        // one per row, and all of them on one connection; the next page reuses the count (its version holds). One
        // more is tolerated: on a busy machine the executor can dispatch a DataLoader level before all its keys are
        // queued (another thread is still completing rows) and fetch the rest in a second batch.
        Assert.InRange(firstCount, 6, 8);
        Assert.InRange(firstConnections, 1, 2); // the request's, and the signing key's own on a cold instance
        Assert.InRange(_queries.Count, 5, 6);
        Assert.Equal(1, _queries.ConnectionsOpened);

        // The side of the page behind the cursor costs one probe, only when the query asks for it.
        _queries.Reset();
        var withPrevious = await (await PostGraphQLAsync(new { query = "query($after: String) { transactions(first: 50, after: $after) { pageInfo { hasPreviousPage hasNextPage } } }", variables = new { after = cursor } }, seeded.Token, server: counted)).JsonAsync();
        Assert.True(withPrevious.GetProperty("data").GetProperty("transactions").GetProperty("pageInfo").GetProperty("hasPreviousPage").GetBoolean());
        Assert.Equal(2, _queries.Count);
    }
    [Fact]
    public async Task APageReadsItsAccountsInItsOwnTurnOnlyWhenTheQuerySelectsThem()
    {
        await using var counted = await TesseraInstance.StartAsync(Provider, ConnectionString, Clock, Settings, services => services.AddSingleton<IInterceptor>(_queries));
        var seeded = await SeedProfileAsync(12);
        await PostGraphQLAsync(new { query = "{ profile { id } }" }, seeded.Token, server: counted); // warms the signing key

        async Task<(JsonElement Data, int Queries)> RunAsync(string query)
        {
            _queries.Reset();
            var body = await (await PostGraphQLAsync(new { query }, seeded.Token, server: counted)).JsonAsync();
            Assert.False(body.TryGetProperty("errors", out var errors), errors.ToString());
            return (body.GetProperty("data"), _queries.Count);
        }

        Assert.Equal(1, (await RunAsync("{ transactions(first: 10) { nodes { id merchant { name } } } }")).Queries);
        var (nodes, queries) = await RunAsync("{ transactions(first: 10) { nodes { id account { id name } } } }");
        Assert.Equal(2, queries);
        foreach (var node in nodes.GetProperty("transactions").GetProperty("nodes").EnumerateArray())
        {
            var index = Array.IndexOf(seeded.TransactionIds, node.Str("id"));
            Assert.Equal(seeded.AccountIds[index % 2], node.GetProperty("account").Str("id"));
            Assert.Equal(index % 2 == 0 ? "Checking" : "Card", node.GetProperty("account").Str("name"));
        }
        Assert.Equal(2, (await RunAsync("{ transactions(first: 10) { edges { node { ... on Transaction { account { name } } } } } }")).Queries);
        // The account's own transactions page primes the same way; the account itself is one more query.
        Assert.Equal(3, (await RunAsync($$"""{ account(id: "{{seeded.AccountIds[1]}}") { transactions(first: 5) { nodes { account { name } } } } }""")).Queries);
    }

    [Fact]
    public async Task TransactionUpdateAnswersWithTheTransactionAsTheApiShowsIt()
    {
        var seeded = await SeedProfileAsync(1);
        var updated = await QueryAsync(seeded.Token, """mutation($id: ID!) { transactionUpdate(input: { id: $id, metadata: { note: "lunch" } }) { success record { id amount entryType account { name } metadata } } }""",
            new { id = seeded.TransactionIds[0] });
        var record = updated.GetProperty("transactionUpdate").GetProperty("record");
        Assert.Equal(seeded.TransactionIds[0], record.Str("id"));
        Assert.Equal(1.0, record.GetProperty("amount").GetDouble());
        Assert.Equal("CREDIT", record.Str("entryType"));
        Assert.Equal("Checking", record.GetProperty("account").Str("name"));
        Assert.Equal("lunch", record.GetProperty("metadata").Str("note"));
    }
}

/// <summary>
/// Counts the SQL commands a request issues, to prove the DataLoaders batch, and the connections it opens. Only
/// those on the async flow that called <see cref="Reset"/> count (TestServer runs the request on it); background
/// pollers do not.
/// </summary>
public sealed class QueryCounter : DbCommandInterceptor, IDbConnectionInterceptor
{
    private static readonly AsyncLocal<StrongBox> Current = new();
    private sealed class StrongBox { public int Count; public int Opened; }

    public int Count => Current.Value?.Count ?? 0;
    public int ConnectionsOpened => Current.Value?.Opened ?? 0;
    public void Reset() => Current.Value = new StrongBox();

    private static void Increment()
    {
        if (Current.Value is { } box) Interlocked.Increment(ref box.Count);
    }

    public ValueTask<InterceptionResult> ConnectionOpeningAsync(System.Data.Common.DbConnection connection, ConnectionEventData eventData, InterceptionResult result,
        CancellationToken cancellationToken = default)
    {
        if (Current.Value is { } box) Interlocked.Increment(ref box.Opened);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<System.Data.Common.DbDataReader>> ReaderExecutingAsync(System.Data.Common.DbCommand command, CommandEventData eventData,
        InterceptionResult<System.Data.Common.DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Increment();
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(System.Data.Common.DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Increment();
        return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
    }
}

public sealed class GraphQLApiTestsOnSqlite(PostgresServer postgres) : GraphQLApiTests(Backend.Sqlite, postgres);
public sealed class GraphQLApiTestsOnPostgres(PostgresServer postgres) : GraphQLApiTests(Backend.Postgres, postgres);
