using System.Runtime.CompilerServices;
using Tessera.GraphQL.Language;
using Tessera.GraphQL.Types;
using Tessera.GraphQL.Utilities;

namespace Tessera.GraphQL.Validation.Rules;

/// <summary>5.5.1.2 Fragment Spread Type Existence (graphql-js KnownTypeNames): every named type must exist.</summary>
internal sealed class KnownTypeNamesRule : ValidationRule
{
    private readonly HashSet<string> _definedInDocument = new(StringComparer.Ordinal);

    public KnownTypeNamesRule(ValidationContext context)
        : base(context)
    {
        // As graphql-js: types defined by SDL in the same document count as known (they are reported as not executable).
        foreach (var definition in context.Document.Definitions)
        {
            if (definition is TypeDefinitionNode { IsExtension: false } type)
            {
                _definedInDocument.Add(type.Name.Value);
            }
        }
    }

    // Names SDL may always use: the specified scalars and the introspection types.
    private static readonly string[] StandardTypeNames =
    [
        "String", "Int", "Float", "Boolean", "ID",
        "__Schema", "__Directive", "__DirectiveLocation", "__Type", "__Field", "__InputValue", "__EnumValue", "__TypeKind",
    ];

    public override void EnterNamedType(NamedTypeNode node)
    {
        var typeName = node.Name.Value;
        if (Context.Schema.GetType(typeName) is not null || _definedInDocument.Contains(typeName))
        {
            return;
        }

        var isSdl = Context.InTypeSystemDefinition;
        if (isSdl && StandardTypeNames.Contains(typeName))
        {
            return;
        }

        IEnumerable<string> options = Context.Schema.Types.Keys.Concat(_definedInDocument);
        if (isSdl)
        {
            options = StandardTypeNames.Concat(options);
        }

        var suggestions = Suggestions.List(typeName, options);
        Context.ReportError($"Unknown type \"{typeName}\"." + Suggestions.DidYouMean(suggestions), node);
    }
}

/// <summary>5.5.1.3 Fragments On Composite Types.</summary>
internal sealed class FragmentsOnCompositeTypesRule(ValidationContext context) : ValidationRule(context)
{
    public override void EnterInlineFragment(InlineFragmentNode node)
    {
        if (node.TypeCondition is { } typeCondition && Context.Schema.GetType(typeCondition.Name.Value) is { IsCompositeType: false })
        {
            Context.ReportError($"Fragment cannot condition on non composite type \"{typeCondition.Name.Value}\".", typeCondition);
        }
    }

    public override void EnterFragmentDefinition(FragmentDefinitionNode node)
    {
        var typeCondition = node.TypeCondition;
        if (Context.Schema.GetType(typeCondition.Name.Value) is { IsCompositeType: false })
        {
            Context.ReportError(
                $"Fragment \"{node.Name?.Value}\" cannot condition on non composite type \"{typeCondition.Name.Value}\".", typeCondition);
        }
    }
}

/// <summary>5.3.3 Leaf Field Selections: leaves have no selection, composites need one.</summary>
internal sealed class ScalarLeafsRule(ValidationContext context) : ValidationRule(context)
{
    public override void EnterField(FieldNode node)
    {
        if (TypeInfo.Type is not { } type)
        {
            return;
        }

        var named = type.GetNamedType();
        if (named.IsLeafType)
        {
            if (node.SelectionSet is { } selectionSet)
            {
                Context.ReportError(
                    $"Field \"{node.Name.Value}\" must not have a selection since type \"{type}\" has no subfields.", selectionSet);
            }
        }
        else if (node.SelectionSet is null)
        {
            var fieldName = node.Name.Value;
            Context.ReportError(
                $"Field \"{fieldName}\" of type \"{type}\" must have a selection of subfields. Did you mean \"{fieldName} {{ ... }}\"?", node);
        }
        else if (node.SelectionSet.Selections.Count == 0)
        {
            Context.ReportError($"Field \"{node.Name.Value}\" of type \"{type}\" must have at least one field selected.", node);
        }
    }
}

