using System.Text.Json;
using Tessera.GraphQL.Execution;
using Tessera.GraphQL.Types;
using Xunit;
using static Tessera.GraphQL.Tests.TestHelpers;

namespace Tessera.GraphQL.Tests;

public class ServiceTests
{
    private static readonly Schema s_schema = SchemaBuilder.BuildFromSdl("type Query { a: Int n: N } type N { a: Int n: N }");
    private static readonly JsonElement s_root = Json("""{"a": 1, "n": {"a": 2, "n": {"a": 3, "n": null}}}""");

    private static Task<ExecutionResult> RunAsync(GraphQLService service, string query) =>
        service.ExecuteAsync(new GraphQLRequest { Query = query, RootValue = s_root }, TestContext.Current.CancellationToken).AsTask();

    [Fact]
    public async Task TheSameQueryTextIsParsedAndValidatedOnce()
    {
        var service = new GraphQLService(s_schema);
        var first = service.Prepare("{ a }");
        var second = service.Prepare("{ a }");
        Assert.Same(first, second);
        Assert.Equal("""{"data":{"a":1}}""", (await RunAsync(service, "{ a }")).ToJson());
        Assert.Equal(1, service.CachedDocumentCount);
    }

    [Fact]
    public void TheCacheEvictsTheLeastRecentlyUsedDocumentAtCapacity()
    {
        var service = new GraphQLService(s_schema, new GraphQLServiceOptions { CacheSize = 2 });
        var a = service.Prepare("{ a }");
        var n = service.Prepare("{ n { a } }");
        Assert.Same(a, service.Prepare("{ a }")); // touch: "{ n { a } }" is now the oldest
        service.Prepare("{ __typename }");
        Assert.Equal(2, service.CachedDocumentCount);
        Assert.Same(a, service.Prepare("{ a }"));
        Assert.NotSame(n, service.Prepare("{ n { a } }")); // evicted, so prepared anew
    }

    [Fact]
    public void TheCacheStaysWithinItsTotalLengthBudget()
    {
        var service = new GraphQLService(s_schema, new GraphQLServiceOptions { CacheMaxTotalLength = 12 });
        service.Prepare("{ a }");      // 5
        service.Prepare("{ n { a } }"); // 11: 16 > 12, the oldest goes
        Assert.Equal(1, service.CachedDocumentCount);
    }

    [Fact]
    public async Task ConcurrentRequestsShareTheCacheSafely()
    {
        var service = new GraphQLService(s_schema, new GraphQLServiceOptions { CacheSize = 8 });
        var tasks = Enumerable.Range(0, 64).Select(i => Task.Run(() => RunAsync(service, i % 2 == 0 ? "{ a }" : "{ n { a } }"), TestContext.Current.CancellationToken));
        var results = await Task.WhenAll(tasks);
        Assert.All(results, r => Assert.Null(r.Errors));
        Assert.Equal(2, service.CachedDocumentCount);
    }

    [Fact]
    public async Task DepthAtTheLimitRunsAndOneMoreIsRejectedBeforeExecution()
    {
        var service = new GraphQLService(s_schema, new GraphQLServiceOptions { MaxDepth = 3 });
        Assert.Null((await RunAsync(service, "{ n { n { a } } }")).Errors);

        var rejected = await RunAsync(service, "{ n { n { n { a } } } }");
        Assert.False(rejected.HasData);
        var error = Assert.Single(rejected.Errors!);
        Assert.Equal("Query depth 4 exceeds the maximum allowed depth of 3.", error.Message);
        Assert.Equal("MAX_DEPTH_EXCEEDED", error.Extensions!["code"]);
    }

    [Fact]
    public async Task DepthCountsFieldsInsideFragments()
    {
        var service = new GraphQLService(s_schema, new GraphQLServiceOptions { MaxDepth = 3 });
        var rejected = await RunAsync(service, "{ n { ...F } } fragment F on N { n { ... on N { n { a } } } }");
        Assert.Equal("Query depth 4 exceeds the maximum allowed depth of 3.", Assert.Single(rejected.Errors!).Message);
    }

    [Fact]
    public async Task AliasesAtTheLimitRunAndOneMoreIsRejected()
    {
        var service = new GraphQLService(s_schema, new GraphQLServiceOptions { MaxAliases = 2 });
        Assert.Null((await RunAsync(service, "{ x: a y: a }")).Errors);
        Assert.Equal("Query has 3 aliases, more than the maximum of 2.", Assert.Single((await RunAsync(service, "{ x: a y: a z: a }")).Errors!).Message);
    }

