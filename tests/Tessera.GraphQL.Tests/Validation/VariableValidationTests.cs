using Xunit;
using static Tessera.GraphQL.Tests.Validation.ValidationHarness;

namespace Tessera.GraphQL.Tests.Validation;

/// <summary>Spec 5.8 Variables: uniqueness, input types, uses defined, all used, usages allowed.</summary>
public sealed class VariableValidationTests
{
    [Fact]
    public void DuplicateVariableNamesAreInvalid()
    {
        AssertErrors(
            """
            query houseTrainedQuery($atOtherHomes: Boolean, $atOtherHomes: Boolean) {
              dog {
                isHouseTrained(atOtherHomes: $atOtherHomes)
              }
            }
            """,
            Error("There can be only one variable named \"$atOtherHomes\".", (1, 26), (1, 50)));
    }

    [Fact]
    public void SameVariableNameInTwoOperationsIsValid()
    {
        AssertValid(
            """
            query A($atOtherHomes: Boolean) {
              ...HouseTrainedFragment
            }

            query B($atOtherHomes: Boolean) {
              ...HouseTrainedFragment
            }

            fragment HouseTrainedFragment on Query {
              dog {
                isHouseTrained(atOtherHomes: $atOtherHomes)
              }
            }
            """);
    }

    [Fact]
    public void InputTypedVariablesAreValid()
    {
        AssertValid(
            """
            query takesBoolean($atOtherHomes: Boolean) {
              dog {
                isHouseTrained(atOtherHomes: $atOtherHomes)
              }
            }

            query takesFindDogInput($findDogInput: FindDogInput) {
              findDog(searchBy: $findDogInput) {
                name
              }
            }

            query TakesListOfBooleanBang($booleans: [Boolean!]) {
              booleanList(booleanListArg: $booleans)
            }
            """);
    }

    [Fact]
    public void OutputTypedVariablesAreInvalid()
    {
        AssertErrors(
            """
            query takesCat($cat: Cat) { dog { name } }
            query takesDogBang($dog: Dog!) { dog { name } }
            query takesListOfPet($pets: [Pet]) { dog { name } }
            query takesCatOrDog($catOrDog: CatOrDog) { dog { name } }
            """,
            Error("Variable \"$cat\" cannot be non-input type \"Cat\".", (1, 22)),
            Error("Variable \"$cat\" is never used in operation \"takesCat\".", (1, 16)),
            Error("Variable \"$dog\" cannot be non-input type \"Dog!\".", (2, 26)),
            Error("Variable \"$dog\" is never used in operation \"takesDogBang\".", (2, 20)),
            Error("Variable \"$pets\" cannot be non-input type \"[Pet]\".", (3, 29)),
            Error("Variable \"$pets\" is never used in operation \"takesListOfPet\".", (3, 22)),
            Error("Variable \"$catOrDog\" cannot be non-input type \"CatOrDog\".", (4, 32)),
            Error("Variable \"$catOrDog\" is never used in operation \"takesCatOrDog\".", (4, 21)));
    }

    [Fact]
    public void VariableOfAnUnknownTypeIsReportedAsUnknownType()
    {
        AssertErrors(
            "query ($x: Unknown) { arguments { intArgField(intArg: $x) } }",
            Error("Unknown type \"Unknown\".", (1, 12)));
    }

    [Fact]
    public void DefinedVariableIsValid()
    {
        AssertValid(
            """
            query variableIsDefined($atOtherHomes: Boolean) {
              dog {
                isHouseTrained(atOtherHomes: $atOtherHomes)
              }
            }
            """);
    }

    [Fact]
    public void UndefinedVariableIsInvalid()
    {
        AssertErrors(
            """
            query variableIsNotDefined {
              dog {
                isHouseTrained(atOtherHomes: $atOtherHomes)
              }
            }
            """,
            Error("Variable \"$atOtherHomes\" is not defined by operation \"variableIsNotDefined\".", (3, 34), (1, 1)));
    }

    [Fact]
    public void UndefinedVariableInAnAnonymousOperationIsInvalid()
    {
        AssertErrors(
            "{ dog { isHouseTrained(atOtherHomes: $atOtherHomes) } }",
            Error("Variable \"$atOtherHomes\" is not defined.", (1, 38), (1, 1)));
    }

    [Fact]
    public void VariableUsedInAFragmentIsDefinedByTheOperation()
    {
        AssertValid(
            """
            query variableIsDefinedUsedInSingleFragment($atOtherHomes: Boolean) {
              dog {
                ...isHouseTrainedFragment
              }
            }

            fragment isHouseTrainedFragment on Dog {
              isHouseTrained(atOtherHomes: $atOtherHomes)
            }
            """);
    }

