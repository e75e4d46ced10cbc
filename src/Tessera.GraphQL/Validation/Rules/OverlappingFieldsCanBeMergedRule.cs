using System.Runtime.CompilerServices;
using System.Text;
using Tessera.GraphQL.Language;
using Tessera.GraphQL.Types;
using Tessera.GraphQL.Utilities;

namespace Tessera.GraphQL.Validation.Rules;

/// <summary>
/// 5.3.2 Field Selection Merging (graphql-js OverlappingFieldsCanBeMerged): fields with the same response name must
/// be the same field with the same arguments (unless their parents are different object types) and must have the
/// same response shape.
/// </summary>
/// <remarks>
/// The graphql-js 16 algorithm: each selection set compares the fields "within" itself once; fields and fragments
/// are then compared "between" each other. Collected field maps are cached per selection set, and each pair of
/// fragments and each (field set, fragment) pair is compared at most once (per mutual exclusivity), which keeps
/// documents with many spreads from going exponential.
/// </remarks>
internal sealed class OverlappingFieldsCanBeMergedRule(ValidationContext context) : ValidationRule(context)
{
    private const string Suffix = " Use different aliases on the fields to fetch both if this was intentional.";

    /// <summary>
    /// Field pair comparisons allowed per document. Documents repeating conflicting fields at every level need
    /// exponentially many (graphql-js would spend minutes and gigabytes on them); real documents need a few thousand.
    /// </summary>
    internal const int MaxFieldComparisons = 1_000_000;

    private int _comparisons;

    /// <summary>Field pair comparisons made so far: the work tests bound, rather than the time it takes.</summary>
    internal int Comparisons => _comparisons;

    private readonly PairSet _comparedFragmentPairs = new();

    // Sub-selection pairs known to merge, by shape (see ShapeOf): structurally identical copies need no second look,
    // which keeps nested duplicated fields (a { b b } a { b b } ...) from costing exponential time.
    private readonly HashSet<(int, int, bool)> _mergeableShapes = [];
    private readonly Dictionary<SelectionSetNode, int> _shapeIds = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, int> _shapeIdsByText = new(StringComparer.Ordinal);
    private readonly Dictionary<SelectionSetNode, FieldsAndFragmentNames> _cachedFieldsAndFragmentNames = new(ReferenceEqualityComparer.Instance);

    public override void EnterSelectionSet(SelectionSetNode node)
    {
        var conflicts = FindConflictsWithinSelectionSet(TypeInfo.ParentType, node);
        foreach (var conflict in conflicts)
        {
            var nodes = new Node?[conflict.Fields1.Count + conflict.Fields2.Count];
            var n = 0;
            foreach (var field in conflict.Fields1)
            {
                nodes[n++] = field;
            }

            foreach (var field in conflict.Fields2)
            {
                nodes[n++] = field;
            }

            Context.ReportError(
                $"Fields \"{conflict.Reason.ResponseName}\" conflict because {FormatReason(conflict.Reason.Message)}." + Suffix, nodes);
        }
    }

    private static string FormatReason(ConflictMessage reason)
    {
        if (reason.Text is not null)
        {
            return reason.Text;
        }

        var sb = new StringBuilder();
        for (var i = 0; i < reason.SubReasons!.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(" and ");
            }

            var (responseName, subReason) = reason.SubReasons[i];
            sb.Append("subfields \"").Append(responseName).Append("\" conflict because ").Append(FormatReason(subReason));
        }

