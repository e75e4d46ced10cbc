using Xunit;
using static Tessera.GraphQL.Tests.Validation.ValidationHarness;

namespace Tessera.GraphQL.Tests.Validation;

/// <summary>Spec 5.3.1 Field Selections and 5.3.3 Leaf Field Selections.</summary>
public sealed class FieldValidationTests
{
    [Fact]
    public void FieldsMissingFromTheScopedTypeAreReportedWithSuggestions()
    {
        AssertErrors(
            """
            { dog { ...fieldNotDefined ...aliasedLyingFieldTargetNotDefined } }

            fragment fieldNotDefined on Dog {
              meowVolume
            }

            fragment aliasedLyingFieldTargetNotDefined on Dog {
              barkVolume: kawVolume
            }
            """,
            Error("Cannot query field \"meowVolume\" on type \"Dog\". Did you mean \"barkVolume\"?", (4, 3)),
            Error("Cannot query field \"kawVolume\" on type \"Dog\". Did you mean \"barkVolume\"?", (8, 3)));
    }

    [Fact]
    public void InterfaceFieldSelectionIsValid()
    {
        AssertValid(
            """
            { pet { ...interfaceFieldSelection } }

            fragment interfaceFieldSelection on Pet {
              name
            }
            """);
    }

    [Fact]
    public void FieldDefinedOnImplementorsButNotOnTheInterfaceIsInvalid()
    {
        AssertErrors(
            """
            { pet { ...definedOnImplementorsButNotInterface } }

            fragment definedOnImplementorsButNotInterface on Pet {
              nickname
            }
            """,
            Error("Cannot query field \"nickname\" on type \"Pet\". Did you mean to use an inline fragment on \"Cat\" or \"Dog\"?", (4, 3)));
    }

    [Fact]
    public void UnionSelectionThroughFragmentsAndTypenameIsValid()
    {
        AssertValid(
            """
            { catOrDog { ...inDirectFieldSelectionOnUnion } }

            fragment inDirectFieldSelectionOnUnion on CatOrDog {
              __typename
              ... on Pet {
                name
              }
              ... on Dog {
                barkVolume
              }
            }
            """);
    }

    [Fact]
    public void DirectFieldSelectionOnAUnionIsInvalid()
    {
        AssertErrors(
            """
            { catOrDog { ...directFieldSelectionOnUnion } }

            fragment directFieldSelectionOnUnion on CatOrDog {
              name
              barkVolume
            }
            """,
            Error("Cannot query field \"name\" on type \"CatOrDog\". Did you mean to use an inline fragment on \"Pet\", \"Cat\", or \"Dog\"?", (4, 3)),
            Error("Cannot query field \"barkVolume\" on type \"CatOrDog\". Did you mean to use an inline fragment on \"Dog\"?", (5, 3)));
    }

    [Fact]
    public void SuggestedFragmentTypesComeInGraphqlJsOrder()
    {
        // graphql-js sorts by usage, then interfaces before their implementations, then by name; the comparison is
        // not a total order, so the result is the one V8's sort gives.
        AssertErrors(
            "{ dogOrHuman { name } }",
            Error("Cannot query field \"name\" on type \"DogOrHuman\". Did you mean to use an inline fragment on \"Sentient\", \"Human\", \"Pet\", or \"Dog\"?", (1, 16)));
    }

    [Fact]
    public void UnknownFieldWithoutCloseNamesHasNoSuggestion()
    {
        AssertErrors(
            "{ dog { unknown_field { deeper_unknown_field } } }",
            Error("Cannot query field \"unknown_field\" on type \"Dog\".", (1, 9)));
    }

    [Fact]
    public void MetaFieldsAreAllowedOnEveryCompositeTypeAndSchemaFieldsOnlyOnQuery()
    {
        AssertValid("{ __typename dog { __typename } catOrDog { __typename } }");
        AssertErrors(
            "{ dog { __schema { queryType { name } } } }",
            Error("Cannot query field \"__schema\" on type \"Dog\".", (1, 9)));
    }

    [Fact]
    public void ScalarFieldWithoutSelectionIsValid()
    {
        AssertValid(
            """
            { dog { ...scalarSelection } }

            fragment scalarSelection on Dog {
              barkVolume
            }
            """);
    }

    [Fact]
    public void SelectionOnAScalarFieldIsInvalid()
    {
        AssertErrors(
            """
            { dog { ...scalarSelectionsNotAllowedOnInt } }

            fragment scalarSelectionsNotAllowedOnInt on Dog {
              barkVolume {
                sinceWhen
              }
            }
            """,
            Error("Field \"barkVolume\" must not have a selection since type \"Int\" has no subfields.", (4, 14)));
    }

    [Fact]
    public void SelectionOnAListOfScalarsIsInvalid()
    {
        AssertErrors(
            "{ arguments { booleanListArgField(booleanListArg: [true]) { x } } }",
            Error("Field \"booleanListArgField\" must not have a selection since type \"[Boolean]\" has no subfields.", (1, 59)));
    }

    [Fact]
    public void CompositeFieldsWithoutSubselectionsAreInvalid()
    {
        AssertErrors(
            """
            query directQueryOnObjectWithoutSubFields {
              human
            }

            query directQueryOnInterfaceWithoutSubFields {
              pet
            }

            query directQueryOnUnionWithoutSubFields {
              catOrDog
            }
            """,
            Error("Field \"human\" of type \"Human\" must have a selection of subfields. Did you mean \"human { ... }\"?", (2, 3)),
            Error("Field \"pet\" of type \"Pet\" must have a selection of subfields. Did you mean \"pet { ... }\"?", (6, 3)),
            Error("Field \"catOrDog\" of type \"CatOrDog\" must have a selection of subfields. Did you mean \"catOrDog { ... }\"?", (10, 3)));
    }

    [Fact]
    public void ListOfCompositeWithoutSubselectionReportsTheFullType()
    {
        AssertErrors(
            "{ human { pets } }",
            Error("Field \"pets\" of type \"[Pet!]\" must have a selection of subfields. Did you mean \"pets { ... }\"?", (1, 11)));
    }
}