    [Fact]
    public void VariableUsedInAFragmentButNotDefinedIsInvalid()
    {
        AssertErrors(
            """
            query variableIsNotDefinedUsedInSingleFragment {
              dog {
                ...isHouseTrainedFragment
              }
            }

            fragment isHouseTrainedFragment on Dog {
              isHouseTrained(atOtherHomes: $atOtherHomes)
            }
            """,
            Error("Variable \"$atOtherHomes\" is not defined by operation \"variableIsNotDefinedUsedInSingleFragment\".", (8, 32), (1, 1)));
    }

    [Fact]
    public void VariableUsedInANestedFragmentButNotDefinedIsInvalid()
    {
        AssertErrors(
            """
            query variableIsNotDefinedUsedInNestedFragment {
              dog {
                ...outerHouseTrainedFragment
              }
            }

            fragment outerHouseTrainedFragment on Dog {
              ...isHouseTrainedFragment
            }

            fragment isHouseTrainedFragment on Dog {
              isHouseTrained(atOtherHomes: $atOtherHomes)
            }
            """,
            Error("Variable \"$atOtherHomes\" is not defined by operation \"variableIsNotDefinedUsedInNestedFragment\".", (12, 32), (1, 1)));
    }

    [Fact]
    public void FragmentVariablesMustBeDefinedByEveryOperationUsingIt()
    {
        AssertValid(
            """
            query houseTrainedQueryOne($atOtherHomes: Boolean) {
              dog {
                ...isHouseTrainedFragment
              }
            }

            query houseTrainedQueryTwo($atOtherHomes: Boolean) {
              dog {
                ...isHouseTrainedFragment
              }
            }

            fragment isHouseTrainedFragment on Dog {
              isHouseTrained(atOtherHomes: $atOtherHomes)
            }
            """);
        AssertErrors(
            """
            query houseTrainedQueryOne($atOtherHomes: Boolean) {
              dog {
                ...isHouseTrainedFragment
              }
            }

            query houseTrainedQueryTwoNotDefined {
              dog {
                ...isHouseTrainedFragment
              }
            }

            fragment isHouseTrainedFragment on Dog {
              isHouseTrained(atOtherHomes: $atOtherHomes)
            }
            """,
            Error("Variable \"$atOtherHomes\" is not defined by operation \"houseTrainedQueryTwoNotDefined\".", (14, 32), (7, 1)));
    }

    [Fact]
    public void UnusedVariableIsInvalid()
    {
        AssertErrors(
            """
            query variableUnused($atOtherHomes: Boolean) {
              dog {
                isHouseTrained
              }
            }
            """,
            Error("Variable \"$atOtherHomes\" is never used in operation \"variableUnused\".", (1, 22)));
    }

    [Fact]
    public void VariableUsedOnlyThroughAFragmentIsUsed()
    {
        AssertValid(
            """
            query variableUsedInFragment($atOtherHomes: Boolean) {
              dog {
                ...isHouseTrainedFragment
              }
            }

            fragment isHouseTrainedFragment on Dog {
              isHouseTrained(atOtherHomes: $atOtherHomes)
            }
            """);
    }

    [Fact]
    public void VariableNotUsedWithinTheSpreadFragmentIsUnused()
    {
        AssertErrors(
            """
            query variableNotUsedWithinFragment($atOtherHomes: Boolean) {
              dog {
                ...isHouseTrainedWithoutVariableFragment
              }
            }

            fragment isHouseTrainedWithoutVariableFragment on Dog {
              isHouseTrained
            }
            """,
            Error("Variable \"$atOtherHomes\" is never used in operation \"variableNotUsedWithinFragment\".", (1, 37)));
    }

    [Fact]
    public void ExtraVariableInOneOfTwoOperationsIsUnused()
    {
        AssertErrors(
            """
            query queryWithUsedVar($atOtherHomes: Boolean) {
              dog {
                ...isHouseTrainedFragment
              }
            }

            query queryWithExtraVar($atOtherHomes: Boolean, $extra: Int) {
              dog {
                ...isHouseTrainedFragment
              }
            }

            fragment isHouseTrainedFragment on Dog {
              isHouseTrained(atOtherHomes: $atOtherHomes)
            }
            """,
            Error("Variable \"$extra\" is never used in operation \"queryWithExtraVar\".", (7, 49)));
    }

