using System.Text.Json;
using Tessera.GraphQL.Execution;
using Tessera.GraphQL.Types;
using Xunit;
using static Tessera.GraphQL.Tests.TestHelpers;

namespace Tessera.GraphQL.Tests.Execution;

public class ExecutionTests
{
    private static readonly Schema s_listSchema = SchemaBuilder.BuildFromSdl("""
        type Query {
          nullableOfNonNull: [[Int!]]
          nonNullOfNullable: [[Int]!]
          allNonNull: [[Int!]!]!
          obj: Obj
          objs: [Obj!]
          req: Obj!
        }
        type Obj { a: Int b: Int! inner: Obj! next: Obj }
        """);

    [Fact]
    public async Task NullInANonNullListItemNullsTheNearestNullableList()
    {
        var json = await RunJsonAsync(s_listSchema, "{ nullableOfNonNull }", Json("""{"nullableOfNonNull": [[1, 2], [3, null], [4]]}"""));
        Assert.Equal("""{"errors":[{"message":"Cannot return null for non-nullable field Query.nullableOfNonNull.","locations":[{"line":1,"column":3}],"path":["nullableOfNonNull",1,1]}],"data":{"nullableOfNonNull":[[1,2],null,[4]]}}""", json);
    }

    [Fact]
    public async Task NullInnerListInANonNullPositionNullsTheWholeField()
    {
        var json = await RunJsonAsync(s_listSchema, "{ nonNullOfNullable }", Json("""{"nonNullOfNullable": [[1, null], null]}"""));
        Assert.Equal("""{"errors":[{"message":"Cannot return null for non-nullable field Query.nonNullOfNullable.","locations":[{"line":1,"column":3}],"path":["nonNullOfNullable",1]}],"data":{"nonNullOfNullable":null}}""", json);
    }

    [Fact]
    public async Task NullPropagatesThroughEveryNonNullLevelUpToData()
    {
        var json = await RunJsonAsync(s_listSchema, "{ allNonNull }", Json("""{"allNonNull": [[1], [null]]}"""));
        Assert.Equal("""{"errors":[{"message":"Cannot return null for non-nullable field Query.allNonNull.","locations":[{"line":1,"column":3}],"path":["allNonNull",1,0]}],"data":null}""", json);
    }

    [Fact]
    public async Task NonNullObjectFieldNullsItsParentObjectOnly()
    {
        var result = await RunAsync(s_listSchema, "{ obj { a inner { b } } objs { a b } }",
            Json("""{"obj": {"a": 1, "inner": {"b": null}}, "objs": [{"a": 1, "b": 2}, {"a": 3}]}"""));
        Assert.Equal("""{"obj":null,"objs":null}""", JsonSerializer.Serialize(result.Data));
        Assert.Equal(2, result.Errors!.Count);
        Assert.Equal(["obj", "inner", "b"], result.Errors[0].Path);
        Assert.Equal(["objs", 1, "b"], result.Errors[1].Path);
    }

    [Fact]
    public async Task ASynchronousNonNullErrorStopsTheRemainingSiblingFields()
    {
        // graphql-js aborts the object's remaining fields once a non-null field fails synchronously: one error, not two.
        var result = await RunAsync(s_listSchema, "{ req { b a: b } }", Json("""{"req": {}}"""));
        Assert.Single(result.Errors!);
        Assert.True(result.HasData);
        Assert.Null(result.Data);
    }

    [Fact]
    public async Task LeafSerializationErrorsAreFieldErrorsWithPaths()
    {
        var schema = SchemaBuilder.BuildFromSdl("type Query { i: Int s: String b: Boolean id: ID f: Float e: E } enum E { A }");
        var result = await RunAsync(schema, "{ i s b id f e }", Json("""{"i": 1.5, "s": {"x": 1}, "b": "yes", "id": true, "f": "abc", "e": "Z"}"""));
        Assert.Equal(
        [
            "Int cannot represent non-integer value: 1.5",
            "String cannot represent value: { x: 1 }",
            "Boolean cannot represent a non boolean value: \"yes\"",
            "ID cannot represent value: true",
            "Float cannot represent non numeric value: \"abc\"",
            "Enum \"E\" cannot represent value: \"Z\"",
        ], result.Errors!.Select(e => e.Message));
        Assert.Equal("""{"i":null,"s":null,"b":null,"id":null,"f":null,"e":null}""", JsonSerializer.Serialize(result.Data));
    }

