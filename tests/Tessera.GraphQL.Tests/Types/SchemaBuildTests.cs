using Tessera.GraphQL.Execution;
using Tessera.GraphQL.Types;
using Xunit;

namespace Tessera.GraphQL.Tests.Types;

public class SchemaBuildTests
{
    private static IReadOnlyList<string> BuildErrors(string sdl) =>
        Assert.Throws<SchemaValidationException>(() => SchemaBuilder.BuildFromSdl(sdl)).Errors;

    [Fact]
    public void SdlBuildsEveryKindOfType()
    {
        var schema = SchemaBuilder.BuildFromSdl("""
            schema { query: Root mutation: Change }
            type Root { node(id: ID!): Node search(q: String = "x"): [Result!]! }
            type Change { rename(input: Rename!): Account }
            interface Node { id: ID! }
            interface Named implements Node { id: ID! name: String }
            type Account implements Node & Named { id: ID! name: String kind: Kind @deprecated(reason: "gone") }
            union Result = Account
            enum Kind { OPEN CLOSED @deprecated }
            input Rename @oneOf { id: ID name: String }
            scalar Date @specifiedBy(url: "https://tools.ietf.org/html/rfc3339")
            directive @cost(weight: Int = 1) repeatable on FIELD_DEFINITION
            type Extra { when: Date }
            extend type Root { extra: Extra }
            """);

        Assert.Equal("Root", schema.QueryType!.Name);
        Assert.Equal("Change", schema.MutationType!.Name);
        var account = Assert.IsType<ObjectType>(schema.GetType("Account"));
        Assert.Equal(["Node", "Named"], account.Interfaces.Select(i => i.Name));
        Assert.Equal("gone", account.GetField("kind")!.DeprecationReason);
        var node = Assert.IsType<InterfaceType>(schema.GetType("Node"));
        Assert.Equal(["Account"], schema.GetPossibleTypes(node).Select(t => t.Name));
        Assert.True(schema.IsSubType(node, schema.GetType("Named")!));
        Assert.Equal("No longer supported", ((EnumType)schema.GetType("Kind")!).GetValue("CLOSED")!.DeprecationReason);
        Assert.True(((InputObjectType)schema.GetType("Rename")!).IsOneOf);
        Assert.Equal("https://tools.ietf.org/html/rfc3339", ((ScalarType)schema.GetType("Date")!).SpecifiedByUrl);
        Assert.True(schema.GetDirective("cost")!.IsRepeatable);
        Assert.Equal(1, schema.GetDirective("cost")!.GetArgument("weight")!.DefaultValue);
        Assert.Equal("x", schema.QueryType.GetField("search")!.GetArgument("q")!.DefaultValue);
        Assert.NotNull(schema.QueryType.GetField("extra"));
        Assert.Same(ScalarType.String, schema.GetType("String"));
        Assert.NotNull(schema.GetType("__Schema"));
        Assert.Equal("[Result!]!", schema.QueryType.GetField("search")!.Type.ToString());
    }

    [Fact]
    public void TypeSubtypingAndOverlapFollowTheSpec()
    {
        var schema = SchemaBuilder.BuildFromSdl("""
            type Query { a: A }
            interface I { id: ID }
            type A implements I { id: ID } type B implements I { id: ID } type C { x: Int }
            union U = A | C
            """);
        GraphQLType a = schema.GetType("A")!, i = schema.GetType("I")!, u = schema.GetType("U")!, b = schema.GetType("B")!;
        Assert.True(schema.IsTypeSubTypeOf(new NonNullType(a), i));
        Assert.False(schema.IsTypeSubTypeOf(i, new NonNullType(a)));
        Assert.True(schema.IsTypeSubTypeOf(new ListType(new NonNullType(a)), new ListType(i)));
        Assert.False(schema.IsTypeSubTypeOf(new ListType(a), a));
        Assert.True(schema.DoTypesOverlap((NamedType)i, (NamedType)u));
        Assert.False(schema.DoTypesOverlap((NamedType)b, (NamedType)u));
        Assert.True(Schema.IsEqualType(new ListType(a), new ListType(a)));
        Assert.Equal("__typename", schema.GetFieldDefinition((NamedType)u, "__typename")!.Name);
        Assert.Null(schema.GetFieldDefinition((NamedType)a, "__schema"));
        Assert.NotNull(schema.GetFieldDefinition(schema.QueryType!, "__schema"));
    }

