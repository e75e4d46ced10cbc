using Xunit;
using static Tessera.GraphQL.Tests.Validation.ValidationHarness;

namespace Tessera.GraphQL.Tests.Validation;

/// <summary>Spec 5.5 Fragments: declarations and spreads.</summary>
public sealed class FragmentValidationTests
{
    [Fact]
    public void DistinctlyNamedFragmentsAreValid()
    {
        AssertValid(
            """
            {
              dog {
                ...fragmentOne
                ...fragmentTwo
              }
            }

            fragment fragmentOne on Dog {
              name
            }

            fragment fragmentTwo on Dog {
              owner {
                name
              }
            }
            """);
    }

    [Fact]
    public void TwoFragmentsWithTheSameNameAreInvalid()
    {
        AssertErrors(
            """
            {
              dog {
                ...fragmentOne
              }
            }

            fragment fragmentOne on Dog {
              name
            }

            fragment fragmentOne on Dog {
              owner {
                name
              }
            }
            """,
            Error("There can be only one fragment named \"fragmentOne\".", (7, 10), (11, 10)));
    }

    [Fact]
    public void FragmentsOnExistingTypesAndUntypedInlineFragmentsAreValid()
    {
        AssertValid(
            """
            { dog { ...correctType ...inlineFragment ...inlineFragment2 } }

            fragment correctType on Dog {
              name
            }

            fragment inlineFragment on Dog {
              ... on Dog {
                name
              }
            }

            fragment inlineFragment2 on Dog {
              ... @include(if: true) {
                name
              }
            }
            """);
    }

    [Fact]
    public void FragmentsOnTypesMissingFromTheSchemaAreInvalid()
    {
        AssertErrors(
            """
            { dog { ...inlineNotExistingType } ...notOnExistingType }

            fragment notOnExistingType on NotInSchema {
              name
            }

            fragment inlineNotExistingType on Dog {
              ... on NotInSchema {
                name
              }
            }
            """,
            Error("Unknown type \"NotInSchema\". Did you mean \"__Schema\"?", (3, 31)),
            Error("Unknown type \"NotInSchema\". Did you mean \"__Schema\"?", (8, 10)));
    }

    [Fact]
    public void UnknownTypeNameGetsASuggestion()
    {
        AssertErrors(
            "{ dog { ... on Dgo { name } } }",
            Error("Unknown type \"Dgo\". Did you mean \"Dog\"?", (1, 16)));
    }

    [Fact]
    public void FragmentsOnObjectsInterfacesAndUnionsAreValid()
    {
        AssertValid(
            """
            { dog { ...fragOnObject ...fragOnInterface ...fragOnUnion } }

            fragment fragOnObject on Dog {
              name
            }

            fragment fragOnInterface on Pet {
              name
            }

            fragment fragOnUnion on CatOrDog {
              ... on Dog {
                name
              }
            }
            """);
    }

    [Fact]
    public void FragmentsOnScalarsAreInvalid()
    {
        AssertErrors(
            """
            { dog { ...inlineFragOnScalar } }

            fragment fragOnScalar on Int {
              something
            }

            fragment inlineFragOnScalar on Dog {
              ... on Boolean {
                somethingElse
              }
            }
            """,
            Error("Fragment \"fragOnScalar\" cannot condition on non composite type \"Int\".", (3, 26)),
            Error("Fragment cannot condition on non composite type \"Boolean\".", (8, 10)),
            Error("Fragment \"fragOnScalar\" is never used.", (3, 1)));
    }

    [Fact]
    public void UnusedFragmentIsInvalid()
    {
        AssertErrors(
            """
            fragment nameFragment on Dog { # unused
              name
            }

            {
              dog {
                name
              }
            }
            """,
            Error("Fragment \"nameFragment\" is never used.", (1, 1)));
    }

    [Fact]
    public void FragmentUsedOnlyByAnotherUnusedFragmentIsUnused()
    {
        AssertErrors(
            """
            { dog { name } }
            fragment A on Dog { ...B }
            fragment B on Dog { name }
            """,
            Error("Fragment \"A\" is never used.", (2, 1)),
            Error("Fragment \"B\" is never used.", (3, 1)));
    }

    [Fact]
    public void SpreadOfAnUndefinedFragmentIsInvalid()
    {
        AssertErrors(
            """
            {
              dog {
                ...undefinedFragment
              }
            }
            """,
            Error("Unknown fragment \"undefinedFragment\".", (3, 8)));
    }

    [Fact]
    public void FragmentsSpreadingEachOtherFormACycle()
    {
        AssertErrors(
            """
            {
              dog {
                ...nameFragment
              }
            }

            fragment nameFragment on Dog {
              name
              ...barkVolumeFragment
            }

            fragment barkVolumeFragment on Dog {
              barkVolume
              ...nameFragment
            }
            """,
            Error("Cannot spread fragment \"nameFragment\" within itself via \"barkVolumeFragment\".", (9, 3), (14, 3)));
    }