    [Fact]
    public async Task ScalarsCoerceResultsLikeGraphQLJs()
    {
        var schema = SchemaBuilder.BuildFromSdl("type Query { i: Int s: String b: Boolean id: ID f: Float custom: JSON } scalar JSON");
        var json = await RunJsonAsync(schema, "{ i s b id f custom }", Json("""{"i": true, "s": 12.5, "b": 0, "id": 42, "f": 3, "custom": {"any": [1, "x"]}}"""));
        Assert.Equal("""{"data":{"i":1,"s":"12.5","b":false,"id":"42","f":3,"custom":{"any":[1,"x"]}}}""", json);
    }

    [Fact]
    public async Task NumbersFromJsonDataComeOutAsGraphQLJsGivesThem()
    {
        var schema = SchemaBuilder.BuildFromSdl("type Query { f: Float i: Int s: String fl: [Float] }");
        var result = await RunAsync(schema, "{ f i s fl }", Json("""{"f": -0.0, "i": -0, "s": 1e-7, "fl": [1e400, 2.50, 1e2]}"""));
        Assert.Equal("""{"errors":[{"message":"Float cannot represent non numeric value: Infinity","locations":[{"line":1,"column":9}],"path":["fl",0]}],"data":{"f":0,"i":0,"s":"1e-7","fl":[null,2.50,100]}}""", result.ToJson());
    }

    [Fact]
    public async Task ResolverErrorsCarryMessageLocationsPathAndExtensionsAndLeavePartialData()
    {
        var schema = SchemaBuilder.FromSdl("type Query { items: [Item] ok: String } type Item { name: String }")
            .Bind("Query", "items", _ => new object[] { "a", "b" })
            .Bind("Query", "ok", _ => "fine")
            .Bind("Item", "name", ctx => (string)ctx.Source! == "b"
                ? throw new GraphQLError("boom", extensions: new Dictionary<string, object?> { ["code"] = "BAD" })
                : ctx.Source)
            .Build();

        var json = await RunJsonAsync(schema, "{\n  items {\n    name\n  }\n  ok\n}");
        Assert.Equal("""{"errors":[{"message":"boom","locations":[{"line":3,"column":5}],"path":["items",1,"name"],"extensions":{"code":"BAD"}}],"data":{"items":[{"name":"a"},{"name":null}],"ok":"fine"}}""", json);
    }

    [Fact]
    public async Task AbstractTypesResolveThroughTypenameResolveTypeAndIsTypeOf()
    {
        const string sdl = """
            type Query { pets: [Pet] named: [Named] }
            interface Named { name: String }
            type Dog implements Named { name: String barks: Boolean }
            type Cat implements Named { name: String meows: Boolean }
            union Pet = Dog | Cat
            """;
        const string query = "{ pets { __typename ... on Dog { barks } ... on Cat { meows } } named { name __typename } }";

        var viaTypename = await RunJsonAsync(SchemaBuilder.BuildFromSdl(sdl), query, Json("""
            {"pets": [{"__typename": "Dog", "barks": true}, {"__typename": "Cat", "meows": false}],
             "named": [{"__typename": "Cat", "name": "Tom"}]}
            """));
        Assert.Equal("""{"data":{"pets":[{"__typename":"Dog","barks":true},{"__typename":"Cat","meows":false}],"named":[{"name":"Tom","__typename":"Cat"}]}}""", viaTypename);

        var clrSchema = SchemaBuilder.FromSdl(sdl)
            .ResolveType("Pet", (value, _) => value is Dog ? "Dog" : "Cat")
            .IsTypeOf<Dog>("Dog")
            .IsTypeOf<Cat>("Cat")
            .Build();
        var viaClr = await RunJsonAsync(clrSchema, query, new { Pets = new object[] { new Dog("Rex", true), new Cat("Tom", false) }, Named = new object[] { new Dog("Rex", true) } });
        Assert.Equal("""{"data":{"pets":[{"__typename":"Dog","barks":true},{"__typename":"Cat","meows":false}],"named":[{"name":"Rex","__typename":"Dog"}]}}""", viaClr);
    }