    [Theory]
    [InlineData("type Foo { a: Int }", "Query root type must be provided.")]
    [InlineData("schema { query: Q } input Q { a: Int }", "Query root type must be Object type, it cannot be Q.")]
    [InlineData("type Query { a: Missing }", "Unknown type \"Missing\".")]
    [InlineData("type Query { a: Int } type Query { b: Int }", "There can be only one type named \"Query\".")]
    [InlineData("type Query { a: Int a: String }", "Field \"Query.a\" can only be defined once.")]
    [InlineData("type Query { a: In } input In { x: Int }", "The type of Query.a must be Output Type but got: In.")]
    [InlineData("type Query { a(x: Out): Int } type Out { y: Int }", "The type of Query.a(x:) must be Input Type but got: Out.")]
    [InlineData("type Query { a: Int } input In { x: Out } type Out { y: Int }", "The type of In.x must be Input Type but got: Out.")]
    [InlineData("type Query { a: Empty } type Empty", "Type Empty must define one or more fields.")]
    [InlineData("type Query { __a: Int }", "Name \"__a\" must not begin with \"__\", which is reserved by GraphQL introspection.")]
    [InlineData("type Query implements I { a: Int } interface I { b: Int }", "Interface field I.b expected but Query does not provide it.")]
    [InlineData("type Query implements I { b: String } interface I { b: Int }", "Interface field I.b expects type Int but Query.b is type String.")]
    [InlineData("type Query implements I { b: Int } interface I { b(x: Int): Int }", "Interface field argument I.b(x:) expected but Query.b does not provide it.")]
    [InlineData("type Query implements I { b(x: String): Int } interface I { b(x: Int): Int }", "Interface field argument I.b(x:) expects type Int but Query.b(x:) is type String.")]
    [InlineData("type Query implements I { b(y: Int!): Int } interface I { b: Int }", "Argument \"Query.b(y:)\" must not be required type \"Int!\" if not provided by the Interface field \"I.b\".")]
    [InlineData("type Query implements J { a: Int } interface J implements I { a: Int } interface I { a: Int }", "Type Query must implement I because it is implemented by J.")]
    [InlineData("type Query implements Other { a: Int } type Other { a: Int }", "Type Query must only implement Interface types, it cannot implement Other.")]
    [InlineData("type Query implements I & I { a: Int } interface I { a: Int }", "Type Query can only implement I once.")]
    [InlineData("type Query { u: U } union U = Query | In input In { a: Int }", "Union type U can only include Object types, it cannot include In.")]
    [InlineData("type Query { u: U } union U = Query | Query", "Union type U can only include type Query once.")]
    [InlineData("type Query { e: E } enum E { A A }", "Enum value \"E.A\" can only be defined once.")]
    [InlineData("type Query { a(i: I): Int } input I @oneOf { a: Int! b: Int }", "OneOf input field I.a must be nullable.")]
    [InlineData("type Query { a(i: I): Int } input I @oneOf { a: Int = 1 b: Int }", "OneOf input field I.a cannot have a default value.")]
    [InlineData("type Query { a(i: I): Int } input I { self: I! }", "Cannot reference Input Object \"I\" within itself through a series of non-null fields: \"self\".")]
    [InlineData("type Query { a(i: Int! @deprecated): Int }", "Required argument Query.a(i:) cannot be deprecated.")]
    [InlineData("type Query { a: Int @unknown }", "Unknown directive \"@unknown\".")]
    [InlineData("type Query { a: Int } extend type Missing { b: Int }", "Cannot extend type \"Missing\" because it is not defined.")]
    [InlineData("type Query { a: Int } scalar S extend type S @deprecated", "Cannot extend non-scalar type \"S\".")]
    [InlineData("type Query { a: Int } directive @d on FIELD directive @d on FIELD", "There can be only one directive named \"@d\".")]
    [InlineData("schema { query: Query } schema { query: Query } type Query { a: Int }", "Must provide only one schema definition.")]
    [InlineData("schema { query: Query query: Query } type Query { a: Int }", "There can be only one query type in schema.")]
    [InlineData("type Query { a(x: Int = \"no\"): Int }", "Default value of Query.a(x:) is not a valid Int: \"no\".")]
    [InlineData("schema { query: Query mutation: Query } type Query { a: Int }", "All root types must be different, \"Query\" type is used as query and mutation root types.")]
    public void InvalidSchemasAreRejectedWithAClearMessage(string sdl, string expected)
    {
        Assert.Contains(expected, BuildErrors(sdl));
    }

    [Fact]
    public void ExecutableDefinitionsAreNotAllowedInSdl()
    {
        Assert.Contains("A schema document cannot contain operations.", BuildErrors("type Query { a: Int } { a }"));
    }

    [Fact]
    public void BindingToAnUnknownFieldIsAnError()
    {
        var error = Assert.Throws<SchemaValidationException>(() =>
            SchemaBuilder.FromSdl("type Query { a: Int }").Bind("Query", "b", _ => 1).Build());
        Assert.Contains("Cannot bind a resolver to \"Query.b\": type \"Query\" has no field \"b\".", error.Errors);
    }

    [Fact]
    public async Task SchemasCanBeBuiltInCodeWithoutSdl()
    {
        var account = new ObjectType("Account");
        account.AddField(new FieldDefinition("id", new NonNullType(ScalarType.ID)));
        var query = new ObjectType("Query");
        query.AddField(new FieldDefinition("account", account) { Resolver = _ => new ValueTask<object?>(new Dictionary<string, object?> { ["id"] = 7 }) });
        var schema = Schema.Create(query);

        Assert.Same(account, schema.GetType("Account"));
        var result = await TestHelpers.RunAsync(schema, "{ account { id } }");
        Assert.Equal("""{"data":{"account":{"id":"7"}}}""", result.ToJson());
    }

    [Fact]
    public void TwoDifferentTypesWithOneNameAreRejected()
    {
        var query = new ObjectType("Query");
        query.AddField(new FieldDefinition("a", new ObjectType("T").AddField(new FieldDefinition("x", ScalarType.Int)) as ObjectType ?? throw new InvalidOperationException()));
        query.AddField(new FieldDefinition("b", new ObjectType("T").AddField(new FieldDefinition("y", ScalarType.Int)) as ObjectType ?? throw new InvalidOperationException()));
        var error = Assert.Throws<SchemaValidationException>(() => Schema.Create(query));
        Assert.Contains("Schema must contain uniquely named types but contains multiple types named \"T\".", error.Errors);
    }
}