        return sb.ToString();
    }

    // (A) within, (B) between the fields and each spread fragment, (C) between the spread fragments.
    private List<Conflict> FindConflictsWithinSelectionSet(NamedType? parentType, SelectionSetNode selectionSet)
    {
        var conflicts = new List<Conflict>();
        var (fieldMap, fragmentNames) = GetFieldsAndFragmentNames(parentType, selectionSet);
        CollectConflictsWithin(conflicts, fieldMap);
        for (var i = 0; i < fragmentNames.Count; i++)
        {
            CollectConflictsBetweenFieldsAndFragment(conflicts, false, fieldMap, fragmentNames[i]);
            for (var j = i + 1; j < fragmentNames.Count; j++)
            {
                CollectConflictsBetweenFragments(conflicts, false, fragmentNames[i], fragmentNames[j]);
            }
        }

        return conflicts;
    }

    // (D) between a set of fields and a fragment, and (E) the fragments that fragment spreads; each
    // (field set, fragment) pair is compared once.
    private void CollectConflictsBetweenFieldsAndFragment(List<Conflict> conflicts, bool areMutuallyExclusive, FieldMap fieldMap,
        string fragmentName)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var compared = fieldMap.ComparedFragments ??= new Dictionary<string, bool>(StringComparer.Ordinal);
        if (compared.TryGetValue(fragmentName, out var comparedAsExclusive) && (areMutuallyExclusive || !comparedAsExclusive))
        {
            return;
        }

        compared[fragmentName] = areMutuallyExclusive;
        if (Context.GetFragment(fragmentName) is not { } fragment)
        {
            return;
        }

        var (fieldMap2, referencedFragmentNames) = GetReferencedFieldsAndFragmentNames(fragment);

        // Do not compare a fragment's field map to itself.
        if (ReferenceEquals(fieldMap, fieldMap2))
        {
            return;
        }

        CollectConflictsBetween(conflicts, areMutuallyExclusive, fieldMap, fieldMap2);
        foreach (var referenced in referencedFragmentNames)
        {
            CollectConflictsBetweenFieldsAndFragment(conflicts, areMutuallyExclusive, fieldMap, referenced);
        }
    }

    // (F, G) between two fragments, and between each and the fragments the other spreads.
    private void CollectConflictsBetweenFragments(List<Conflict> conflicts, bool areMutuallyExclusive, string fragmentName1, string fragmentName2)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        if (fragmentName1 == fragmentName2)
        {
            return;
        }

        if (_comparedFragmentPairs.Has(fragmentName1, fragmentName2, areMutuallyExclusive))
        {
            return;
        }

        _comparedFragmentPairs.Add(fragmentName1, fragmentName2, areMutuallyExclusive);
        if (Context.GetFragment(fragmentName1) is not { } fragment1 || Context.GetFragment(fragmentName2) is not { } fragment2)
        {
            return;
        }

        var (fieldMap1, referenced1) = GetReferencedFieldsAndFragmentNames(fragment1);
        var (fieldMap2, referenced2) = GetReferencedFieldsAndFragmentNames(fragment2);
        CollectConflictsBetween(conflicts, areMutuallyExclusive, fieldMap1, fieldMap2);
        foreach (var name in referenced2)
        {
            CollectConflictsBetweenFragments(conflicts, areMutuallyExclusive, fragmentName1, name);
        }

        foreach (var name in referenced1)
        {
            CollectConflictsBetweenFragments(conflicts, areMutuallyExclusive, name, fragmentName2);
        }
    }

    // (H, I, J) between the sub-selections of two overlapping fields.
    private List<Conflict> FindConflictsBetweenSubSelectionSets(bool areMutuallyExclusive, NamedType? parentType1,
        SelectionSetNode selectionSet1, NamedType? parentType2, SelectionSetNode selectionSet2)
    {
        var conflicts = new List<Conflict>();
        var (fieldMap1, fragmentNames1) = GetFieldsAndFragmentNames(parentType1, selectionSet1);
        var (fieldMap2, fragmentNames2) = GetFieldsAndFragmentNames(parentType2, selectionSet2);

        CollectConflictsBetween(conflicts, areMutuallyExclusive, fieldMap1, fieldMap2);

        foreach (var fragmentName2 in fragmentNames2)
        {
            CollectConflictsBetweenFieldsAndFragment(conflicts, areMutuallyExclusive, fieldMap1, fragmentName2);
        }

        foreach (var fragmentName1 in fragmentNames1)
        {
            CollectConflictsBetweenFieldsAndFragment(conflicts, areMutuallyExclusive, fieldMap2, fragmentName1);
        }

        foreach (var fragmentName1 in fragmentNames1)
        {
            foreach (var fragmentName2 in fragmentNames2)
            {
                CollectConflictsBetweenFragments(conflicts, areMutuallyExclusive, fragmentName1, fragmentName2);
            }
        }

        return conflicts;
    }

    // The only place fields of one collection are compared with each other.
    private void CollectConflictsWithin(List<Conflict> conflicts, FieldMap fieldMap)
    {
        foreach (var responseName in fieldMap.Keys)
        {
            var fields = fieldMap.Get(responseName)!;
            if (fields.Count < 2)
            {
                continue;
            }

            for (var i = 0; i < fields.Count; i++)
            {
                for (var j = i + 1; j < fields.Count; j++)
                {
                    if (FindConflict(false, responseName, fields[i], fields[j]) is { } conflict)
                    {
                        conflicts.Add(conflict);
                    }
                }
            }
        }
    }

    private void CollectConflictsBetween(List<Conflict> conflicts, bool parentFieldsAreMutuallyExclusive, FieldMap fieldMap1, FieldMap fieldMap2)
    {
        foreach (var responseName in fieldMap1.Keys)
        {
            if (fieldMap2.Get(responseName) is not { } fields2)
            {
                continue;
            }

            var fields1 = fieldMap1.Get(responseName)!;
            foreach (var field1 in fields1)
            {
                foreach (var field2 in fields2)
                {
                    if (FindConflict(parentFieldsAreMutuallyExclusive, responseName, field1, field2) is { } conflict)
                    {
                        conflicts.Add(conflict);
                    }
                }
            }
        }
    }

    private Conflict? FindConflict(bool parentFieldsAreMutuallyExclusive, string responseName, FieldEntry field1, FieldEntry field2)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        if (++_comparisons > MaxFieldComparisons)
        {
            Context.Abort(DocumentValidator.TooComplexMessage);
        }
        var (parentType1, node1, def1) = field1;
        var (parentType2, node2, def2) = field2;

        // Different object types can never apply to the same value, so their fields may differ in name and
        // arguments. Interfaces and unions might overlap (now or in a later version of the schema): they may not.
        var areMutuallyExclusive = parentFieldsAreMutuallyExclusive
            || (!ReferenceEquals(parentType1, parentType2) && parentType1 is ObjectType && parentType2 is ObjectType);

        if (!areMutuallyExclusive)
        {
            var name1 = node1.Name.Value;
            var name2 = node2.Name.Value;
            if (name1 != name2)
            {
                return new Conflict(new ConflictReason(responseName, new ConflictMessage($"\"{name1}\" and \"{name2}\" are different fields")), [node1], [node2]);
            }

            if (!SameArguments(node1.Arguments, node2.Arguments))
            {
                return new Conflict(new ConflictReason(responseName, new ConflictMessage("they have differing arguments")), [node1], [node2]);
            }
        }

        var type1 = def1?.Type;
        var type2 = def2?.Type;
        if (type1 is not null && type2 is not null && DoTypesConflict(type1, type2))
        {
            return new Conflict(
                new ConflictReason(responseName, new ConflictMessage($"they return conflicting types \"{type1}\" and \"{type2}\"")), [node1], [node2]);
        }

        if (node1.SelectionSet is { } selectionSet1 && node2.SelectionSet is { } selectionSet2)
        {
            var subParentType1 = type1?.GetNamedType();
            var subParentType2 = type2?.GetNamedType();

            // Without fragment spreads the outcome depends on the shapes alone (fragments add memo state that would
            // make a repeated comparison report less, so those are always compared).
            (int, int, bool)? shapeKey = null;
            if (Context.GetFragmentSpreads(selectionSet1).Count == 0 && Context.GetFragmentSpreads(selectionSet2).Count == 0)
            {
                shapeKey = (ShapeOf(subParentType1, selectionSet1), ShapeOf(subParentType2, selectionSet2), areMutuallyExclusive);
                if (_mergeableShapes.Contains(shapeKey.Value))
                {
                    return null;
                }
            }

            var conflicts = FindConflictsBetweenSubSelectionSets(areMutuallyExclusive, subParentType1, selectionSet1, subParentType2, selectionSet2);
            if (conflicts.Count == 0 && shapeKey is { } key)
            {
                _mergeableShapes.Add(key);
            }

            return SubfieldConflicts(conflicts, responseName, node1, node2);
        }

        return null;
    }

    /// <summary>
    /// A number shared by selection sets (without fragment spreads) that collect the same fields: same response
    /// names, parent types, field names, arguments and, recursively, sub-selections.
    /// </summary>
    private int ShapeOf(NamedType? parentType, SelectionSetNode selectionSet)
    {
        if (_shapeIds.TryGetValue(selectionSet, out var id))
        {
            return id;
        }

        var fieldMap = GetFieldsAndFragmentNames(parentType, selectionSet).FieldMap;
        var text = new StringBuilder();
        foreach (var responseName in fieldMap.Keys)
        {
            text.Append(responseName).Append('=');
            foreach (var (entryParent, node, definition) in fieldMap.Get(responseName)!)
            {
                text.Append(entryParent?.Name).Append('.').Append(node.Name.Value);
                foreach (var argument in node.Arguments)
                {
                    text.Append('(').Append(argument.Name.Value).Append(':').Append(Printer.Print(argument.Value)).Append(')');
                }

                if (node.SelectionSet is { } child)
                {
                    text.Append('{').Append(ShapeOf(definition?.Type.GetNamedType(), child)).Append('}');
                }

                text.Append(';');
            }

            text.Append('\n');
        }

        var key = text.ToString();
        if (!_shapeIdsByText.TryGetValue(key, out id))
        {
            id = _shapeIdsByText.Count;
            _shapeIdsByText[key] = id;
        }

        _shapeIds[selectionSet] = id;
        return id;
    }

    private static Conflict? SubfieldConflicts(List<Conflict> conflicts, string responseName, FieldNode node1, FieldNode node2)
    {
        if (conflicts.Count == 0)
        {
            return null;
        }

        var reasons = new List<(string, ConflictMessage)>(conflicts.Count);
        var fields1 = new List<FieldNode> { node1 };
        var fields2 = new List<FieldNode> { node2 };
        foreach (var conflict in conflicts)
        {
            reasons.Add((conflict.Reason.ResponseName, conflict.Reason.Message));
            fields1.AddRange(conflict.Fields1);
            fields2.AddRange(conflict.Fields2);
        }

        return new Conflict(new ConflictReason(responseName, new ConflictMessage(reasons)), fields1, fields2);
    }

    // Lists and non-null wrappers must match; leaf types must be the same type; composite types are compared
    // later through their sub-selections.
    private static bool DoTypesConflict(GraphQLType type1, GraphQLType type2)
    {
        while (true)
        {
            if (type1 is ListType list1)
            {
                if (type2 is not ListType list2)
                {
                    return true;
                }

                type1 = list1.OfType;
                type2 = list2.OfType;
                continue;
            }

            if (type2 is ListType)
            {
                return true;
            }

            if (type1 is NonNullType nonNull1)
            {
                if (type2 is not NonNullType nonNull2)
                {
                    return true;
                }

                type1 = nonNull1.OfType;
                type2 = nonNull2.OfType;
                continue;
            }

            if (type2 is NonNullType)
            {
                return true;
            }

            if (type1.IsLeafType || type2.IsLeafType)
            {
                return !ReferenceEquals(type1, type2);
            }

            return false;
        }
    }

    private static bool SameArguments(IReadOnlyList<ArgumentNode> args1, IReadOnlyList<ArgumentNode> args2)
    {
        if (args1.Count == 0)
        {
            return args2.Count == 0;
        }

        if (args2.Count == 0 || args1.Count != args2.Count)
        {
            return false;
        }

        foreach (var arg1 in args1)
        {
            // As graphql-js's Map: with duplicate names the last argument counts.
            ValueNode? value2 = null;
            for (var i = args2.Count - 1; i >= 0; i--)
            {
                if (args2[i].Name.Value == arg1.Name.Value)
                {
                    value2 = args2[i].Value;
                    break;
                }
            }

            if (value2 is null || !SameValue(arg1.Value, value2))
            {
                return false;
            }
        }

        return true;
    }

    // Equal when printed alike with object fields sorted by name (graphql-js print(sortValueNode(value))).
    private static bool SameValue(ValueNode a, ValueNode b)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (a)
        {
            case VariableNode va:
                return b is VariableNode vb && va.Name.Value == vb.Name.Value;
            case IntValueNode ia:
                return b is IntValueNode ib && ia.Value == ib.Value;
            case FloatValueNode fa:
                return b is FloatValueNode fb && fa.Value == fb.Value;
            case BooleanValueNode ba:
                return b is BooleanValueNode bb && ba.Value == bb.Value;
            case NullValueNode:
                return b is NullValueNode;
            case EnumValueNode ea:
                return b is EnumValueNode eb && ea.Value == eb.Value;
            case StringValueNode sa:
                return b is StringValueNode sb && (sa.Block == sb.Block ? sa.Value == sb.Value : Printer.Print(sa) == Printer.Print(sb));
            case ListValueNode la:
                if (b is not ListValueNode lb || la.Values.Count != lb.Values.Count)
                {
                    return false;
                }

                for (var i = 0; i < la.Values.Count; i++)
                {
                    if (!SameValue(la.Values[i], lb.Values[i]))
                    {
                        return false;
                    }
                }

                return true;
            case ObjectValueNode oa:
                if (b is not ObjectValueNode ob || oa.Fields.Count != ob.Fields.Count)
                {
                    return false;
                }

                var sortedA = SortFields(oa.Fields);
                var sortedB = SortFields(ob.Fields);
                for (var i = 0; i < sortedA.Length; i++)
                {
                    if (sortedA[i].Name.Value != sortedB[i].Name.Value || !SameValue(sortedA[i].Value, sortedB[i].Value))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return false;
        }
    }

    private static ObjectFieldNode[] SortFields(IReadOnlyList<ObjectFieldNode> fields)
    {
        var sorted = new ObjectFieldNode[fields.Count];
        for (var i = 0; i < sorted.Length; i++)
        {
            sorted[i] = fields[i];
        }

        // Stable, as JavaScript's sort.
        for (var i = 1; i < sorted.Length; i++)
        {
            var item = sorted[i];
            var j = i - 1;
            while (j >= 0 && Suggestions.NaturalCompare(sorted[j].Name.Value, item.Name.Value) > 0)
            {
                sorted[j + 1] = sorted[j];
                j--;
            }

            sorted[j + 1] = item;
        }

        return sorted;
    }

    private FieldsAndFragmentNames GetFieldsAndFragmentNames(NamedType? parentType, SelectionSetNode selectionSet)
    {
        if (_cachedFieldsAndFragmentNames.TryGetValue(selectionSet, out var cached))
        {
            return cached;
        }

        var fieldMap = new FieldMap();
        var fragmentNames = new List<string>();
        CollectFieldsAndFragmentNames(parentType, selectionSet, fieldMap, fragmentNames);
        var result = new FieldsAndFragmentNames(fieldMap, fragmentNames);
        _cachedFieldsAndFragmentNames[selectionSet] = result;
        return result;
    }

    private FieldsAndFragmentNames GetReferencedFieldsAndFragmentNames(FragmentDefinitionNode fragment)
    {
        if (_cachedFieldsAndFragmentNames.TryGetValue(fragment.SelectionSet, out var cached))
        {
            return cached;
        }

        var fragmentType = Context.Schema.GetType(fragment.TypeCondition.Name.Value);
        return GetFieldsAndFragmentNames(fragmentType, fragment.SelectionSet);
    }

    private void CollectFieldsAndFragmentNames(NamedType? parentType, SelectionSetNode selectionSet, FieldMap fieldMap,
        List<string> fragmentNames)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        foreach (var selection in selectionSet.Selections)
        {
            switch (selection)
            {
                case FieldNode field:
                    // Only declared fields: meta fields such as __typename have no definition here (as graphql-js).
                    var fieldDef = parentType is ComplexType complex ? complex.GetField(field.Name.Value) : null;
                    fieldMap.Add(field.ResponseName, new FieldEntry(parentType, field, fieldDef));
                    break;
                case FragmentSpreadNode spread:
                    // Few spreads per selection set: a list lookup beats a hash set.
                    if (!fragmentNames.Contains(spread.Name.Value))
                    {
                        fragmentNames.Add(spread.Name.Value);
                    }

                    break;
                case InlineFragmentNode inline:
                    var inlineType = inline.TypeCondition is { } typeCondition
                        ? Context.Schema.GetType(typeCondition.Name.Value)
                        : parentType;
                    CollectFieldsAndFragmentNames(inlineType, inline.SelectionSet, fieldMap, fragmentNames);
                    break;
            }
        }
    }

    private readonly record struct FieldEntry(NamedType? ParentType, FieldNode Node, FieldDefinition? Definition);

    private sealed record FieldsAndFragmentNames(FieldMap FieldMap, List<string> FragmentNames);

    /// <summary>Response name to the fields giving it, in first-seen order.</summary>
    private sealed class FieldMap
    {
        private readonly Dictionary<string, List<FieldEntry>> _byName = new(StringComparer.Ordinal);

        public List<string> Keys { get; } = [];

        /// <summary>Fragments this field set was compared with, and whether only as mutually exclusive.</summary>
        public Dictionary<string, bool>? ComparedFragments { get; set; }

        public void Add(string responseName, FieldEntry entry)
        {
            if (!_byName.TryGetValue(responseName, out var list))
            {
                list = [];
                _byName[responseName] = list;
                Keys.Add(responseName);
            }

            list.Add(entry);
        }

        public List<FieldEntry>? Get(string responseName) => _byName.GetValueOrDefault(responseName);
    }

    /// <summary>Either a sentence, or the conflicts of sub-fields that explain this one.</summary>
    private sealed class ConflictMessage
    {
        public ConflictMessage(string text) => Text = text;

        public ConflictMessage(List<(string, ConflictMessage)> subReasons) => SubReasons = subReasons;

        public string? Text { get; }

        public List<(string ResponseName, ConflictMessage Message)>? SubReasons { get; }
    }

    private sealed record ConflictReason(string ResponseName, ConflictMessage Message);

    private sealed record Conflict(ConflictReason Reason, List<FieldNode> Fields1, List<FieldNode> Fields2);

    /// <summary>Unordered pairs of fragment names, remembering whether they were compared as mutually exclusive.</summary>
    private sealed class PairSet
    {
        private readonly Dictionary<(string, string), bool> _data = [];

        public bool Has(string a, string b, bool areMutuallyExclusive)
        {
            var key = string.CompareOrdinal(a, b) < 0 ? (a, b) : (b, a);
            if (!_data.TryGetValue(key, out var result))
            {
                return false;
            }

            // Compared as not mutually exclusive covers both cases; compared as exclusive only covers exclusive.
            return areMutuallyExclusive || !result;
        }

        public void Add(string a, string b, bool areMutuallyExclusive)
        {
            var key = string.CompareOrdinal(a, b) < 0 ? (a, b) : (b, a);
            _data[key] = areMutuallyExclusive;
        }
    }
}
