using Xunit;
using static Tessera.GraphQL.Tests.Validation.ValidationHarness;

namespace Tessera.GraphQL.Tests.Validation;

/// <summary>Spec 5.6 Values: correct type (scalars, enums, lists, input objects, @oneOf) and field uniqueness.</summary>
public sealed class ValueValidationTests
{
    [Fact]
    public void LiteralsCoercibleToTheirPositionAreValid()
    {
        AssertValid(
            """
            query goodComplexDefaultValue($search: FindDogInput = { name: "Fido" }) {
              findDog(searchBy: $search) {
                name
              }
              arguments {
                ...goodBooleanArg
                ...coercedIntIntoFloatArg
              }
            }

            fragment goodBooleanArg on Arguments {
              booleanArgField(booleanArg: true)
            }

            fragment coercedIntIntoFloatArg on Arguments {
              # Note: The input coercion rules for Float allow Int literals.
              floatArgField(floatArg: 123)
            }
            """);
    }

    [Fact]
    public void StringIntoIntIsInvalid()
    {
        AssertErrors(
            """
            { arguments { ...stringIntoInt } }

            fragment stringIntoInt on Arguments {
              intArgField(intArg: "123")
            }
            """,
            Error("Int cannot represent non-integer value: \"123\"", (4, 23)));
    }

    [Fact]
    public void WrongScalarInsideAnInputObjectIsInvalid()
    {
        AssertErrors(
            """
            query badComplexValue {
              findDog(searchBy: { name: 123 }) {
                name
              }
            }
            """,
            Error("String cannot represent a non string value: 123", (2, 29)));
    }

    [Fact]
    public void UnknownInputObjectFieldIsInvalid()
    {
        AssertValid("{ findDog(searchBy: { name: \"Fido\" }) { name } }");
        AssertErrors(
            "{ findDog(searchBy: { favoriteCookieFlavor: \"Bacon\" }) { name } }",
            Error("Field \"favoriteCookieFlavor\" is not defined by type \"FindDogInput\".", (1, 23)));
    }

    [Fact]
    public void UnknownInputObjectFieldGetsASuggestion()
    {
        AssertErrors(
            "{ findDog(searchBy: { nam: \"Fido\" }) { name } }",
            Error("Field \"nam\" is not defined by type \"FindDogInput\". Did you mean \"name\"?", (1, 23)));
    }

    [Fact]
    public void DuplicateInputObjectFieldsAreInvalid()
    {
        AssertErrors(
            "{ field(arg: { field: true, field: false }) { subfieldA } }",
            Error("There can be only one input field named \"field\".", (1, 16), (1, 29)));
    }

    [Fact]
    public void MissingRequiredInputObjectFieldIsInvalid()
    {
        AssertErrors(
            "{ arguments { complexArgField(complexArg: { intField: 4 }) } }",
            Error("Field \"ComplexInput.requiredField\" of required type \"Boolean!\" was not provided.", (1, 43)));
    }

    [Fact]
    public void NullForARequiredInputObjectFieldIsInvalid()
    {
        AssertErrors(
            "{ arguments { complexArgField(complexArg: { requiredField: null }) } }",
            Error("Expected value of type \"Boolean!\", found null.", (1, 60)));
    }

    [Fact]
    public void EnumLiteralsMustBeValuesOfTheEnum()
    {
        AssertValid("{ arguments { enumArgField(enumArg: SIT) } }");
        AssertErrors(
            "{ arguments { a: enumArgField(enumArg: \"SIT\") b: enumArgField(enumArg: JUGGLE) c: enumArgField(enumArg: sit) } }",
            Error("Enum \"DogCommand\" cannot represent non-enum value: \"SIT\". Did you mean the enum value \"SIT\"?", (1, 40)),
            Error("Value \"JUGGLE\" does not exist in \"DogCommand\" enum.", (1, 72)),
            Error("Value \"sit\" does not exist in \"DogCommand\" enum. Did you mean the enum value \"SIT\"?", (1, 105)));
    }

