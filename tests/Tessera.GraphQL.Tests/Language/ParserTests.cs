using Tessera.GraphQL.Language;
using Xunit;

namespace Tessera.GraphQL.Tests.Language;

public class ParserTests
{
    private static GraphQLSyntaxError ParseError(string source, ParserOptions? options = null) =>
        Assert.Throws<GraphQLSyntaxError>(() => Parser.Parse(source, options));

    [Fact]
    public void ParsesAnOperationWithVariablesDirectivesAliasesAndFragments()
    {
        var document = Parser.Parse("""
            query Accounts($first: Int = 10, $ids: [ID!]! @deprecated) @live {
              list: accounts(first: $first, filter: {ids: $ids, open: true, kind: CHECKING, n: null, f: 1.5, s: "x"}) @skip(if: false) {
                id
                ...AccountFields
                ... on Account @include(if: true) { name }
                ... { mask }
              }
            }
            fragment AccountFields on Account { balance { current } }
            """);

        Assert.Equal(2, document.Definitions.Count);
        var operation = Assert.IsType<OperationDefinitionNode>(document.Definitions[0]);
        Assert.Equal((OperationType.Query, "Accounts"), (operation.Operation, operation.Name!.Value));
        Assert.Equal(["first", "ids"], operation.VariableDefinitions.Select(v => v.Variable.Name.Value));
        Assert.Equal("10", Assert.IsType<IntValueNode>(operation.VariableDefinitions[0].DefaultValue).Value);
        var idsType = Assert.IsType<NonNullTypeNode>(operation.VariableDefinitions[1].Type);
        Assert.IsType<ListTypeNode>(idsType.Type);
        Assert.Equal("live", operation.Directives[0].Name.Value);

        var field = Assert.IsType<FieldNode>(operation.SelectionSet.Selections[0]);
        Assert.Equal(("list", "accounts", "list"), (field.Alias!.Value, field.Name.Value, field.ResponseName));
        var filter = Assert.IsType<ObjectValueNode>(field.Arguments[1].Value);
        Assert.Equal([NodeKind.Variable, NodeKind.BooleanValue, NodeKind.EnumValue, NodeKind.NullValue, NodeKind.FloatValue, NodeKind.StringValue],
            filter.Fields.Select(f => f.Value.Kind));
        Assert.Equal([NodeKind.Field, NodeKind.FragmentSpread, NodeKind.InlineFragment, NodeKind.InlineFragment],
            field.SelectionSet!.Selections.Select(s => s.Kind));
        Assert.Null(((InlineFragmentNode)field.SelectionSet.Selections[3]).TypeCondition);

        var fragment = Assert.IsType<FragmentDefinitionNode>(document.Definitions[1]);
        Assert.Equal(("AccountFields", "Account"), (fragment.Name!.Value, fragment.TypeCondition.Name.Value));
    }

    [Fact]
    public void AnonymousShorthandQueryIsAQueryOperation()
    {
        var operation = Assert.IsType<OperationDefinitionNode>(Parser.Parse("{ a }").Definitions[0]);
        Assert.Equal(OperationType.Query, operation.Operation);
        Assert.Null(operation.Name);
    }

    [Fact]
    public void NodesCarryLineAndColumnOfTheirFirstToken()
    {
        var document = Parser.Parse("query {\n  a\n  b: c(x: 1)\n}");
        var operation = (OperationDefinitionNode)document.Definitions[0];
        var b = (FieldNode)operation.SelectionSet.Selections[1];
        Assert.Equal((3, 3), (b.Location.Line, b.Location.Column));
        Assert.Equal((3, 8), (b.Arguments[0].Location.Line, b.Arguments[0].Location.Column));
        Assert.Equal("b: c(x: 1)", "query {\n  a\n  b: c(x: 1)\n}"[b.Location.Start..b.Location.End]);
    }