    [Fact]
    public async Task FieldCountIncludesEveryExpansionOfAReusedFragment()
    {
        var service = new GraphQLService(s_schema, new GraphQLServiceOptions { MaxFields = 6 });
        // F has 3 fields and is spread twice: 6 fields, at the limit; one more field is over it.
        Assert.Null((await RunAsync(service, "{ ...F ...F } fragment F on Query { a n { a } }")).Errors);
        var rejected = await RunAsync(service, "{ ...F ...F a } fragment F on Query { a n { a } }");
        Assert.Equal("Query selects 7 fields, more than the maximum of 6.", Assert.Single(rejected.Errors!).Message);
    }

    [Fact]
    public async Task TokenLimitRejectsBeforeParsingTheWholeDocument()
    {
        var service = new GraphQLService(s_schema, new GraphQLServiceOptions { MaxTokens = 6 });
        Assert.Null((await RunAsync(service, "{ n { a } }")).Errors);
        var rejected = await RunAsync(service, "{ n { a } a }");
        Assert.Equal("Syntax Error: Document contains more than 6 tokens. Parsing aborted.", Assert.Single(rejected.Errors!).Message);
    }

    [Fact]
    public async Task DocumentLengthAtTheLimitRunsAndLongerIsRejected()
    {
        var service = new GraphQLService(s_schema, new GraphQLServiceOptions { MaxDocumentLength = 5 });
        Assert.Null((await RunAsync(service, "{ a }")).Errors);
        var rejected = await RunAsync(service, "{ a  }");
        Assert.Equal("Document exceeds the maximum length of 5 characters.", Assert.Single(rejected.Errors!).Message);
        Assert.Equal(1, service.CachedDocumentCount); // over-long text is not cached
    }