    private sealed record Dog(string Name, bool Barks);

    private sealed record Cat(string Name, bool Meows);

    [Fact]
    public async Task UnresolvableAbstractTypesAreFieldErrors()
    {
        var schema = SchemaBuilder.BuildFromSdl("type Query { pets: [Pet] } union Pet = Dog type Dog { a: Int } type Other { a: Int }");
        var result = await RunAsync(schema, "{ pets { __typename } }", Json("""{"pets": [{"a": 1}, {"__typename": "Nope"}, {"__typename": "Other"}, {"__typename": "Dog"}]}"""));
        Assert.Equal(
        [
            "Abstract type \"Pet\" must resolve to an Object type at runtime for field \"Query.pets\". Either the \"Pet\" type should provide a \"resolveType\" function or each possible type should provide an \"isTypeOf\" function.",
            "Abstract type \"Pet\" was resolved to a type \"Nope\" that does not exist inside the schema.",
            "Runtime Object type \"Other\" is not a possible type for \"Pet\".",
        ], result.Errors!.Select(e => e.Message));
        Assert.Equal(["pets", 2], result.Errors![2].Path);
        Assert.Equal("""{"pets":[null,null,null,{"__typename":"Dog"}]}""", JsonSerializer.Serialize(result.Data));
    }

    private static readonly Schema s_echoSchema = SchemaBuilder.FromSdl("""
            type Query { echo(i: Int, s: String = "default", l: [Int], in: In, e: E): String }
            input In { a: Int! b: String = "b" c: [In] }
            enum E { RED GREEN }
            """)
        .Bind("Query", "echo", ctx => JsonSerializer.Serialize(ctx.Arguments))
        .Build();

    [Fact]
    public async Task ArgumentDefaultsApplyWhenArgumentsAreAbsent()
    {
        var json = await RunJsonAsync(s_echoSchema, "{ echo }");
        Assert.Equal("""{"data":{"echo":"{\"s\":\"default\"}"}}""", json);
    }

    [Fact]
    public async Task LiteralArgumentsAreCoercedIncludingListsOfOneAndNestedDefaults()
    {
        var json = await RunJsonAsync(s_echoSchema, """{ echo(i: 1, s: null, l: 5, in: {a: 1, c: {a: 2}}, e: GREEN) }""");
        Assert.Equal("""{"data":{"echo":"{\"i\":1,\"s\":null,\"l\":[5],\"in\":{\"a\":1,\"b\":\"b\",\"c\":[{\"a\":2,\"b\":\"b\"}]},\"e\":\"GREEN\"}"}}""", json);
    }

    [Fact]
    public async Task VariablesAreCoercedAndDefaultsApplyOnlyWhenNotProvided()
    {
        const string query = "query($i: Int = 7, $s: String = \"v\", $in: In, $l: [Int]) { echo(i: $i, s: $s, in: $in, l: $l) }";
        var json = await RunJsonAsync(s_echoSchema, query, variables: new Dictionary<string, object?>
        {
            ["s"] = null,
            ["in"] = Json("""{"a": 3}"""),
            ["l"] = 4,
        });
        Assert.Equal("""{"data":{"echo":"{\"i\":7,\"s\":null,\"l\":[4],\"in\":{\"a\":3,\"b\":\"b\"}}"}}""", json);
    }

    [Fact]
    public async Task VariableArgumentNotProvidedFallsBackToTheArgumentDefault()
    {
        var json = await RunJsonAsync(s_echoSchema, "query($s: String) { echo(s: $s) }");
        Assert.Equal("""{"data":{"echo":"{\"s\":\"default\"}"}}""", json);
    }