    [Fact]
    public void ParsesEveryTypeSystemDefinitionAndExtension()
    {
        var document = Parser.Parse(""""
            """The schema"""
            schema @a { query: Q mutation: M subscription: S }
            extend schema @b { subscription: S2 }
            "A scalar" scalar Date @specifiedBy(url: "u")
            extend scalar Date @c
            """
            Object
            """
            type Account implements & Node & Named @key(fields: "id") {
              "field" id: ID!
              transactions("first" first: Int = 10 @deprecated, after: String): [Tx!]! @deprecated(reason: "no")
            }
            extend type Account implements Other { extra: Int }
            interface Node implements Base { id: ID! }
            extend interface Node @d
            union U @u = | A | B
            extend union U = C
            enum E { "a" A @deprecated B }
            extend enum E { C }
            input I @oneOf { a: Int = 1 @deprecated, b: [String!] }
            extend input I { c: Int }
            "dir" directive @key(fields: String!) repeatable on OBJECT | INTERFACE
            directive @d on | FIELD_DEFINITION
            """");

        Assert.Equal(
        [
            NodeKind.SchemaDefinition, NodeKind.SchemaExtension, NodeKind.ScalarTypeDefinition, NodeKind.ScalarTypeExtension,
            NodeKind.ObjectTypeDefinition, NodeKind.ObjectTypeExtension, NodeKind.InterfaceTypeDefinition, NodeKind.InterfaceTypeExtension,
            NodeKind.UnionTypeDefinition, NodeKind.UnionTypeExtension, NodeKind.EnumTypeDefinition, NodeKind.EnumTypeExtension,
            NodeKind.InputObjectTypeDefinition, NodeKind.InputObjectTypeExtension, NodeKind.DirectiveDefinition, NodeKind.DirectiveDefinition,
        ], document.Definitions.Select(d => d.Kind));

        var schema = (SchemaDefinitionNode)document.Definitions[0];
        Assert.Equal("The schema", schema.Description!.Value);
        Assert.Equal([OperationType.Query, OperationType.Mutation, OperationType.Subscription], schema.OperationTypes.Select(o => o.Operation));

        var account = (ObjectTypeDefinitionNode)document.Definitions[4];
        Assert.Equal("Object", account.Description!.Value);
        Assert.True(account.Description.Block);
        Assert.Equal(["Node", "Named"], account.Interfaces.Select(i => i.Name.Value));
        var transactions = account.Fields[1];
        Assert.Equal("first", transactions.Arguments[0].Description!.Value);
        Assert.Equal("10", ((IntValueNode)transactions.Arguments[0].DefaultValue!).Value);
        Assert.Equal("[Tx!]!", Printer.Print(transactions.Type));

        var union = (UnionTypeDefinitionNode)document.Definitions[8];
        Assert.Equal(["A", "B"], union.Types.Select(t => t.Name.Value));
        var enumType = (EnumTypeDefinitionNode)document.Definitions[10];
        Assert.Equal(["A", "B"], enumType.Values.Select(v => v.Name.Value));
        var directive = (DirectiveDefinitionNode)document.Definitions[14];
        Assert.True(directive.Repeatable);
        Assert.Equal(["OBJECT", "INTERFACE"], directive.Locations.Select(l => l.Value));
    }

    [Fact]
    public void OperationsFragmentsAndVariablesMayCarryDescriptions()
    {
        var document = Parser.Parse("\"Gets a\" query Q(\"the id\" $id: ID) { a } \"\"\"Frag\"\"\" fragment F on T { b }");
        var operation = (OperationDefinitionNode)document.Definitions[0];
        Assert.Equal("Gets a", operation.Description!.Value);
        Assert.Equal("the id", operation.VariableDefinitions[0].Description!.Value);
        Assert.Equal("Frag", ((FragmentDefinitionNode)document.Definitions[1]).Description!.Value);
    }

    [Theory]
    [InlineData("{", "Syntax Error: Expected Name, found <EOF>.", 1, 2)]
    [InlineData("", "Syntax Error: Unexpected <EOF>.", 1, 1)]
    [InlineData("{ a(b) }", "Syntax Error: Expected \":\", found \")\".", 1, 6)]
    [InlineData("query { ...on }", "Syntax Error: Expected Name, found \"}\".", 1, 15)]
    [InlineData("fragment on on T { a }", "Syntax Error: Unexpected Name \"on\".", 1, 10)]
    [InlineData("fragment F T { a }", "Syntax Error: Expected \"on\", found Name \"T\".", 1, 12)]
    [InlineData("notAKeyword { a }", "Syntax Error: Unexpected Name \"notAKeyword\".", 1, 1)]
    [InlineData("{ a(x: $v) } query Q($v: Int = $w) { a }", "Syntax Error: Unexpected variable \"$w\" in constant value.", 1, 32)]
    [InlineData("query Q($v: Int = 1 { a }", "Syntax Error: Expected \"$\", found \"{\".", 1, 21)]
    [InlineData("enum E { true }", "Syntax Error: Name \"true\" is reserved and cannot be used for an enum value.", 1, 10)]
    [InlineData("directive @d on NOWHERE", "Syntax Error: Unexpected Name \"NOWHERE\".", 1, 17)]
    [InlineData("extend type T", "Syntax Error: Unexpected <EOF>.", 1, 14)]
    [InlineData("{ a }\n\n  }", "Syntax Error: Unexpected \"}\".", 3, 3)]
    [InlineData("{ a: 1 }", "Syntax Error: Expected Name, found Int \"1\".", 1, 6)]
    public void SyntaxErrorsSayWhatWasExpectedAndWhere(string source, string message, int line, int column)
    {
        var error = ParseError(source);
        Assert.Equal(message, error.Message);
        Assert.Equal([new SourceLocation(line, column)], error.Locations);
    }

    [Fact]
    public void TokenLimitStopsParsingAtTheLimit()
    {
        var ok = Parser.Parse("{ a b c }", new ParserOptions { MaxTokens = 5 });
        Assert.Equal(5, ok.TokenCount);

        var error = ParseError("{ a b c d }", new ParserOptions { MaxTokens = 5 });
        Assert.Equal("Syntax Error: Document contains more than 5 tokens. Parsing aborted.", error.Message);
        Assert.Equal([new SourceLocation(1, 11)], error.Locations);
    }

    [Fact]
    public void TokenLimitIsReachedBeforeLaterInvalidTextIsLexed()
    {
        // The bad character after the limit is never read: the limit error wins.
        var error = ParseError("{ a b c d ? }", new ParserOptions { MaxTokens = 4 });
        Assert.Contains("more than 4 tokens", error.Message);
    }

    [Theory]
    [InlineData("", "{a", "}", "")]
    [InlineData("{ f(x: ", "[", "]", ") }")]
    [InlineData("{ f(x: ", "{a: ", "}", ") }")]
    [InlineData("query($v: ", "[", "]", ") { a }")]
    public void DeeplyNestedInputIsASyntaxErrorNotAStackOverflow(string prefix, string open, string close, string suffix)
    {
        var source = prefix + string.Concat(Enumerable.Repeat(open, 100_000)) + string.Concat(Enumerable.Repeat(close, 100_000)) + suffix;
        Exception? caught = null;
        var thread = new Thread(() =>
        {
            try
            {
                Parser.Parse(source);
            }
            catch (Exception e)
            {
                caught = e;
            }
        }, 256 * 1024);
        thread.Start();
        thread.Join();

        var error = Assert.IsType<GraphQLSyntaxError>(caught);
        Assert.Equal("Syntax Error: Document is nested too deeply.", error.Message);
    }

    [Fact]
    public void ParseValueAndParseTypeReadStandaloneFragments()
    {
        Assert.Equal("{a: [1, 2.5, \"x\", ENUM, null, $v]}", Printer.Print(Parser.ParseValue("{a: [1 2.5 \"x\" ENUM null $v]}")));
        Assert.Equal("[Int!]!", Printer.Print(Parser.ParseType("[ Int ! ] !")));
    }
}
