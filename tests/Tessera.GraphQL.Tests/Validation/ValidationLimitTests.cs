using Xunit;
using Tessera.GraphQL.Language;
using Tessera.GraphQL.Validation;
using static Tessera.GraphQL.Tests.Validation.ValidationHarness;

namespace Tessera.GraphQL.Tests.Validation;

/// <summary>The error limit and graphql-js's recommended introspection depth rule.</summary>
public sealed class ValidationLimitTests
{
    private static string UnknownFields(int count)
    {
        var sb = new System.Text.StringBuilder("{ dog {");
        for (var i = 0; i < count; i++)
        {
            sb.Append(" unknown").Append(i);
        }

        return sb.Append(" } }").ToString();
    }

    [Fact]
    public void ValidationStopsAfterOneHundredErrorsByDefault()
    {
        var errors = Validate(UnknownFields(150));

        Assert.Equal(101, errors.Count);
        Assert.Equal("Cannot query field \"unknown99\" on type \"Dog\".", errors[99].Message);
        Assert.Equal("Too many validation errors, error limit reached. Validation aborted.", errors[100].Message);
        Assert.Null(errors[100].Locations);
    }

    [Fact]
    public void ExactlyMaxErrorsErrorsAreReportedWithoutTheLimitError()
    {
        var errors = Validate(UnknownFields(100));

        Assert.Equal(100, errors.Count);
        Assert.Equal("Cannot query field \"unknown99\" on type \"Dog\".", errors[99].Message);
    }

    [Fact]
    public void MaxErrorsOptionLowersTheLimit()
    {
        var errors = Validate(UnknownFields(10), new ValidationOptions { MaxErrors = 3 });

        Assert.Equal(4, errors.Count);
        Assert.Equal(new SourceLocation(1, 9), Assert.Single(errors[0].Locations!));
        Assert.Equal(DocumentValidator.TooManyErrorsMessage, errors[3].Message);
    }

    [Fact]
    public void ShallowIntrospectionQueryIsValid()
    {
        AssertValid("{ __schema { types { name fields { name type { name fields { name } } } } } }");
    }

    [Fact]
    public void IntrospectionNestingFieldsThreeDeepIsRejected()
    {
        AssertErrors(
            "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }",
            Error("Maximum introspection depth exceeded", (1, 3)));
    }

    [Fact]
    public void IntrospectionDepthCountsThroughFragments()
    {
        AssertErrors(
            """
            query Deep { __type(name: "Dog") { ...F } }
            fragment F on __Type { fields { type { interfaces { possibleTypes { name } } } } }
            """,
            Error("Maximum introspection depth exceeded", (1, 14)));
    }

    [Fact]
    public void DocumentNestedDeeperThanTheStackIsRefusedWithAnErrorInsteadOfCrashing()
    {
        // Built directly as an AST: deeper than any stack allows, with no parser in the way.
        SelectionSetNode selectionSet = new() { Selections = [new FieldNode { Name = new NameNode("name") }] };
        for (var i = 0; i < 200_000; i++)
        {
            var pets = new FieldNode { Name = new NameNode("pets"), SelectionSet = selectionSet };
            var owner = new FieldNode { Name = new NameNode("owner"), SelectionSet = new SelectionSetNode { Selections = [pets] } };
            selectionSet = new SelectionSetNode
            {
                Selections = [new InlineFragmentNode { TypeCondition = new NamedTypeNode { Name = new NameNode("Dog") }, SelectionSet = new SelectionSetNode { Selections = [owner] } }],
            };
        }

        var document = new DocumentNode
        {
            Definitions = [new OperationDefinitionNode { SelectionSet = new SelectionSetNode { Selections = [new FieldNode { Name = new NameNode("dog"), SelectionSet = selectionSet }] } }],
        };

        IReadOnlyList<GraphQLError>? errors = null;
        var thread = new Thread(() => errors = DocumentValidator.Validate(Schema, document), 256 * 1024);
        thread.Start();
        thread.Join();

        var error = Assert.Single(errors!);
        Assert.Equal(DocumentValidator.TooDeeplyNestedMessage, error.Message);
    }

    [Fact]
    public void ValidDocumentGivesAnEmptyErrorList()
    {
        Assert.Empty(Validate("{ dog { name } }"));
    }
}