    [Theory]
    [InlineData("query($x: Int!) { echo(i: $x) }", null, "Variable \"$x\" of required type \"Int!\" was not provided.")]
    [InlineData("query($x: Int!) { echo(i: $x) }", "null", "Variable \"$x\" of non-null type \"Int!\" must not be null.")]
    [InlineData("query($x: Int) { echo(i: $x) }", "1.5", "Variable \"$x\" got invalid value 1.5; Int cannot represent non-integer value: 1.5")]
    [InlineData("query($x: Int) { echo(i: $x) }", "3000000000", "Variable \"$x\" got invalid value 3000000000; Int cannot represent non 32-bit signed integer value: 3000000000")]
    [InlineData("query($x: String) { echo(s: $x) }", "1", "Variable \"$x\" got invalid value 1; String cannot represent a non string value: 1")]
    [InlineData("query($x: In) { echo(in: $x) }", "{\"b\": \"x\"}", "Variable \"$x\" got invalid value { b: \"x\" }; Field \"a\" of required type \"Int!\" was not provided.")]
    [InlineData("query($x: In) { echo(in: $x) }", "{\"a\": 1, \"z\": 1}", "Variable \"$x\" got invalid value { a: 1, z: 1 }; Field \"z\" is not defined by type \"In\". Did you mean \"a\", \"b\", or \"c\"?")]
    [InlineData("query($x: In) { echo(in: $x) }", "{\"a\": 1, \"c\": [{\"a\": \"no\"}]}", "Variable \"$x\" got invalid value \"no\" at \"x.c[0].a\"; Int cannot represent non-integer value: \"no\"")]
    [InlineData("query($x: E) { echo(e: $x) }", "\"BLUE\"", "Variable \"$x\" got invalid value \"BLUE\"; Value \"BLUE\" does not exist in \"E\" enum.")]
    [InlineData("query($x: In) { echo(in: $x) }", "5", "Variable \"$x\" got invalid value 5; Expected type \"In\" to be an object.")]
    public async Task InvalidVariablesAreRequestErrorsWordedLikeGraphQLJs(string query, string? value, string message)
    {
        var variables = value is null ? new Dictionary<string, object?>() : new Dictionary<string, object?> { ["x"] = Json(value) };
        var result = await RunAsync(s_echoSchema, query, variables: variables);
        Assert.False(result.HasData);
        var error = Assert.Single(result.Errors!);
        Assert.Equal(message, error.Message);
        Assert.Equal([new SourceLocation(1, 7)], error.Locations);
    }

    [Fact]
    public async Task OneOfInputVariablesNeedExactlyOneNonNullField()
    {
        var schema = SchemaBuilder.BuildFromSdl("type Query { f(by: By): Int } input By @oneOf { id: ID name: String }");
        var two = await RunAsync(schema, "query($b: By) { f(by: $b) }", variables: new Dictionary<string, object?> { ["b"] = Json("""{"id": "1", "name": "x"}""") });
        Assert.Equal("Variable \"$b\" got invalid value { id: \"1\", name: \"x\" }; Exactly one key must be specified for OneOf type \"By\".", Assert.Single(two.Errors!).Message);
        var nullField = await RunAsync(schema, "query($b: By) { f(by: $b) }", variables: new Dictionary<string, object?> { ["b"] = Json("""{"id": null}""") });
        Assert.Equal("Variable \"$b\" got invalid value null at \"b.id\"; Field \"id\" must be non-null.", Assert.Single(nullField.Errors!).Message);
    }