    [Fact]
    public void BuiltInScalarsRejectLiteralsOfOtherKinds()
    {
        AssertErrors(
            """
            {
              arguments {
                a: intArgField(intArg: 2147483648)
                b: idArgField(idArg: 1.0)
                c: booleanArgField(booleanArg: 1)
                d: floatArgField(floatArg: "3.3")
                e: stringArgField(stringArg: BAR)
              }
            }
            """,
            Error("Int cannot represent non 32-bit signed integer value: 2147483648", (3, 28)),
            Error("ID cannot represent a non-string and non-integer value: 1.0", (4, 26)),
            Error("Boolean cannot represent a non boolean value: 1", (5, 36)),
            Error("Float cannot represent non numeric value: \"3.3\"", (6, 32)),
            Error("String cannot represent a non string value: BAR", (7, 34)));
    }

    [Fact]
    public void BuiltInScalarsAcceptTheirLiterals()
    {
        AssertValid(
            """
            {
              arguments {
                a: intArgField(intArg: -2147483648)
                b: idArgField(idArg: 1)
                c: idArgField(idArg: "abc")
                d: floatArgField(floatArg: 1.5e3)
                e: stringArgField(stringArg: "\u00e9")
                f: stringArgField(stringArg: null)
              }
            }
            """);
    }

    [Fact]
    public void ListItemsAreCheckedAgainstTheItemType()
    {
        AssertValid("{ arguments { stringListArgField(stringListArg: \"single\") } }");
        AssertErrors(
            "{ arguments { stringListArgField(stringListArg: [\"one\", 2]) } }",
            Error("String cannot represent a non string value: 2", (1, 57)));
    }

    [Fact]
    public void ListLiteralForAScalarIsInvalid()
    {
        AssertErrors(
            "{ arguments { intArgField(intArg: [1, 2]) } }",
            Error("Int cannot represent non-integer value: [1, 2]", (1, 35)));
    }

    [Fact]
    public void ObjectLiteralForAScalarIsInvalid()
    {
        AssertErrors(
            "{ arguments { intArgField(intArg: { a: 1 }) } }",
            Error("Int cannot represent non-integer value: {a: 1}", (1, 35)));
    }

    [Fact]
    public void ScalarLiteralForAnInputObjectIsInvalid()
    {
        AssertErrors(
            "{ findDog(searchBy: \"Fido\") { name } }",
            Error("Expected value of type \"FindDogInput\", found \"Fido\".", (1, 21)));
    }

    [Fact]
    public void CustomScalarsAcceptAnyLiteral()
    {
        AssertValid("{ a: json(value: { a: [1, \"x\", true, null, ENUM] }) b: json(value: 3.5) }");
    }

    [Fact]
    public void InvalidDefaultValueOfAVariableIsReported()
    {
        AssertErrors(
            "query ($a: Int = \"one\", $b: Boolean! = null) { arguments { intArgField(intArg: $a) nonNullBooleanArgField(nonNullBooleanArg: $b) } }",
            Error("Int cannot represent non-integer value: \"one\"", (1, 18)),
            Error("Expected value of type \"Boolean!\", found null.", (1, 40)));
    }

    [Fact]
    public void OneOfInputObjectWithExactlyOneNonNullFieldIsValid()
    {
        AssertValid(
            """
            query ($cat: CatInput!) {
              a: findPet(input: { dog: { name: "Rex" } }) { name }
              b: findPet(input: { cat: $cat }) { name }
            }
            """);
    }

    [Fact]
    public void OneOfInputObjectWithTwoFieldsOrNoneIsInvalid()
    {
        AssertErrors(
            """
            {
              a: findPet(input: { cat: { name: "Kitty" }, dog: { name: "Rex" } }) { name }
              b: findPet(input: {}) { name }
            }
            """,
            Error("OneOf Input Object \"PetInput\" must specify exactly one key.", (2, 21)),
            Error("OneOf Input Object \"PetInput\" must specify exactly one key.", (3, 21)));
    }

    [Fact]
    public void OneOfInputObjectWithANullFieldIsInvalid()
    {
        AssertErrors(
            "{ findPet(input: { cat: null }) { name } }",
            Error("Field \"PetInput.cat\" must be non-null.", (1, 18)));
    }

    [Fact]
    public void OneOfInputObjectFieldFromANullableVariableIsInvalid()
    {
        AssertErrors(
            "query ($cat: CatInput) { findPet(input: { cat: $cat }) { name } }",
            Error("Variable \"cat\" must be non-nullable to be used for OneOf Input Object \"PetInput\".", (1, 41)),
            Error("Variable \"$cat\" is of type \"CatInput\" but must be non-nullable to be used for OneOf Input Object \"PetInput\".", (1, 8), (1, 48)));
    }
}
