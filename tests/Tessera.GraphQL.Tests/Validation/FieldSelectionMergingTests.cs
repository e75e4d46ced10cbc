using Tessera.GraphQL.Language;
using Tessera.GraphQL.Validation;
using Tessera.GraphQL.Validation.Rules;
using Xunit;
using static Tessera.GraphQL.Tests.Validation.ValidationHarness;

namespace Tessera.GraphQL.Tests.Validation;

/// <summary>Spec 5.3.2 Field Selection Merging (graphql-js OverlappingFieldsCanBeMerged).</summary>
public sealed class FieldSelectionMergingTests
{
    private const string Suffix = " Use different aliases on the fields to fetch both if this was intentional.";

    [Fact]
    public void IdenticalFieldsAndIdenticalAliasesMerge()
    {
        AssertValid(
            """
            { dog { ...mergeIdenticalFields ...mergeIdenticalAliasesAndFields } }

            fragment mergeIdenticalFields on Dog {
              name
              name
            }

            fragment mergeIdenticalAliasesAndFields on Dog {
              otherName: name
              otherName: name
            }
            """);
    }

    [Fact]
    public void AliasOverAnotherFieldNameDoesNotMerge()
    {
        AssertErrors(
            """
            { dog { ...conflictingBecauseAlias } }

            fragment conflictingBecauseAlias on Dog {
              name: nickname
              name
            }
            """,
            Error("Fields \"name\" conflict because \"nickname\" and \"name\" are different fields." + Suffix, (4, 3), (5, 3)));
    }

    [Fact]
    public void IdenticalArgumentsAndIdenticalVariablesMerge()
    {
        AssertValid(
            """
            query ($dogCommand: DogCommand!) {
              dog {
                ...mergeIdenticalFieldsWithIdenticalArgs
              }
              other: dog {
                ...mergeIdenticalFieldsWithIdenticalValues
              }
            }

            fragment mergeIdenticalFieldsWithIdenticalArgs on Dog {
              doesKnowCommand(dogCommand: SIT)
              doesKnowCommand(dogCommand: SIT)
            }

            fragment mergeIdenticalFieldsWithIdenticalValues on Dog {
              doesKnowCommand(dogCommand: $dogCommand)
              doesKnowCommand(dogCommand: $dogCommand)
            }
            """);
    }

    [Fact]
    public void FragmentsSpreadTogetherAreComparedFieldByField()
    {
        AssertErrors(
            """
            query ($dogCommand: DogCommand!) {
              dog {
                ...withLiteral
                ...withVariable
              }
            }

            fragment withLiteral on Dog {
              doesKnowCommand(dogCommand: SIT)
              doesKnowCommand(dogCommand: SIT)
            }

            fragment withVariable on Dog {
              doesKnowCommand(dogCommand: $dogCommand)
            }
            """,
            Error("Fields \"doesKnowCommand\" conflict because they have differing arguments." + Suffix, (9, 3), (14, 3)),
            Error("Fields \"doesKnowCommand\" conflict because they have differing arguments." + Suffix, (10, 3), (14, 3)));
    }

    [Fact]
    public void DifferentArgumentValuesDoNotMerge()
    {
        AssertErrors(
            """
            { dog { ...conflictingArgsOnValues } }

            fragment conflictingArgsOnValues on Dog {
              doesKnowCommand(dogCommand: SIT)
              doesKnowCommand(dogCommand: HEEL)
            }
            """,
            Error("Fields \"doesKnowCommand\" conflict because they have differing arguments." + Suffix, (4, 3), (5, 3)));
    }

    [Fact]
    public void ValueAndVariableArgumentsDoNotMerge()
    {
        AssertErrors(
            """
            query ($dogCommand: DogCommand!) {
              dog {
                doesKnowCommand(dogCommand: SIT)
                doesKnowCommand(dogCommand: $dogCommand)
              }
            }
            """,
            Error("Fields \"doesKnowCommand\" conflict because they have differing arguments." + Suffix, (3, 5), (4, 5)));
    }

    [Fact]
    public void TwoDifferentVariablesDoNotMerge()
    {
        AssertErrors(
            """
            query ($varOne: DogCommand!, $varTwo: DogCommand!) {
              dog {
                doesKnowCommand(dogCommand: $varOne)
                doesKnowCommand(dogCommand: $varTwo)
              }
            }
            """,
            Error("Fields \"doesKnowCommand\" conflict because they have differing arguments." + Suffix, (3, 5), (4, 5)));
    }