    [Fact]
    public async Task SkipAndIncludeDecideWhichFieldsAndFragmentsAreCollected()
    {
        var schema = SchemaBuilder.BuildFromSdl("type Query { a: Int b: Int c: Int d: Int e: Int }");
        var json = await RunJsonAsync(schema, """
            query($yes: Boolean!, $no: Boolean!) {
              a @include(if: $yes)
              b @skip(if: $yes)
              ... on Query @include(if: $no) { c }
              ...F @skip(if: $no)
              e @include(if: true) @skip(if: true)
            }
            fragment F on Query { d }
            """, Json("""{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}"""), new Dictionary<string, object?> { ["yes"] = true, ["no"] = false });
        Assert.Equal("""{"data":{"a":1,"d":4}}""", json);
    }

    [Fact]
    public async Task FieldsWithTheSameResponseKeyAreMergedAcrossFragments()
    {
        var schema = SchemaBuilder.BuildFromSdl("type Query { o: O } type O { x: Int y: Int z: Int }");
        var json = await RunJsonAsync(schema, "{ o { x } ... on Query { o { y } } ...F } fragment F on Query { o { z x } }", Json("""{"o": {"x": 1, "y": 2, "z": 3}}"""));
        Assert.Equal("""{"data":{"o":{"x":1,"y":2,"z":3}}}""", json);
    }

    [Fact]
    public async Task MutationFieldsRunSeriallyInDocumentOrder()
    {
        var log = new List<string>();
        var total = 0;
        var schema = SchemaBuilder.FromSdl("type Query { total: Int } type Mutation { add(n: Int!): Int }")
            .Bind("Mutation", "add", async ctx =>
            {
                var n = ctx.GetArgument<int>("n");
                log.Add($"start {n}");
                await Task.Delay(n == 1 ? 30 : 1, ctx.CancellationToken);
                total += n;
                log.Add($"end {n}");
                return total;
            })
            .Build();

        var json = await RunJsonAsync(schema, "mutation { first: add(n: 1) second: add(n: 2) third: add(n: 3) }");
        Assert.Equal("""{"data":{"first":1,"second":3,"third":6}}""", json);
        Assert.Equal(["start 1", "end 1", "start 2", "end 2", "start 3", "end 3"], log);
    }

    [Fact]
    public async Task QueryFieldsStartTogetherAndResultsKeepSelectionOrder()
    {
        var started = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var schema = SchemaBuilder.FromSdl("type Query { slow: String fast: String }")
            .BindAsync("Query", "slow", async ctx =>
            {
                Interlocked.Increment(ref started);
                await gate.Task.WaitAsync(ctx.CancellationToken);
                return "slow";
            })
            .BindAsync("Query", "fast", async _ =>
            {
                Interlocked.Increment(ref started);
                gate.SetResult(); // only reachable if "fast" starts while "slow" waits
                await Task.Yield();
                return "fast";
            })
            .Build();

        var json = await RunJsonAsync(schema, "{ slow fast }");
        Assert.Equal("""{"data":{"slow":"slow","fast":"fast"}}""", json);
        Assert.Equal(2, started);
    }

    [Fact]
    public async Task AsyncResolverFailuresAreFieldErrors()
    {
        var schema = SchemaBuilder.FromSdl("type Query { a: Int! b: Int }")
            .BindAsync<int>("Query", "a", async _ =>
            {
                await Task.Yield();
                throw new InvalidOperationException("async failure");
            })
            .Build();
        var result = await RunAsync(schema, "{ b a }", Json("""{"b": 2}"""));
        Assert.Equal("async failure", Assert.Single(result.Errors!).Message);
        Assert.True(result.HasData);
        Assert.Null(result.Data);
    }

