using Xunit;
using static Tessera.GraphQL.Tests.Validation.ValidationHarness;

namespace Tessera.GraphQL.Tests.Validation;

/// <summary>Spec 5.7 Directives: defined, in valid locations, unique per location.</summary>
public sealed class DirectiveValidationTests
{
    [Fact]
    public void UnknownDirectiveIsInvalid()
    {
        AssertErrors(
            "{ dog @unknown { name } }",
            Error("Unknown directive \"@unknown\".", (1, 7)));
    }

    [Fact]
    public void SkipOnAQueryIsInAnInvalidLocation()
    {
        AssertErrors(
            "query Q($foo: Boolean!) @skip(if: $foo) { dog { name } }",
            Error("Directive \"@skip\" may not be used on QUERY.", (1, 25)));
    }

    [Fact]
    public void DirectivesInTheirDeclaredLocationsAreValid()
    {
        AssertValid(
            """
            query Q($v: Int @onVariableDefinition) @onQuery {
              dog @onField {
                ...Frag @onFragmentSpread
                ... on Dog @onInlineFragment { name }
              }
              arguments { intArgField(intArg: $v) }
            }

            fragment Frag on Dog @onFragmentDefinition { name }

            mutation M @onMutation { mutateDog { id } }
            """);
    }

    [Fact]
    public void DirectivesOutsideTheirDeclaredLocationsAreEachReported()
    {
        AssertErrors(
            """
            query Q($v: Int @onField) @onMutation {
              dog @onQuery {
                ...Frag @onInlineFragment
                ... on Dog @onFragmentSpread { name }
              }
              arguments { intArgField(intArg: $v) }
            }

            fragment Frag on Dog @onField { name }
            """,
            Error("Directive \"@onField\" may not be used on VARIABLE_DEFINITION.", (1, 17)),
            Error("Directive \"@onMutation\" may not be used on QUERY.", (1, 27)),
            Error("Directive \"@onQuery\" may not be used on FIELD.", (2, 7)),
            Error("Directive \"@onInlineFragment\" may not be used on FRAGMENT_SPREAD.", (3, 13)),
            Error("Directive \"@onFragmentSpread\" may not be used on INLINE_FRAGMENT.", (4, 16)),
            Error("Directive \"@onField\" may not be used on FRAGMENT_DEFINITION.", (9, 22)));
    }

    [Fact]
    public void SameDirectiveTwiceAtOneLocationIsInvalid()
    {
        AssertErrors(
            """
            query ($foo: Boolean = true, $bar: Boolean = false) {
              dog @skip(if: $foo) @skip(if: $bar) { name }
            }
            """,
            Error("The directive \"@skip\" can only be used once at this location.", (2, 7), (2, 23)));
    }

    [Fact]
    public void SameDirectiveOnceAtEachOfTwoLocationsIsValid()
    {
        AssertValid(
            """
            query ($foo: Boolean = true, $bar: Boolean = false) {
              field @skip(if: $foo) {
                subfieldA
              }
              field @skip(if: $bar) {
                subfieldB
              }
            }
            """);
    }

    [Fact]
    public void RepeatableDirectiveMayRepeatAtOneLocation()
    {
        AssertValid("{ dog @repeatableOnField @repeatableOnField { name } }");
    }

    [Fact]
    public void EveryRepetitionIsReportedAgainstTheFirstOccurrence()
    {
        AssertErrors(
            "{ dog @onField @onField @onField { name } }",
            Error("The directive \"@onField\" can only be used once at this location.", (1, 7), (1, 16)),
            Error("The directive \"@onField\" can only be used once at this location.", (1, 7), (1, 25)));
    }
}