/// <summary>5.3.1 Field Selections: the field must be defined on the scoped type (or be an allowed meta field).</summary>
internal sealed class FieldsOnCorrectTypeRule(ValidationContext context) : ValidationRule(context)
{
    public override void EnterField(FieldNode node)
    {
        if (TypeInfo.ParentType is not { } type || TypeInfo.FieldDef is not null)
        {
            return;
        }

        var fieldName = node.Name.Value;
        var suggestion = Suggestions.DidYouMean("to use an inline fragment on", SuggestedTypeNames(type, fieldName));
        if (suggestion.Length == 0)
        {
            suggestion = Suggestions.DidYouMean(
                type is ComplexType complex ? Suggestions.List(fieldName, FieldNames(complex)) : []);
        }

        Context.ReportError($"Cannot query field \"{fieldName}\" on type \"{type.Name}\"." + suggestion, node);
    }

    private static IEnumerable<string> FieldNames(ComplexType type)
    {
        foreach (var field in type.Fields)
        {
            yield return field.Name;
        }
    }

    // The implementations of an abstract type (and their interfaces) that define the field, most common first.
    private List<string> SuggestedTypeNames(NamedType type, string fieldName)
    {
        if (!type.IsAbstractType)
        {
            return [];
        }

        var schema = Context.Schema;
        var suggested = new List<ComplexType>();
        var usageCount = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var possibleType in schema.GetPossibleTypes(type))
        {
            if (possibleType.GetField(fieldName) is null)
            {
                continue;
            }

            if (!usageCount.ContainsKey(possibleType.Name))
            {
                suggested.Add(possibleType);
            }

            usageCount[possibleType.Name] = 1;
            foreach (var possibleInterface in possibleType.Interfaces)
            {
                if (possibleInterface.GetField(fieldName) is null)
                {
                    continue;
                }

                if (!usageCount.TryGetValue(possibleInterface.Name, out var count))
                {
                    suggested.Add(possibleInterface);
                }

                usageCount[possibleInterface.Name] = count + 1;
            }
        }

        int Compare(ComplexType a, ComplexType b)
        {
            var diff = usageCount[b.Name] - usageCount[a.Name];
            if (diff != 0)
            {
                return diff;
            }

            if (a is InterfaceType && schema.IsSubType(a, b))
            {
                return -1;
            }

            if (b is InterfaceType && schema.IsSubType(b, a))
            {
                return 1;
            }

            return Suggestions.NaturalCompare(a.Name, b.Name);
        }

        Suggestions.JsSort(suggested, Compare);

        var names = new List<string>(suggested.Count);
        foreach (var t in suggested)
        {
            names.Add(t.Name);
        }

        return names;
    }
}

/// <summary>5.5.1.1 Fragment Name Uniqueness.</summary>
internal sealed class UniqueFragmentNamesRule(ValidationContext context) : ValidationRule(context)
{
    private readonly Dictionary<string, NameNode> _known = new(StringComparer.Ordinal);

    public override void EnterFragmentDefinition(FragmentDefinitionNode node)
    {
        if (node.Name is not { } name)
        {
            return;
        }

        if (_known.TryGetValue(name.Value, out var first))
        {
            Context.ReportError($"There can be only one fragment named \"{name.Value}\".", first, name);
        }
        else
        {
            _known[name.Value] = name;
        }
    }
}

/// <summary>5.5.2.1 Fragment spread target defined.</summary>
internal sealed class KnownFragmentNamesRule(ValidationContext context) : ValidationRule(context)
{
    public override void EnterFragmentSpread(FragmentSpreadNode node)
    {
        if (Context.GetFragment(node.Name.Value) is null)
        {
            Context.ReportError($"Unknown fragment \"{node.Name.Value}\".", node.Name);
        }
    }
}

/// <summary>5.5.1.4 Fragments Must Be Used (by some operation, directly or through other fragments).</summary>
internal sealed class NoUnusedFragmentsRule(ValidationContext context) : ValidationRule(context)
{
    private readonly List<OperationDefinitionNode> _operations = [];
    private readonly List<FragmentDefinitionNode> _fragments = [];

    public override void EnterOperation(OperationDefinitionNode node) => _operations.Add(node);

    public override void EnterFragmentDefinition(FragmentDefinitionNode node) => _fragments.Add(node);

