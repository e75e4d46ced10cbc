using Tessera.GraphQL.Execution;
using Tessera.GraphQL.Types;
using Xunit;
using static Tessera.GraphQL.Tests.TestHelpers;

namespace Tessera.GraphQL.Tests.Execution;

/// <summary>The ways of binding resolvers that the executor runs without a context of their own, and what resolvers may ask of the selection.</summary>
public class ResolverBindingTests
{
    private sealed record Item(string Name, int Cents);

    private sealed record OtherItem(string Name);

    [Fact]
    public async Task BindSourceResolversComputeFromTheParentAndTheirErrorsCarryPathAndLocation()
    {
        var schema = SchemaBuilder.FromSdl("type Query { items: [Item] } type Item { name: String price: Float! broken: String }")
            .Bind("Query", "items", _ => new[] { new Item("tea", 250), new Item("cake", 399) })
            .BindSource<Item>("Item", "price", i => i.Cents / 100.0)
            .BindSource<Item>("Item", "broken", i => i.Name == "cake" ? throw new InvalidOperationException("no cake") : "fine")
            .Build();

        var result = await RunAsync(schema, "{ items { name price broken } }");

        Assert.Equal("""{"errors":[{"message":"no cake","locations":[{"line":1,"column":22}],"path":["items",1,"broken"]}],"data":{"items":[{"name":"tea","price":2.5,"broken":"fine"},{"name":"cake","price":3.99,"broken":null}]}}""",
            result.ToJson());
    }

    [Fact]
    public async Task ABindSourceOfTheWrongParentTypeIsAFieldErrorAndALaterBindReplacesIt()
    {
        var schema = SchemaBuilder.FromSdl("type Query { item: Item other: Item } type Item { name: String label: String }")
            .Bind("Query", "item", _ => new Item("tea", 250))
            .Bind("Query", "other", _ => new OtherItem("cake"))
            .BindSource<Item>("Item", "name", i => i.Name.ToUpperInvariant())
            .BindSource<Item>("Item", "label", i => "source")
            .Bind("Item", "label", _ => "bound later")
            .Build();

        var result = await RunAsync(schema, "{ item { name label } other { name } }");

        Assert.Equal("bound later", ((IReadOnlyDictionary<string, object?>)result.Data!["item"]!)["label"]);
        Assert.Equal("TEA", ((IReadOnlyDictionary<string, object?>)result.Data!["item"]!)["name"]);
        Assert.Equal(["other", "name"], Assert.Single(result.Errors!).Path);
    }

    [Fact]
    public async Task DefaultResolversReadParentsOfSeveralClrTypesForTheSameField()
    {
        var schema = SchemaBuilder.FromSdl("type Query { items: [Item] } type Item { name: String }")
            .Bind("Query", "items", _ => new object[] { new Item("tea", 1), new OtherItem("cake"), new Item("jam", 2), new Dictionary<string, object?> { ["name"] = "map" } })
            .Build();

        Assert.Equal("""{"data":{"items":[{"name":"tea"},{"name":"cake"},{"name":"jam"},{"name":"map"}]}}""", await RunJsonAsync(schema, "{ items { name } }"));
    }

    [Fact]
    public async Task SelectsFieldFollowsSchemaNamesThroughAliasesAndFragments()
    {
        var answers = new Dictionary<string, bool>();
        var schema = SchemaBuilder.FromSdl("""
                type Query { page: Page }
                type Page { nodes: [Node] edges: [Edge] }
                type Edge { node: Node }
                type Node { id: ID owner: Owner }
                type Owner { name: String }
                """)
            .Bind("Query", "page", ctx =>
            {
                answers["nodes.owner"] = ctx.SelectsField("nodes", "owner");
                answers["edges.node.owner"] = ctx.SelectsField("edges", "node", "owner");
                answers["nodes"] = ctx.SelectsField("nodes");
                answers["nodes.owner.name"] = ctx.SelectsField("nodes", "owner", "name");
                return new { nodes = Array.Empty<object>(), edges = Array.Empty<object>() };
            })
            .Build();

        await RunAsync(schema, "{ page { items: nodes { id } } }");
        Assert.Equal([("nodes", true), ("nodes.owner", false), ("edges.node.owner", false), ("nodes.owner.name", false)],
            answers.Select(a => (a.Key, a.Value)).OrderBy(a => a.Key.Length).ThenBy(a => a.Key));

        await RunAsync(schema, "{ page { ...P } } fragment P on Page { edges { node { ... on Node { who: owner { name } } } } }");
        Assert.True(answers["edges.node.owner"]);
        Assert.True(answers["nodes.owner.name"] is false && answers["nodes"] is false);

        // Conservative: a field under a condition counts as selected.
        await RunAsync(schema, "{ page { nodes { owner @skip(if: true) { name } } } }");
        Assert.True(answers["nodes.owner.name"]);
    }
}