    [Fact]
    public void FragmentsCyclingThroughNestedFieldsFormACycle()
    {
        AssertErrors(
            """
            {
              dog {
                ...dogFragment
              }
            }

            fragment dogFragment on Dog {
              name
              owner {
                ...ownerFragment
              }
            }

            fragment ownerFragment on Human {
              name
              pets {
                ...dogFragment
              }
            }
            """,
            Error("Cannot spread fragment \"dogFragment\" within itself via \"ownerFragment\".", (10, 5), (17, 5)));
    }

    [Fact]
    public void FragmentSpreadingItselfIsACycle()
    {
        AssertErrors(
            """
            { dog { ...nameFragment } }
            fragment nameFragment on Dog { name ...nameFragment }
            """,
            Error("Cannot spread fragment \"nameFragment\" within itself.", (2, 37)));
    }

    [Fact]
    public void ObjectSpreadInTheSameObjectScopeIsValid()
    {
        AssertValid(
            """
            { dog { ...dogFragment } }

            fragment dogFragment on Dog {
              ... on Dog {
                barkVolume
              }
            }
            """);
    }

    [Fact]
    public void ObjectSpreadInADifferentObjectScopeIsInvalid()
    {
        AssertErrors(
            """
            { dog { ...catInDogFragmentInvalid } }

            fragment catInDogFragmentInvalid on Dog {
              ... on Cat {
                meowVolume
              }
            }
            """,
            Error("Fragment cannot be spread here as objects of type \"Dog\" can never be of type \"Cat\".", (4, 3)));
    }

    [Fact]
    public void AbstractSpreadsInObjectScopeAreValid()
    {
        AssertValid(
            """
            { dog { ...interfaceWithinObjectFragment ...unionWithObjectFragment } }

            fragment petNameFragment on Pet {
              name
            }

            fragment interfaceWithinObjectFragment on Dog {
              ...petNameFragment
            }

            fragment catOrDogNameFragment on CatOrDog {
              ... on Cat {
                meowVolume
              }
            }

            fragment unionWithObjectFragment on Dog {
              ...catOrDogNameFragment
            }
            """);
    }

    [Fact]
    public void ObjectSpreadsInAbstractScopeAreValidForPossibleTypes()
    {
        AssertValid(
            """
            { pet { ...petFragment } catOrDog { ...catOrDogFragment } }

            fragment petFragment on Pet {
              name
              ... on Dog {
                barkVolume
              }
            }

            fragment catOrDogFragment on CatOrDog {
              ... on Cat {
                meowVolume
              }
            }
            """);
    }

    [Fact]
    public void ObjectSpreadsInAbstractScopeAreInvalidForImpossibleTypes()
    {
        AssertErrors(
            """
            { human { ...sentientFragment } humanOrAlien { ...humanOrAlienFragment } }

            fragment sentientFragment on Sentient {
              ... on Dog {
                barkVolume
              }
            }

            fragment humanOrAlienFragment on HumanOrAlien {
              ... on Cat {
                meowVolume
              }
            }
            """,
            Error("Fragment cannot be spread here as objects of type \"Sentient\" can never be of type \"Dog\".", (4, 3)),
            Error("Fragment cannot be spread here as objects of type \"HumanOrAlien\" can never be of type \"Cat\".", (10, 3)));
    }

    [Fact]
    public void AbstractSpreadsInAbstractScopeAreValidWhenTheyIntersect()
    {
        AssertValid(
            """
            { pet { ...unionWithInterface } }

            fragment unionWithInterface on Pet {
              ...dogOrHumanFragment
            }

            fragment dogOrHumanFragment on DogOrHuman {
              ... on Dog {
                barkVolume
              }
            }
            """);
    }

    [Fact]
    public void AbstractSpreadsInAbstractScopeAreInvalidWithoutIntersection()
    {
        AssertErrors(
            """
            { pet { ...nonIntersectingInterfaces } }

            fragment nonIntersectingInterfaces on Pet {
              ...sentientFragment
            }

            fragment sentientFragment on Sentient {
              name
            }
            """,
            Error("Fragment \"sentientFragment\" cannot be spread here as objects of type \"Pet\" can never be of type \"Sentient\".", (4, 3)));
    }

    [Fact]
    public void InterfaceSpreadInAnImplementedInterfaceScopeIsValid()
    {
        AssertValid(
            """
            { node { ...interfaceWithInterface } }

            fragment interfaceWithInterface on Node {
              ...resourceFragment
            }

            fragment resourceFragment on Resource {
              url
            }
            """);
    }
}
