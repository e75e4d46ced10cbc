using Tessera.GraphQL.Validation.Rules;

namespace Tessera.GraphQL.Validation;

/// <summary>The rules of spec section 5, in graphql-js <c>specifiedRules</c> order (which fixes the error order).</summary>
internal static class SpecifiedRules
{
    public static ValidationRule[] Create(ValidationContext context)
    {
        var directives = new KnownDirectiveSet(context);
        return
        [
            new ExecutableDefinitionsRule(context),
            new UniqueOperationNamesRule(context),
            new LoneAnonymousOperationRule(context),
            new SingleFieldSubscriptionsRule(context),
            new KnownTypeNamesRule(context),
            new FragmentsOnCompositeTypesRule(context),
            new VariablesAreInputTypesRule(context),
            new ScalarLeafsRule(context),
            new FieldsOnCorrectTypeRule(context),
            new UniqueFragmentNamesRule(context),
            new KnownFragmentNamesRule(context),
            new NoUnusedFragmentsRule(context),
            new PossibleFragmentSpreadsRule(context),
            new NoFragmentCyclesRule(context),
            new UniqueVariableNamesRule(context),
            new NoUndefinedVariablesRule(context),
            new NoUnusedVariablesRule(context),
            new KnownDirectivesRule(context, directives),
            new UniqueDirectivesPerLocationRule(context, directives),
            new KnownArgumentNamesRule(context, directives),
            new UniqueArgumentNamesRule(context),
            new ValuesOfCorrectTypeRule(context),
            new ProvidedRequiredArgumentsRule(context, directives),
            new VariablesInAllowedPositionRule(context),
            new OverlappingFieldsCanBeMergedRule(context),
            new UniqueInputFieldNamesRule(context),
            new MaxIntrospectionDepthRule(context),
        ];
    }
}