    [Fact]
    public async Task InvalidDocumentsAreCachedWithTheirErrorsAndNeverExecuted()
    {
        var calls = 0;
        var schema = SchemaBuilder.FromSdl("type Query { a: Int }").Bind("Query", "a", _ => ++calls).Build();
        var service = new GraphQLService(schema);
        var first = await service.ExecuteAsync(new GraphQLRequest { Query = "{ a b }" }, TestContext.Current.CancellationToken);
        var second = await service.ExecuteAsync(new GraphQLRequest { Query = "{ a b }" }, TestContext.Current.CancellationToken);
        Assert.Equal("Cannot query field \"b\" on type \"Query\". Did you mean \"a\"?", Assert.Single(first.Errors!).Message);
        Assert.Equal(first.Errors![0].Message, second.Errors![0].Message);
        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task TheStandardIntrospectionQueryPassesTheDefaultLimits()
    {
        var service = new GraphQLService(SchemaBuilder.BuildFromSdl(GraphQLJsFixtures.Sdl));
        var result = await service.ExecuteAsync(new GraphQLRequest { Query = GraphQLJsFixtures.IntrospectionQuery }, TestContext.Current.CancellationToken);
        Assert.Null(result.Errors);
    }

    public static TheoryData<string> ClientIntrospectionQueries() =>
        new(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Introspection"), "*.graphql").Select(Path.GetFileNameWithoutExtension).Order()!);

    /// <summary>
    /// getIntrospectionQuery() is 15 deep whatever the schema (its ofType chain): with the application's tighter
    /// depth limit it must still run, since introspection subtrees are measured by their own bound.
    /// </summary>
    [Theory]
    [MemberData(nameof(ClientIntrospectionQueries))]
    public async Task EveryClientsIntrospectionQueryRunsUnderATightDepthLimit(string fixture)
    {
        var query = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Introspection", fixture + ".graphql"));
        var service = new GraphQLService(SchemaBuilder.BuildFromSdl(GraphQLJsFixtures.Sdl), new GraphQLServiceOptions { MaxDepth = 3 });
        var result = await service.ExecuteAsync(new GraphQLRequest { Query = query }, TestContext.Current.CancellationToken);
        Assert.Null(result.Errors);
        Assert.True(result.HasData);
    }

    [Fact]
    public async Task IntrospectionDepthAtItsLimitRunsAndOneMoreIsRejected()
    {
        var service = new GraphQLService(s_schema, new GraphQLServiceOptions { MaxDepth = 2, MaxIntrospectionDepth = 4 });
        // __type(1) ofType(2) ofType(3) name(4)
        Assert.Null((await RunAsync(service, """{ __type(name: "N") { ofType { ofType { name } } } }""")).Errors);
        var rejected = await RunAsync(service, """{ __type(name: "N") { ofType { ofType { ofType { name } } } } }""");
        Assert.False(rejected.HasData);
        var error = Assert.Single(rejected.Errors!);
        Assert.Equal("Introspection depth 5 exceeds the maximum allowed depth of 4.", error.Message);
        Assert.Equal("MAX_DEPTH_EXCEEDED", error.Extensions!["code"]);
    }

    [Fact]
    public async Task AHostileOfTypeChainAHundredDeepIsRefusedByTheDefaults()
    {
        var service = new GraphQLService(s_schema);
        var hostile = """{ __type(name: "N") { """ + string.Concat(Enumerable.Repeat("ofType { ", 100)) + "name" + new string('}', 101) + " }";
        var rejected = await RunAsync(service, hostile);
        Assert.False(rejected.HasData);
        Assert.Equal("Introspection depth 102 exceeds the maximum allowed depth of 20.", Assert.Single(rejected.Errors!).Message);

        // The same chain through fragments is measured expanded.
        var viaFragments = """{ __type(name: "N") { ...T } } fragment T on __Type { ofType { ...U } } fragment U on __Type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } } } } } } } } }""";
        Assert.Equal("MAX_DEPTH_EXCEEDED", Assert.Single((await RunAsync(service, viaFragments)).Errors!).Extensions!["code"]);
    }

    [Fact]
    public async Task IntrospectionAliasedAThousandTimesIsRefusedByTheAliasAndFieldLimits()
    {
        var service = new GraphQLService(SchemaBuilder.BuildFromSdl(GraphQLJsFixtures.Sdl));
        var aliased = "{ " + string.Concat(Enumerable.Range(0, 1000).Select(i => $"s{i}: __schema {{ types {{ name }} }} ")) + "}";
        var rejected = await RunAsync(service, aliased);
        Assert.False(rejected.HasData);
        Assert.Contains(rejected.Errors!, e => e.Message == "Query has 1000 aliases, more than the maximum of 100.");

        // Under the alias limit, whole introspection queries still add up against the field limit.
        var full = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Introspection", "graphql16-default.graphql"));
        var operation = full[full.IndexOf("__schema", StringComparison.Ordinal)..full.IndexOf("fragment FullType", StringComparison.Ordinal)];
        var body = operation[..operation.LastIndexOf('}')]; // the __schema selection without the operation's closing brace
        var tenCopies = "query {" + string.Concat(Enumerable.Range(0, 10).Select(i => $" i{i}: {body}")) + "}" + full[full.IndexOf("fragment FullType", StringComparison.Ordinal)..];
        var refused = await RunAsync(service, tenCopies);
        Assert.Equal("MAX_FIELDS_EXCEEDED", Assert.Single(refused.Errors!).Extensions!["code"]);
    }

    [Fact]
    public async Task IntrospectionDoesNotLendItsBoundToOrdinaryFields()
    {
        var service = new GraphQLService(s_schema, new GraphQLServiceOptions { MaxDepth = 3 });
        var rejected = await RunAsync(service, """{ __schema { queryType { name } } n { n { n { a } } } }""");
        Assert.Equal("Query depth 4 exceeds the maximum allowed depth of 3.", Assert.Single(rejected.Errors!).Message);
    }

    [Fact]
    public async Task CachedDocumentsGiveEachRequestItsOwnVariables()
    {
        var schema = SchemaBuilder.FromSdl("type Query { echo(v: Int): Int items: [Item] } type Item { echo(v: Int): Int }")
            .Bind("Query", "echo", ctx => ctx.GetArgument<int>("v"))
            .Bind("Query", "items", _ => new[] { 1, 2 })
            .Bind("Item", "echo", ctx => ctx.GetArgument<int>("v") * 10)
            .Build();
        var service = new GraphQLService(schema);
        async Task<string> Run(string query, int v, bool flag) => (await service.ExecuteAsync(new GraphQLRequest
        {
            Query = query,
            Variables = new Dictionary<string, object?> { ["v"] = v, ["flag"] = flag },
        }, TestContext.Current.CancellationToken)).ToJson();

        const string byArgument = "query($v: Int) { echo(v: $v) items { echo(v: $v) } }";
        Assert.Equal("""{"data":{"echo":1,"items":[{"echo":10},{"echo":10}]}}""", await Run(byArgument, 1, true));
        Assert.Equal("""{"data":{"echo":2,"items":[{"echo":20},{"echo":20}]}}""", await Run(byArgument, 2, true));

        const string byDirective = "query($v: Int, $flag: Boolean!) { echo(v: $v) @include(if: $flag) items { echo(v: 3) } }";
        Assert.Equal("""{"data":{"echo":1,"items":[{"echo":30},{"echo":30}]}}""", await Run(byDirective, 1, true));
        Assert.Equal("""{"data":{"items":[{"echo":30},{"echo":30}]}}""", await Run(byDirective, 1, false));
    }

    [Fact]
    public async Task ConcurrentRequestsOnOneCachedDocumentGiveIdenticalResults()
    {
        var schema = SchemaBuilder.BuildFromSdl("""
            type Query { items(kind: String = "all"): [Item] }
            interface Item { id: ID! }
            type Book implements Item { id: ID! title: String pages: Int }
            type Song implements Item { id: ID! title: String seconds: Int }
            """);
        var root = Json("""
            {"items": [
              {"__typename": "Book", "id": "b1", "title": "T1", "pages": 10},
              {"__typename": "Song", "id": "s1", "title": "S1", "seconds": 200},
              {"__typename": "Book", "id": "b2", "title": null, "pages": "bad"}
            ]}
            """);
        const string query = "{ items(kind: \"x\") { id ... on Book { title pages } ... on Song { title seconds } } }";
        var service = new GraphQLService(schema);
        var expected = (await service.ExecuteAsync(new GraphQLRequest { Query = query, RootValue = root }, TestContext.Current.CancellationToken)).ToJson();

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(async () =>
            (await service.ExecuteAsync(new GraphQLRequest { Query = query, RootValue = root }, TestContext.Current.CancellationToken)).ToJson(),
            TestContext.Current.CancellationToken)));

        Assert.All(results, r => Assert.Equal(expected, r));
        Assert.Contains("\"path\":[\"items\",2,\"pages\"]", expected);
    }