    [Fact]
    public void ArgumentAgainstNoArgumentDoesNotMerge()
    {
        AssertErrors(
            """
            { dog { ...differingArgs } }

            fragment differingArgs on Dog {
              doesKnowCommand(dogCommand: SIT)
              doesKnowCommand
            }
            """,
            Error("Fields \"doesKnowCommand\" conflict because they have differing arguments." + Suffix, (4, 3), (5, 3)),
            Error("Field \"doesKnowCommand\" argument \"dogCommand\" of type \"DogCommand!\" is required, but it was not provided.", (5, 3)));
    }

    [Fact]
    public void ArgumentOrderDoesNotMatterAndObjectFieldOrderDoesNotMatter()
    {
        AssertValid(
            """
            {
              arguments {
                multipleRequirements(x: 1, y: 2)
                multipleRequirements(y: 2, x: 1)
              }
              a: findDog(searchBy: { name: "x", owner: "y" }) { name }
              a: findDog(searchBy: { owner: "y", name: "x" }) { name }
            }
            """);
    }

    [Fact]
    public void DifferingFieldsOnMutuallyExclusiveObjectTypesAreSafe()
    {
        AssertValid(
            """
            { pet { ...safeDifferingFields ...safeDifferingArgs } }

            fragment safeDifferingFields on Pet {
              ... on Dog {
                volume: barkVolume
              }
              ... on Cat {
                volume: meowVolume
              }
            }

            fragment safeDifferingArgs on Pet {
              ... on Dog {
                doesKnowCommand(dogCommand: SIT)
              }
              ... on Cat {
                doesKnowCommand(catCommand: JUMP)
              }
            }
            """);
    }

    [Fact]
    public void DifferingScalarResponseShapesNeverMergeEvenOnExclusiveTypes()
    {
        AssertErrors(
            """
            { pet { ...conflictingDifferingResponses } }

            fragment conflictingDifferingResponses on Pet {
              ... on Dog {
                someValue: nickname
              }
              ... on Cat {
                someValue: meowVolume
              }
            }
            """,
            Error("Fields \"someValue\" conflict because they return conflicting types \"String\" and \"Int\"." + Suffix, (5, 5), (8, 5)));
    }

    [Fact]
    public void NullabilityDifferenceIsAConflictingResponseShape()
    {
        AssertErrors(
            """
            {
              catOrDog {
                ... on Dog { x: name }
                ... on Cat { x: nickname }
              }
            }
            """,
            Error("Fields \"x\" conflict because they return conflicting types \"String!\" and \"String\"." + Suffix, (3, 18), (4, 18)));
    }

    [Fact]
    public void ConflictingSubfieldsAreReportedOnTheParentWithAllFourLocations()
    {
        AssertErrors(
            """
            {
              dog {
                name
              }
              dog {
                name: nickname
              }
            }
            """,
            Error(
                "Fields \"dog\" conflict because subfields \"name\" conflict because \"name\" and \"nickname\" are different fields." + Suffix,
                (2, 3), (3, 5), (5, 3), (6, 5)));
    }

    [Fact]
    public void ConflictBetweenAFieldAndANestedFragmentIsFound()
    {
        AssertErrors(
            """
            {
              dog {
                name
                ...outer
              }
            }

            fragment outer on Dog {
              ...inner
            }

            fragment inner on Dog {
              name: nickname
            }
            """,
            Error("Fields \"name\" conflict because \"name\" and \"nickname\" are different fields." + Suffix, (3, 5), (13, 3)));
    }

    [Fact]
    public void ConflictBetweenTwoSpreadFragmentsIsReportedOnce()
    {
        AssertErrors(
            """
            {
              dog { ...A ...B }
              pet { ... on Dog { ...A ...B } }
            }

            fragment A on Dog { x: name }
            fragment B on Dog { x: barkVolume }
            """,
            Error("Fields \"x\" conflict because \"name\" and \"barkVolume\" are different fields." + Suffix, (6, 21), (7, 21)));
    }

    [Fact]
    public void FieldsAreComparedWithAFragmentReachedTwiceOnlyOnce()
    {
        AssertErrors(
            """
            { dog { x: name ...A ...B } }
            fragment A on Dog { ...B }
            fragment B on Dog { x: nickname }
            """,
            Error("Fields \"x\" conflict because \"name\" and \"nickname\" are different fields." + Suffix, (1, 9), (3, 21)));
    }

