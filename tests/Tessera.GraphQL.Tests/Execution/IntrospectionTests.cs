using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.GraphQL.Types;
using Xunit;
using static Tessera.GraphQL.Tests.TestHelpers;

namespace Tessera.GraphQL.Tests.Execution;

public class IntrospectionTests
{
    [Fact]
    public async Task StandardIntrospectionQueryGivesExactlyWhatGraphQLJsGives()
    {
        var schema = SchemaBuilder.BuildFromSdl(GraphQLJsFixtures.Sdl);
        var json = await RunJsonAsync(schema, GraphQLJsFixtures.IntrospectionQuery);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(GraphQLJsFixtures.IntrospectionResult), JsonNode.Parse(json)));
    }

    [Fact]
    public async Task IntrospectionResultHasTheShapeClientsExpect()
    {
        var schema = SchemaBuilder.BuildFromSdl(GraphQLJsFixtures.Sdl);
        var result = JsonNode.Parse(await RunJsonAsync(schema, GraphQLJsFixtures.IntrospectionQuery))!;
        var schemaNode = result["data"]!["__schema"]!;
        Assert.Equal("Query", (string?)schemaNode["queryType"]!["name"]);
        Assert.Equal("Mutation", (string?)schemaNode["mutationType"]!["name"]);
        var types = schemaNode["types"]!.AsArray();
        Assert.Contains(types, t => (string?)t!["name"] == "__Schema" && (string?)t["kind"] == "OBJECT");
        var pick = types.Single(t => (string?)t!["name"] == "Pick")!;
        Assert.True((bool?)pick["isOneOf"]);
        var date = types.Single(t => (string?)t!["name"] == "Date")!;
        Assert.Equal("https://example.com/date", (string?)date["specifiedByURL"]);
        var directives = schemaNode["directives"]!.AsArray().Select(d => (string?)d!["name"]).ToList();
        Assert.Equal(["tag", "include", "skip", "deprecated", "specifiedBy", "oneOf"], directives);
    }

    [Fact]
    public async Task DeprecatedMembersAreHiddenUnlessAskedFor()
    {
        var schema = SchemaBuilder.BuildFromSdl("""
            type Query { a: Int old: Int @deprecated(reason: "use a") f(x: Int, y: Int @deprecated): E i(v: I): Int }
            enum E { A B @deprecated }
            input I { p: Int q: Int @deprecated }
            """);
        var json = await RunJsonAsync(schema, """
            {
              q: __type(name: "Query") {
                fields { name }
                all: fields(includeDeprecated: true) { name isDeprecated deprecationReason args(includeDeprecated: true) { name isDeprecated } }
              }
              e: __type(name: "E") { enumValues { name } all: enumValues(includeDeprecated: true) { name } }
              i: __type(name: "I") { inputFields { name } all: inputFields(includeDeprecated: true) { name } }
            }
            """);
        var data = JsonNode.Parse(json)!["data"]!;
        Assert.Equal(["a", "f", "i"], data["q"]!["fields"]!.AsArray().Select(f => (string?)f!["name"]));
        var old = data["q"]!["all"]!.AsArray().Single(f => (string?)f!["name"] == "old")!;
        Assert.Equal("use a", (string?)old["deprecationReason"]);
        var fArgs = data["q"]!["all"]!.AsArray().Single(f => (string?)f!["name"] == "f")!["args"]!.AsArray();
        Assert.Equal([false, true], fArgs.Select(a => (bool)a!["isDeprecated"]!));
        Assert.Equal(["A"], data["e"]!["enumValues"]!.AsArray().Select(v => (string?)v!["name"]));
        Assert.Equal(["A", "B"], data["e"]!["all"]!.AsArray().Select(v => (string?)v!["name"]));
        Assert.Equal(["p"], data["i"]!["inputFields"]!.AsArray().Select(v => (string?)v!["name"]));
        Assert.Equal(["p", "q"], data["i"]!["all"]!.AsArray().Select(v => (string?)v!["name"]));
    }

    [Fact]
    public async Task TypeMetaFieldDescribesWrappersAndUnknownTypesAreNull()
    {
        var schema = SchemaBuilder.BuildFromSdl("\"Root\" type Query { list: [Int!]! }");
        var json = await RunJsonAsync(schema, """
            { __type(name: "Query") { name description fields { type { kind name ofType { kind ofType { kind ofType { name } } } } } }
              missing: __type(name: "Nope") { name } }
            """);
        Assert.Equal("""{"data":{"__type":{"name":"Query","description":"Root","fields":[{"type":{"kind":"NON_NULL","name":null,"ofType":{"kind":"LIST","ofType":{"kind":"NON_NULL","ofType":{"name":"Int"}}}}}]},"missing":null}}""", json);
    }

    [Fact]
    public async Task TypenameWorksOnEveryCompositeTypeIncludingTheRoot()
    {
        var schema = SchemaBuilder.BuildFromSdl("type Query { o: O } type O { a: Int }");
        Assert.Equal("""{"data":{"__typename":"Query","o":{"__typename":"O"}}}""",
            await RunJsonAsync(schema, "{ __typename o { __typename } }", Json("""{"o": {}}""")));
    }

    [Fact]
    public void IntrospectionTypesPrintLikeGraphQLJsPrintIntrospectionSchema()
    {
        var printed = SchemaPrinter.PrintIntrospectionSchema();
        Assert.StartsWith("\"\"\"\nDirects the executor to include this field or fragment only when the `if` argument is true.\n\"\"\"\ndirective @include(", printed);
        Assert.Contains("type __Type {\n  kind: __TypeKind!\n  name: String\n  description: String\n  specifiedByURL: String\n  fields(includeDeprecated: Boolean = false): [__Field!]\n", printed);
        Assert.Contains("  isOneOf: Boolean\n}", printed);
    }
}