    [Fact]
    public async Task BatchesAnswerInOrderAndABatchOverTheLimitRunsNothing()
    {
        var calls = 0;
        var schema = SchemaBuilder.FromSdl("type Query { n(v: Int): Int }").Bind("Query", "n", ctx => { calls++; return ctx.GetArgument<int>("v"); }).Build();
        var service = new GraphQLService(schema, new GraphQLServiceOptions { MaxBatchSize = 2 });

        var results = await service.ExecuteBatchAsync([new GraphQLRequest { Query = "{ n(v: 1) }" }, new GraphQLRequest { Query = "{ n(v: 2) }" }], TestContext.Current.CancellationToken);
        Assert.Equal(["""{"data":{"n":1}}""", """{"data":{"n":2}}"""], results.Select(r => r.ToJson()));

        var tooMany = await service.ExecuteBatchAsync(Enumerable.Range(0, 3).Select(i => new GraphQLRequest { Query = "{ n }" }).ToList(), TestContext.Current.CancellationToken);
        Assert.All(tooMany, r => Assert.Equal("Batch of 3 operations exceeds the maximum of 2.", Assert.Single(r.Errors!).Message));
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task MissingQueryIsARequestError()
    {
        var service = new GraphQLService(s_schema);
        var result = await service.ExecuteAsync(new GraphQLRequest(), TestContext.Current.CancellationToken);
        Assert.Equal("Must provide query string.", Assert.Single(result.Errors!).Message);
    }

    /// <summary>graphql-js: parse("") and parse("   ") fail at the end of the text, where the EOF token is.</summary>
    [Theory]
    [InlineData("", 1, 1)]
    [InlineData("   ", 1, 4)]
    [InlineData("\n\n  ", 3, 3)]
    public async Task AnEmptyOrBlankQueryIsASyntaxErrorWhereGraphQLJsPutsIt(string query, int line, int column)
    {
        var service = new GraphQLService(s_schema);
        var result = await service.ExecuteAsync(new GraphQLRequest { Query = query }, TestContext.Current.CancellationToken);
        Assert.False(result.HasData);
        var error = Assert.Single(result.Errors!);
        Assert.Equal("Syntax Error: Unexpected <EOF>.", error.Message);
        Assert.Equal(new SourceLocation(line, column), Assert.Single(error.Locations!));
    }
}