    [Fact]
    public void IntVariableCannotGoIntoABooleanArgument()
    {
        AssertErrors(
            """
            query intCannotGoIntoBoolean($intArg: Int) {
              arguments {
                booleanArgField(booleanArg: $intArg)
              }
            }
            """,
            Error("Variable \"$intArg\" of type \"Int\" used in position expecting type \"Boolean\".", (1, 30), (3, 33)));
    }

    [Fact]
    public void ListVariableCannotGoIntoASingleValue()
    {
        AssertErrors(
            """
            query booleanListCannotGoIntoBoolean($booleanListArg: [Boolean]) {
              arguments {
                booleanArgField(booleanArg: $booleanListArg)
              }
            }
            """,
            Error("Variable \"$booleanListArg\" of type \"[Boolean]\" used in position expecting type \"Boolean\".", (1, 38), (3, 33)));
    }

    [Fact]
    public void NullableVariableCannotGoIntoANonNullArgument()
    {
        AssertErrors(
            """
            query booleanArgQuery($booleanArg: Boolean) {
              arguments {
                nonNullBooleanArgField(nonNullBooleanArg: $booleanArg)
              }
            }
            """,
            Error("Variable \"$booleanArg\" of type \"Boolean\" used in position expecting type \"Boolean!\".", (1, 23), (3, 47)));
    }

    [Fact]
    public void NonNullListVariableCanGoIntoANonNullListArgument()
    {
        AssertValid(
            """
            query nonNullListToList($nonNullBooleanList: [Boolean]!) {
              arguments {
                booleanListArgField(booleanListArg: $nonNullBooleanList)
              }
            }
            """);
    }

    [Fact]
    public void NullableListVariableCannotGoIntoANonNullListArgument()
    {
        AssertErrors(
            """
            query listToNonNullList($booleanList: [Boolean]) {
              arguments {
                nonNullBooleanListField(nonNullBooleanListArg: $booleanList)
              }
            }
            """,
            Error("Variable \"$booleanList\" of type \"[Boolean]\" used in position expecting type \"[Boolean]!\".", (1, 25), (3, 52)));
    }

    [Fact]
    public void ListOfNullableItemsCannotGoIntoAListOfNonNullItems()
    {
        AssertErrors(
            "query ($b: [Boolean]) { booleanList(booleanListArg: $b) }",
            Error("Variable \"$b\" of type \"[Boolean]\" used in position expecting type \"[Boolean!]\".", (1, 8), (1, 53)));
    }

    [Fact]
    public void NullableVariableIsAllowedWhereTheArgumentHasADefault()
    {
        AssertValid(
            """
            query booleanArgQueryWithDefault($booleanArg: Boolean) {
              arguments {
                optionalNonNullBooleanArgField(optionalBooleanArg: $booleanArg)
              }
            }
            """);
    }

    [Fact]
    public void NullableVariableWithANonNullDefaultIsAllowedInANonNullPosition()
    {
        AssertValid(
            """
            query booleanArgQueryWithDefault($booleanArg: Boolean = true) {
              arguments {
                nonNullBooleanArgField(nonNullBooleanArg: $booleanArg)
              }
            }
            """);
    }

    [Fact]
    public void NullDefaultDoesNotMakeANullableVariableNonNull()
    {
        AssertErrors(
            "query ($b: Boolean = null) { arguments { nonNullBooleanArgField(nonNullBooleanArg: $b) } }",
            Error("Variable \"$b\" of type \"Boolean\" used in position expecting type \"Boolean!\".", (1, 8), (1, 84)));
    }

    [Fact]
    public void VariableInAListItemIsCheckedAgainstTheItemType()
    {
        AssertValid("query ($b: Boolean) { arguments { booleanListArgField(booleanListArg: [$b]) } }");
        AssertErrors(
            "query ($b: Boolean) { booleanList(booleanListArg: [$b]) }",
            Error("Variable \"$b\" of type \"Boolean\" used in position expecting type \"Boolean!\".", (1, 8), (1, 52)));
    }

    [Fact]
    public void VariableInADirectiveArgumentIsChecked()
    {
        AssertErrors(
            "query ($b: Boolean) { dog @include(if: $b) { name } }",
            Error("Variable \"$b\" of type \"Boolean\" used in position expecting type \"Boolean!\".", (1, 8), (1, 40)));
    }

    [Fact]
    public void VariableUsedInAFragmentIsCheckedAgainstTheOperationDefinition()
    {
        AssertErrors(
            """
            query Q($x: Int) { dog { ...F } }
            fragment F on Dog { isHouseTrained(atOtherHomes: $x) }
            """,
            Error("Variable \"$x\" of type \"Int\" used in position expecting type \"Boolean\".", (1, 9), (2, 50)));
    }
}