    [Fact]
    public async Task CancellationStopsExecution()
    {
        using var cts = new CancellationTokenSource();
        var schema = SchemaBuilder.FromSdl("type Query { wait: Int next: Int }")
            .Bind("Query", "wait", async ctx =>
            {
                await cts.CancelAsync();
                await Task.Delay(Timeout.Infinite, ctx.CancellationToken);
                return 1;
            })
            .Build();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await Executor.ExecuteAsync(new ExecutionRequest { Schema = schema, Query = "{ wait next }" }, cts.Token));
    }

    [Fact]
    public async Task AResolversOwnTimeoutIsAFieldErrorWhenTheRequestIsNotCancelled()
    {
        var schema = SchemaBuilder.FromSdl("type Query { slow: Int other: Int }")
            .Bind("Query", "slow", _ => throw new TaskCanceledException("upstream timed out"))
            .Bind("Query", "other", _ => 2)
            .Build();
        var result = await RunAsync(schema, "{ slow other }");
        Assert.Equal("upstream timed out", Assert.Single(result.Errors!).Message);
        Assert.Equal("""{"slow":null,"other":2}""", JsonSerializer.Serialize(result.Data));
    }

    [Fact]
    public async Task ErrorsReturnedAsValuesAreFieldErrorsToo()
    {
        var schema = SchemaBuilder.FromSdl("type Query { list: [Int] }")
            .Bind("Query", "list", _ => new object?[] { 1, new InvalidOperationException("item failed"), 3 })
            .Build();
        var result = await RunAsync(schema, "{ list }");
        Assert.Equal(["list", 1], Assert.Single(result.Errors!).Path);
        Assert.Equal("""{"list":[1,null,3]}""", JsonSerializer.Serialize(result.Data));
    }

    [Fact]
    public async Task AnAlreadyCancelledTokenRunsNoResolver()
    {
        var calls = 0;
        var schema = SchemaBuilder.FromSdl("type Query { a: Int }").Bind("Query", "a", _ => ++calls).Build();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await Executor.ExecuteAsync(new ExecutionRequest { Schema = schema, Query = "{ a }" }, new CancellationToken(true)));
        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task OperationNameSelectsTheOperationToRun()
    {
        var schema = SchemaBuilder.BuildFromSdl("type Query { a: Int b: Int }");
        var root = Json("""{"a": 1, "b": 2}""");
        Assert.Equal("""{"data":{"b":2}}""", await RunJsonAsync(schema, "query A { a } query B { b }", root, operationName: "B"));
        Assert.Equal("""{"errors":[{"message":"Must provide operation name if query contains multiple operations."}]}""", await RunJsonAsync(schema, "query A { a } query B { b }", root));
        Assert.Equal("""{"errors":[{"message":"Unknown operation named \"C\"."}]}""", await RunJsonAsync(schema, "query A { a }", root, operationName: "C"));
    }

    [Fact]
    public async Task MutationOnASchemaWithoutMutationTypeIsRejected()
    {
        var schema = SchemaBuilder.BuildFromSdl("type Query { a: Int }");
        var result = await Executor.ExecuteAsync(new ExecutionRequest { Schema = schema, Document = Tessera.GraphQL.Language.Parser.Parse("mutation { a }") },
            TestContext.Current.CancellationToken);
        Assert.Equal("Schema is not configured to execute mutation operation.", Assert.Single(result.Errors!).Message);
    }

    [Fact]
    public async Task SyntaxAndValidationErrorsMeanNoExecution()
    {
        var calls = 0;
        var schema = SchemaBuilder.FromSdl("type Query { a: Int }").Bind("Query", "a", _ => ++calls).Build();
        var syntax = await RunAsync(schema, "{ a ");
        Assert.Equal("Syntax Error: Expected Name, found <EOF>.", Assert.Single(syntax.Errors!).Message);
        Assert.False(syntax.HasData);
        var invalid = await RunAsync(schema, "{ a nope }");
        Assert.NotNull(invalid.Errors);
        Assert.False(invalid.HasData);
        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task ArgumentErrorsAtRuntimeAreFieldErrors()
    {
        var schema = SchemaBuilder.BuildFromSdl("type Query { f(x: Int!): Int g: Int }");
        // Validation rejects this document; executing it anyway (a pre-parsed Document skips validation) shows the runtime check.
        var result = await Executor.ExecuteAsync(new ExecutionRequest
        {
            Schema = schema,
            Document = Tessera.GraphQL.Language.Parser.Parse("query($v: Int) { f(x: $v) g }"),
            RootValue = Json("""{"f": 1, "g": 2}"""),
            Variables = new Dictionary<string, object?> { ["v"] = null },
        }, TestContext.Current.CancellationToken);
        Assert.Equal("Argument \"x\" of non-null type \"Int!\" must not be null.", Assert.Single(result.Errors!).Message);
        Assert.Equal(["f"], result.Errors![0].Path);
        Assert.Equal("""{"f":null,"g":2}""", JsonSerializer.Serialize(result.Data));
    }

    [Fact]
    public async Task DefaultResolverReadsDictionariesAndClrObjects()
    {
        var schema = SchemaBuilder.BuildFromSdl("type Query { d: T o: T } type T { name: String n: Int list: [Int] }");
        var root = new Dictionary<string, object?>
        {
            ["d"] = new Dictionary<string, object?> { ["name"] = "dict", ["list"] = new List<int> { 1, 2 } },
            ["o"] = new { Name = "clr", N = 5L },
        };
        Assert.Equal("""{"data":{"d":{"name":"dict","n":null,"list":[1,2]},"o":{"name":"clr","n":5,"list":null}}}""",
            await RunJsonAsync(schema, "{ d { name n list } o { name n list } }", root));
    }

    [Fact]
    public async Task ClrEnumsAndCustomScalarsMapThroughTheBuilder()
    {
        var schema = SchemaBuilder.FromSdl("type Query { kind(k: Kind): Kind when: Date } enum Kind { CHECKING SAVINGS } scalar Date")
            .EnumValues<AccountKind>("Kind")
            .Scalar(new ScalarType("Date") { SerializeFunc = v => ((DateOnly)v!).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) })
            .Bind("Query", "kind", ctx => ctx.GetArgument<AccountKind>("k") == AccountKind.Checking ? AccountKind.Savings : AccountKind.Checking)
            .Bind("Query", "when", _ => new DateOnly(2024, 2, 29))
            .Build();
        Assert.Equal("""{"data":{"kind":"SAVINGS","when":"2024-02-29"}}""", await RunJsonAsync(schema, "{ kind(k: CHECKING) when }"));
    }

    private enum AccountKind
    {
        Checking,
        Savings,
    }

    [Fact]
    public async Task AResolverBoundOnAnInterfaceFieldServesImplementationsWithoutTheirOwn()
    {
        var schema = SchemaBuilder.FromSdl("""
                type Query { nodes: [Node] }
                interface Node { id: ID! label: String }
                type A implements Node { id: ID! label: String }
                type B implements Node { id: ID! label: String }
                """)
            .Bind("Query", "nodes", _ => new object[] { new Dictionary<string, object?> { ["__typename"] = "A", ["id"] = "1" }, new Dictionary<string, object?> { ["__typename"] = "B", ["id"] = "2" } })
            .Bind("Node", "label", ctx => "node " + JsonSerializer.Serialize(((IReadOnlyDictionary<string, object?>)ctx.Source!)["id"]))
            .Bind("B", "label", _ => "own")
            .Build();
        Assert.Equal("""{"data":{"nodes":[{"label":"node \"1\""},{"label":"own"}]}}""", await RunJsonAsync(schema, "{ nodes { label } }"));
    }

    [Fact]
    public async Task ListCompletionRejectsNonListValues()
    {
        var schema = SchemaBuilder.BuildFromSdl("type Query { l: [Int] }");
        var result = await RunAsync(schema, "{ l }", Json("""{"l": 5}"""));
        Assert.Equal("Expected Iterable, but did not find one for field \"Query.l\".", Assert.Single(result.Errors!).Message);
    }

    [Fact]
    public async Task VariablesJsonIsAcceptedAsOneObject()
    {
        var result = await Executor.ExecuteAsync(new ExecutionRequest
        {
            Schema = s_echoSchema,
            Query = "query($i: Int) { echo(i: $i) }",
            VariablesJson = Json("""{"i": 3}"""),
        }, TestContext.Current.CancellationToken);
        Assert.Equal("""{"data":{"echo":"{\"i\":3,\"s\":\"default\"}"}}""", result.ToJson());
    }
}
