using Tessera.GraphQL.Execution;
using Tessera.GraphQL.Types;
using Xunit;
using static Tessera.GraphQL.Tests.TestHelpers;

namespace Tessera.GraphQL.Tests.Execution;

public class SubscriptionTests
{
    private const string Sdl = """
        type Query { a: Int }
        type Mutation { m: Int }
        type Subscription {
          itemAdded(kind: String!, limit: Int = 3): ItemEvent
          itemRemoved: ItemEvent
        }
        type ItemEvent { item: Item seq: Int }
        type Item { id: ID! name: String kind: String boom: String }
        """;

    private static GraphQLService Service(long maxCost = 0) => new(SchemaBuilder.FromSdl(Sdl)
        .Bind("Item", "boom", _ => throw new GraphQLError("boom failed"))
        .Build(), new GraphQLServiceOptions { MaxCost = maxCost });

    private static SubscribeResult Subscribe(GraphQLService service, string query, string? operationName = null, IReadOnlyDictionary<string, object?>? variables = null) =>
        service.Subscribe(new GraphQLRequest { Query = query, OperationName = operationName, Variables = variables });

    [Fact]
    public void SubscribeNamesTheRootFieldItsAliasAndItsCoercedArguments()
    {
        var result = Subscribe(Service(), "subscription S($k: String!) { added: itemAdded(kind: $k) { item { id } } }", variables: new Dictionary<string, object?> { ["k"] = "book" });
        Assert.Empty(result.Errors);
        var operation = Assert.IsType<SubscriptionOperation>(result.Operation);
        Assert.Equal("itemAdded", operation.FieldName);
        Assert.Equal("added", operation.ResponseName);
        Assert.Equal("book", operation.Arguments["kind"]);
        Assert.Equal(3, operation.Arguments["limit"]); // the default applies
    }

    [Fact]
    public async Task EachEventRunsTheSelectionSetWithTheEventAsRootValue()
    {
        var service = Service();
        var operation = Subscribe(service, "subscription { itemAdded(kind: \"x\") { seq item { id name } } }").Operation!;
        var first = await service.ExecuteEventAsync(operation, Json("""{"itemAdded": {"seq": 1, "item": {"id": "i1", "name": "One", "kind": "x"}}}"""), cancellationToken: TestContext.Current.CancellationToken);
        var second = await service.ExecuteEventAsync(operation, Json("""{"itemAdded": {"seq": 2, "item": {"id": "i2", "name": "Two"}}}"""), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("""{"data":{"itemAdded":{"seq":1,"item":{"id":"i1","name":"One"}}}}""", first.ToJson());
        Assert.Equal("""{"data":{"itemAdded":{"seq":2,"item":{"id":"i2","name":"Two"}}}}""", second.ToJson());
    }

    [Fact]
    public async Task AResolverErrorInAnEventIsAFieldErrorNotAnException()
    {
        var service = Service();
        var operation = Subscribe(service, "subscription { itemRemoved { item { id boom } } }").Operation!;
        var result = await service.ExecuteEventAsync(operation, Json("""{"itemRemoved": {"item": {"id": "i1"}}}"""), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("""{"errors":[{"message":"boom failed","locations":[{"line":1,"column":40}],"path":["itemRemoved","item","boom"]}],"data":{"itemRemoved":{"item":{"id":"i1","boom":null}}}}""", result.ToJson());
    }

    [Theory]
    [InlineData("subscription { itemRemoved { seq } itemAdded(kind: \"x\") { seq } }", "Anonymous Subscription must select only one top level field.")]
    [InlineData("subscription S { itemRemoved { seq } ...F } fragment F on Subscription { itemAdded(kind: \"x\") { seq } }", "Subscription \"S\" must select only one top level field.")]
    [InlineData("subscription { __typename }", "Anonymous Subscription must not select an introspection top level field.")]
    [InlineData("subscription { itemAdded { seq } }", "Field \"itemAdded\" argument \"kind\" of type \"String!\" is required, but it was not provided.")]
    [InlineData("subscription { nothing { seq } }", "Cannot query field \"nothing\" on type \"Subscription\".")]
    public void AnInvalidSubscriptionIsRefusedByValidation(string query, string message)
    {
        var result = Subscribe(Service(), query);
        Assert.Null(result.Operation);
        Assert.Contains(result.Errors, e => e.Message == message);
    }

    [Fact]
    public void OnlyASubscriptionOperationCanBeSubscribed()
    {
        var result = Subscribe(Service(), "query { a }");
        Assert.Null(result.Operation);
        Assert.Equal("Only subscription operations run here, not a query.", Assert.Single(result.Errors).Message);
    }

    [Fact]
    public void ASkipThatLeavesNoRootFieldIsRefusedAtSubscribe()
    {
        // Validation cannot tell which fields a variable condition keeps; Subscribe can, with the variables.
        const string query = "subscription($s: Boolean!) { itemRemoved @skip(if: $s) { seq } }";
        var result = Subscribe(Service(), query, variables: new Dictionary<string, object?> { ["s"] = true });
        Assert.Equal("The subscription selects no root field.", Assert.Single(result.Errors).Message);
        Assert.NotNull(Subscribe(Service(), query, variables: new Dictionary<string, object?> { ["s"] = false }).Operation);
    }

    [Fact]
    public void BadVariablesAndUnknownOperationsAreRequestErrors()
    {
        var service = Service();
        Assert.Contains("Variable \"$k\" of required type \"String!\" was not provided.",
            Subscribe(service, "subscription($k: String!) { itemAdded(kind: $k) { seq } }").Errors.Select(e => e.Message));
        Assert.Equal("Unknown operation named \"B\".", Assert.Single(Subscribe(service, "subscription A { itemRemoved { seq } }", "B").Errors).Message);
        Assert.Equal("Syntax Error: Expected Name, found <EOF>.", Assert.Single(Subscribe(service, "subscription {").Errors).Message);
    }

    [Fact]
    public void ASubscriptionOverTheCostBudgetIsRefused()
    {
        var result = Subscribe(Service(maxCost: 1), "subscription { itemRemoved { item { id } } }");
        Assert.Equal("QUERY_TOO_COSTLY", Assert.Single(result.Errors).Extensions!["code"]);
    }

    [Fact]
    public async Task ExecutingASubscriptionAsARequestIsRefusedWithoutRunningIt()
    {
        var result = await Service().ExecuteAsync(new GraphQLRequest { Query = "subscription { itemRemoved { seq } }" }, TestContext.Current.CancellationToken);
        Assert.False(result.HasData);
        Assert.Equal("SUBSCRIPTION_NOT_SUPPORTED_HERE", Assert.Single(result.Errors!).Extensions!["code"]);
    }
}
