using Xunit;
using static Tessera.GraphQL.Tests.Validation.ValidationHarness;

namespace Tessera.GraphQL.Tests.Validation;

/// <summary>Spec 5.1 Documents and 5.2 Operations, with the spec's examples and counter-examples.</summary>
public sealed class OperationValidationTests
{
    [Fact]
    public void TypeExtensionInAnExecutableDocumentIsNotExecutable()
    {
        AssertErrors(
            """
            query getDogName {
              dog {
                name
                color
              }
            }

            extend type Dog {
              color: String
            }
            """,
            Error("The \"Dog\" definition is not executable.", (8, 1)),
            Error("Cannot query field \"color\" on type \"Dog\".", (4, 5)));
    }

    [Fact]
    public void SchemaDefinitionInAnExecutableDocumentIsNotExecutable()
    {
        AssertErrors(
            """
            { dog { name } }
            schema { query: Query }
            type Cow { name: String }
            """,
            Error("The schema definition is not executable.", (2, 1)),
            Error("The \"Cow\" definition is not executable.", (3, 1)));
    }

    [Fact]
    public void TypeDefinitionInAnExecutableDocumentStillHasItsNamesDirectivesAndValuesChecked()
    {
        AssertErrors(
            """
            { dog { name } }
            type Cow @unknownDir { name: Strin @deprecated(reason: 1) }
            """,
            Error("The \"Cow\" definition is not executable.", (2, 1)),
            Error("Unknown directive \"@unknownDir\".", (2, 10)),
            Error("Unknown type \"Strin\". Did you mean \"String\"?", (2, 30)),
            Error("String cannot represent a non string value: 1", (2, 56)));
    }

    [Fact]
    public void TypeExtensionsShareOneDirectiveLocationWithTheirType()
    {
        AssertErrors(
            """
            extend type Dog @onField { a: Int }
            extend type Dog @onField { b: Int }
            directive @onField on OBJECT
            """,
            Error("The \"Dog\" definition is not executable.", (1, 1)),
            Error("The \"Dog\" definition is not executable.", (2, 1)),
            Error("The \"onField\" definition is not executable.", (3, 1)),
            Error("The directive \"@onField\" can only be used once at this location.", (1, 17), (2, 17)));
    }

    [Fact]
    public void DistinctlyNamedOperationsAreValid()
    {
        AssertValid(
            """
            query getDogName {
              dog {
                name
              }
            }

            query getOwnerName {
              dog {
                owner {
                  name
                }
              }
            }
            """);
    }

    [Fact]
    public void TwoOperationsWithTheSameNameAreInvalid()
    {
        AssertErrors(
            """
            query getName {
              dog {
                name
              }
            }

            query getName {
              dog {
                owner {
                  name
                }
              }
            }
            """,
            Error("There can be only one operation named \"getName\".", (1, 7), (7, 7)));
    }

    [Fact]
    public void OperationsOfDifferentTypesStillNeedDistinctNames()
    {
        AssertErrors(
            """
            query dogOperation {
              dog {
                name
              }
            }

            mutation dogOperation {
              mutateDog {
                id
              }
            }
            """,
            Error("There can be only one operation named \"dogOperation\".", (1, 7), (7, 10)));
    }

    [Fact]
    public void LoneAnonymousOperationIsValid()
    {
        AssertValid(
            """
            {
              dog {
                name
              }
            }
            """);
    }

    [Fact]
    public void AnonymousOperationNextToANamedOneIsInvalid()
    {
        AssertErrors(
            """
            {
              dog {
                name
              }
            }

            query getName {
              dog {
                owner {
                  name
                }
              }
            }
            """,
            Error("This anonymous operation must be the only defined operation.", (1, 1)));
    }

    [Fact]
    public void TwoAnonymousOperationsAreEachReported()
    {
        AssertErrors(
            """
            { dog { name } }
            { dog { nickname } }
            """,
            Error("This anonymous operation must be the only defined operation.", (1, 1)),
            Error("This anonymous operation must be the only defined operation.", (2, 1)));
    }

    [Fact]
    public void SubscriptionWithOneRootFieldIsValid()
    {
        AssertValid(
            """
            subscription sub {
              newMessage {
                body
                sender
              }
            }
            """);
    }

    [Fact]
    public void SubscriptionWithOneRootFieldThroughAFragmentIsValid()
    {
        AssertValid(
            """
            subscription sub {
              ...newMessageFields
            }

            fragment newMessageFields on Subscription {
              newMessage {
                body
                sender
              }
            }
            """);
    }

    [Fact]
    public void SubscriptionWithTwoRootFieldsIsInvalid()
    {
        AssertErrors(
            """
            subscription sub {
              newMessage {
                body
                sender
              }
              disallowedSecondRootField
            }
            """,
            Error("Subscription \"sub\" must select only one top level field.", (6, 3)));
    }

    [Fact]
    public void SubscriptionWithTwoRootFieldsThroughAFragmentIsInvalid()
    {
        AssertErrors(
            """
            subscription sub {
              ...multipleSubscriptions
            }

            fragment multipleSubscriptions on Subscription {
              newMessage {
                body
                sender
              }
              disallowedSecondRootField
            }
            """,
            Error("Subscription \"sub\" must select only one top level field.", (10, 3)));
    }

    [Fact]
    public void SubscriptionSelectingAnIntrospectionRootFieldIsInvalid()
    {
        AssertErrors(
            "subscription sub { __typename }",
            Error("Subscription \"sub\" must not select an introspection top level field.", (1, 20)));
    }

    [Fact]
    public void AnonymousSubscriptionWithTwoRootFieldsIsInvalid()
    {
        AssertErrors(
            "subscription { newMessage { body } disallowedSecondRootField }",
            Error("Anonymous Subscription must select only one top level field.", (1, 36)));
    }

    [Fact]
    public void SubscriptionRootFieldsSkippedWithLiteralFalseDoNotCount()
    {
        AssertValid("subscription { newMessage { body } disallowedSecondRootField @include(if: false) }");
    }
}