    public override void LeaveDocument(DocumentNode node)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var operation in _operations)
        {
            foreach (var fragment in Context.GetRecursivelyReferencedFragments(operation))
            {
                used.Add(fragment.Name!.Value);
            }
        }

        foreach (var fragment in _fragments)
        {
            var name = fragment.Name?.Value ?? string.Empty;
            if (!used.Contains(name))
            {
                Context.ReportError($"Fragment \"{name}\" is never used.", fragment);
            }
        }
    }
}

/// <summary>5.5.2.3 Fragment spread is possible: the fragment's type and the parent type must share an object type.</summary>
internal sealed class PossibleFragmentSpreadsRule(ValidationContext context) : ValidationRule(context)
{
    public override void EnterInlineFragment(InlineFragmentNode node)
    {
        if (TypeInfo.Type is NamedType { IsCompositeType: true } fragmentType
            && TypeInfo.ParentType is { IsCompositeType: true } parentType
            && !Context.Schema.DoTypesOverlap(fragmentType, parentType))
        {
            Context.ReportError(
                $"Fragment cannot be spread here as objects of type \"{parentType.Name}\" can never be of type \"{fragmentType.Name}\".", node);
        }
    }

    public override void EnterFragmentSpread(FragmentSpreadNode node)
    {
        var fragmentName = node.Name.Value;
        if (Context.GetFragment(fragmentName) is not { } fragment
            || Context.Schema.GetType(fragment.TypeCondition.Name.Value) is not { IsCompositeType: true } fragmentType
            || TypeInfo.ParentType is not { } parentType
            || Context.Schema.DoTypesOverlap(fragmentType, parentType))
        {
            return;
        }

        Context.ReportError(
            $"Fragment \"{fragmentName}\" cannot be spread here as objects of type \"{parentType.Name}\" can never be of type \"{fragmentType.Name}\".",
            node);
    }
}

/// <summary>5.5.2.2 Fragment spreads must not form cycles.</summary>
internal sealed class NoFragmentCyclesRule(ValidationContext context) : ValidationRule(context)
{
    private readonly HashSet<string> _visited = new(StringComparer.Ordinal);
    private readonly List<FragmentSpreadNode> _spreadPath = [];
    private readonly Dictionary<string, int> _spreadPathIndexByName = new(StringComparer.Ordinal);

    public override void EnterFragmentDefinition(FragmentDefinitionNode node) => DetectCycleRecursive(node);

    // Depth-first over spreads, remembering where each fragment sits on the current path, so each fragment is
    // explored once in total (graphql-js algorithm).
    private void DetectCycleRecursive(FragmentDefinitionNode fragment)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var fragmentName = fragment.Name?.Value ?? string.Empty;
        if (!_visited.Add(fragmentName))
        {
            return;
        }

        var spreads = Context.GetFragmentSpreads(fragment.SelectionSet);
        if (spreads.Count == 0)
        {
            return;
        }

        _spreadPathIndexByName[fragmentName] = _spreadPath.Count;
        foreach (var spread in spreads)
        {
            var spreadName = spread.Name.Value;
            _spreadPath.Add(spread);
            if (!_spreadPathIndexByName.TryGetValue(spreadName, out var cycleIndex))
            {
                if (Context.GetFragment(spreadName) is { } spreadFragment)
                {
                    DetectCycleRecursive(spreadFragment);
                }
            }
            else
            {
                var cyclePath = _spreadPath.GetRange(cycleIndex, _spreadPath.Count - cycleIndex);
                var via = new System.Text.StringBuilder();
                for (var i = 0; i < cyclePath.Count - 1; i++)
                {
                    if (i > 0)
                    {
                        via.Append(", ");
                    }

                    via.Append('"').Append(cyclePath[i].Name.Value).Append('"');
                }

                Context.ReportError(
                    $"Cannot spread fragment \"{spreadName}\" within itself" + (via.Length > 0 ? $" via {via}." : "."),
                    cyclePath.ToArray<Node?>());
            }

            _spreadPath.RemoveAt(_spreadPath.Count - 1);
        }

        _spreadPathIndexByName.Remove(fragmentName);
    }
}
