using Xunit;
using static Tessera.GraphQL.Tests.Validation.ValidationHarness;

namespace Tessera.GraphQL.Tests.Validation;

/// <summary>Spec 5.4 Arguments: names, uniqueness, required arguments.</summary>
public sealed class ArgumentValidationTests
{
    [Fact]
    public void KnownArgumentsOnFieldsAndDirectivesAreValid()
    {
        AssertValid(
            """
            { dog { ...argOnRequiredArg ...argOnOptional } }

            fragment argOnRequiredArg on Dog {
              doesKnowCommand(dogCommand: SIT)
            }

            fragment argOnOptional on Dog {
              isHouseTrained(atOtherHomes: true) @include(if: true)
            }
            """);
    }

    [Fact]
    public void UnknownFieldArgumentIsReportedWithSuggestionAndTheRequiredOneAsMissing()
    {
        AssertErrors(
            """
            { dog { ...invalidArgName } }

            fragment invalidArgName on Dog {
              doesKnowCommand(command: CLEAN_UP_HOUSE)
            }
            """,
            Error("Unknown argument \"command\" on field \"Dog.doesKnowCommand\". Did you mean \"dogCommand\"?", (4, 19)),
            Error("Field \"doesKnowCommand\" argument \"dogCommand\" of type \"DogCommand!\" is required, but it was not provided.", (4, 3)));
    }

    [Fact]
    public void UnknownDirectiveArgumentIsReportedOnceAndTheRequiredOneAsMissing()
    {
        AssertErrors(
            """
            { dog { ...invalidArgName } }

            fragment invalidArgName on Dog {
              isHouseTrained(atOtherHomes: true) @include(unless: false)
            }
            """,
            Error("Unknown argument \"unless\" on directive \"@include\".", (4, 47)),
            Error("Directive \"@include\" argument \"if\" of type \"Boolean!\" is required, but it was not provided.", (4, 38)));
    }

    [Fact]
    public void MisspelledDirectiveArgumentGetsASuggestion()
    {
        AssertErrors(
            "{ dog @skip(iff: true) { name } }",
            Error("Unknown argument \"iff\" on directive \"@skip\". Did you mean \"if\"?", (1, 13)),
            Error("Directive \"@skip\" argument \"if\" of type \"Boolean!\" is required, but it was not provided.", (1, 7)));
    }

    [Fact]
    public void ArgumentOrderDoesNotMatter()
    {
        AssertValid(
            """
            { arguments { ...multipleArgs ...multipleArgsReverseOrder } }

            fragment multipleArgs on Arguments {
              multipleRequirements(x: 1, y: 2)
            }

            fragment multipleArgsReverseOrder on Arguments {
              multipleRequirements(y: 2, x: 1)
            }
            """);
    }

    [Fact]
    public void DuplicateArgumentsAreReportedOnceWithEveryOccurrence()
    {
        AssertErrors(
            "{ arguments { multipleRequirements(x: 1, x: 2, y: 3, x: 4) } }",
            Error("There can be only one argument named \"x\".", (1, 36), (1, 42), (1, 54)));
    }

    [Fact]
    public void DuplicateDirectiveArgumentsAreInvalid()
    {
        AssertErrors(
            "{ dog @include(if: true, if: false) { name } }",
            Error("There can be only one argument named \"if\".", (1, 16), (1, 26)));
    }

    [Fact]
    public void OptionalArgumentsMayBeOmitted()
    {
        AssertValid(
            """
            { arguments { ...goodBooleanArg ...goodNonNullArg } defaults: arguments { ...goodBooleanArgDefault } }

            fragment goodBooleanArg on Arguments {
              booleanArgField(booleanArg: true)
            }

            fragment goodNonNullArg on Arguments {
              nonNullBooleanArgField(nonNullBooleanArg: true)
            }

            fragment goodBooleanArgDefault on Arguments {
              booleanArgField
              optionalNonNullBooleanArgField
            }
            """);
    }

    [Fact]
    public void MissingRequiredArgumentIsInvalid()
    {
        AssertErrors(
            """
            { arguments { ...missingRequiredArg } }

            fragment missingRequiredArg on Arguments {
              nonNullBooleanArgField
            }
            """,
            Error("Field \"nonNullBooleanArgField\" argument \"nonNullBooleanArg\" of type \"Boolean!\" is required, but it was not provided.", (4, 3)));
    }

    [Fact]
    public void NullForARequiredArgumentIsInvalid()
    {
        AssertErrors(
            """
            { arguments { ...missingRequiredArg } }

            fragment missingRequiredArg on Arguments {
              nonNullBooleanArgField(nonNullBooleanArg: null)
            }
            """,
            Error("Expected value of type \"Boolean!\", found null.", (4, 45)));
    }

    [Fact]
    public void EveryMissingRequiredArgumentIsReported()
    {
        AssertErrors(
            "{ arguments { multipleRequirements } }",
            Error("Field \"multipleRequirements\" argument \"x\" of type \"Int!\" is required, but it was not provided.", (1, 15)),
            Error("Field \"multipleRequirements\" argument \"y\" of type \"Int!\" is required, but it was not provided.", (1, 15)));
    }

    [Fact]
    public void MissingRequiredDirectiveArgumentOfACustomDirectiveIsInvalid()
    {
        AssertErrors(
            "{ dog @withRequiredArg { name } }",
            Error("Directive \"@withRequiredArg\" argument \"arg\" of type \"Int!\" is required, but it was not provided.", (1, 7)));
    }

    [Fact]
    public void DeeperErrorsComeBeforeTheMissingArgumentOfTheEnclosingField()
    {
        AssertErrors(
            "{ dog { doesKnowCommand { x } } }",
            Error("Field \"doesKnowCommand\" must not have a selection since type \"Boolean!\" has no subfields.", (1, 25)),
            Error("Field \"doesKnowCommand\" argument \"dogCommand\" of type \"DogCommand!\" is required, but it was not provided.", (1, 9)));
    }
}