    /// <summary>Validates with the merging rule alone, which must find no conflict, and returns the field pairs it compared.</summary>
    private static int FieldComparisons(DocumentNode document)
    {
        var context = new ValidationContext(Schema, document, maxErrors: 100);
        var rule = new OverlappingFieldsCanBeMergedRule(context);
        new ValidationWalker(context, [rule]).WalkDocument(document);
        Assert.Empty(context.Errors);
        return rule.Comparisons;
    }

    private static int CountFields(DocumentNode document)
    {
        static int In(SelectionSetNode? selectionSet) => selectionSet?.Selections.Sum(selection => selection switch
        {
            FieldNode field => 1 + In(field.SelectionSet),
            InlineFragmentNode inline => In(inline.SelectionSet),
            _ => 0,
        }) ?? 0;

        return document.Definitions.OfType<ExecutableDefinitionNode>().Sum(definition => In(definition.SelectionSet));
    }

    [Fact]
    public void ManyRepeatedFragmentSpreadsCostPolynomiallyManyComparisons()
    {
        // Fragments spreading the next one, each spread many times: without the fragment pair cache this is exponential.
        var sb = new System.Text.StringBuilder("{ dog { ...F0 } }\n");
        const int depth = 60;
        for (var i = 0; i < depth; i++)
        {
            sb.Append("fragment F").Append(i).Append(" on Dog { name barkVolume owner { name } ");
            if (i + 1 < depth)
            {
                sb.Append("...F").Append(i + 1).Append(" ...F").Append(i + 1).Append(" ... on Dog { ...F").Append(i + 1).Append(" } ");
            }

            sb.Append("}\n");
        }

        AssertValid(sb.ToString());
        // Each pair of field nodes compared at most once (exponentially many without the cache).
        var document = Parse(sb.ToString());
        var fields = CountFields(document);
        Assert.InRange(FieldComparisons(document), 1, fields * fields);
    }

    private static string NestedDuplicates(int depth, string leaf, string otherLeaf)
    {
        // Each level selects the same field twice, each copy holding the whole level below; at the bottom the
        // second copy selects otherLeaf.
        string Level(int d) => d == 0
            ? leaf
            : $"owner {{ pets {{ ... on Dog {{ {Level(d - 1)} }} }} }} owner {{ pets {{ ... on Dog {{ {(d > 1 ? Level(d - 1) : otherLeaf)} }} }} }}";
        return "{ dog { " + Level(depth) + " } }";
    }

    [Fact]
    public void IdenticalNestedDuplicatesCostComparisonsLinearInTheirSize()
    {
        // graphql-js compares 4^depth field pairs here; identical shapes are compared once.
        AssertValid(NestedDuplicates(12, "name", "name"));
        var document = Parse(NestedDuplicates(12, "name", "name"));
        Assert.InRange(FieldComparisons(document), 1, CountFields(document));
    }

    [Fact]
    public void ConflictRepeatedAtEveryLevelStopsAtTheComparisonBudget()
    {
        var errors = Validate(NestedDuplicates(11, "name", "name: nickname"));

        var error = Assert.Single(errors);
        Assert.Equal(Tessera.GraphQL.Validation.DocumentValidator.TooComplexMessage, error.Message);
    }

    [Fact]
    public void ConflictRepeatedAtFewLevelsIsReportedLikeGraphqlJs()
    {
        var errors = Validate(NestedDuplicates(2, "name", "name: nickname"));

        // Same errors as graphql-js 16: the deepest conflict is reported at every enclosing level.
        Assert.Equal(5, errors.Count);
        Assert.All(errors, e => Assert.StartsWith("Fields \"", e.Message));
        Assert.Equal(new[] { 16, 6, 6, 6, 6 }, errors.Select(e => e.Locations!.Count).ToArray());
    }

    [Fact]
    public void WideSelectionOfDistinctFieldsComparesNoPair()
    {
        var sb = new System.Text.StringBuilder("{ dog {");
        for (var i = 0; i < 2000; i++)
        {
            sb.Append(" a").Append(i).Append(": name");
        }

        sb.Append(" } }");
        AssertValid(sb.ToString());
        // Only fields sharing a response name are ever compared.
        Assert.Equal(0, FieldComparisons(Parse(sb.ToString())));
    }
}
