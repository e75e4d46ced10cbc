using System.Collections;
using System.Text.Json;
using Tessera.GraphQL.Language;
using Tessera.GraphQL.Types;
using Tessera.GraphQL.Utilities;

namespace Tessera.GraphQL.Execution;

/// <summary>Fields of one response key, merged across the selections that ask for it, with per-execution caches.</summary>
internal sealed class CollectedField
{
    private static readonly IReadOnlyDictionary<string, object?> s_noArguments = new Dictionary<string, object?>();
    private FieldNode[] _nodes;
    private int _count;
    private IReadOnlyDictionary<string, object?>? _arguments;
    private GraphQLError? _argumentError;
    private SubFieldsEntry? _subFields;
    private Dictionary<ObjectType, FieldSet>? _moreSubFields;

    public CollectedField(string responseName, FieldNode node, FieldDefinition definition)
    {
        ResponseName = responseName;
        EncodedName = JsonEncodedText.Encode(responseName, ResponseWriter.RelaxedEncoder);
        NameBytes = [(byte)'"', .. EncodedName.EncodedUtf8Bytes, (byte)'"', (byte)':'];
        _nodes = [node];
        _count = 1;
        Definition = definition;
        ArgumentsUseVariables = definition.Arguments.Count > 0 && UsesVariables(node.Arguments);
        if (definition.Resolver is null && definition.Arguments.Count == 0)
        {
            var type = definition.Type;
            IsNonNullLeaf = type is NonNullType;
            JsonLeaf = type.Nullable switch
            {
                var t when ReferenceEquals(t, ScalarType.String) || ReferenceEquals(t, ScalarType.ID) => JsonLeafKind.String,
                var t when ReferenceEquals(t, ScalarType.Int) => JsonLeafKind.Int,
                var t when ReferenceEquals(t, ScalarType.Float) => JsonLeafKind.Float,
                var t when ReferenceEquals(t, ScalarType.Boolean) => JsonLeafKind.Boolean,
                _ => JsonLeafKind.None,
            };
        }
    }

    /// <summary>For default-resolved, argument-less built-in scalar fields: which JSON kind completes without conversion.</summary>
    public JsonLeafKind JsonLeaf { get; }

    public bool IsNonNullLeaf { get; }

    /// <summary>Arguments that read variables are coerced per request; the others once per plan.</summary>
    public bool ArgumentsUseVariables { get; }

    public JsonEncodedText EncodedName { get; }

    /// <summary>The response key as written in JSON output: <c>"name":</c>.</summary>
    public byte[] NameBytes { get; }

    public string ResponseName { get; }

    public FieldDefinition Definition { get; }

    public FieldNode First => _nodes[0];

    public IReadOnlyList<FieldNode> Nodes => _nodes;

    public void Add(FieldNode node)
    {
        if (_count == _nodes.Length)
        {
            Array.Resize(ref _nodes, _count * 2);
        }

        _nodes[_count++] = node;
    }

    /// <summary>Called once collection is complete: after this the field is read-only and may be shared between requests.</summary>
    public void Seal()
    {
        if (_nodes.Length != _count)
        {
            Array.Resize(ref _nodes, _count);
        }
    }

    public IReadOnlyList<SourceLocation>? Locations()
    {
        var list = new List<SourceLocation>(_count);
        for (var i = 0; i < _count; i++)
        {
            var location = _nodes[i].Location;
            if (location.Line > 0)
            {
                list.Add(new SourceLocation(location.Line, location.Column));
            }
        }

        return list;
    }

    public IReadOnlyDictionary<string, object?> GetArguments(ExecutionContext context)
    {
        if (Definition.Arguments.Count == 0)
        {
            return s_noArguments;
        }

        if (ArgumentsUseVariables)
        {
            return ValueCoercion.GetArgumentValues(Definition.Arguments, First.Arguments, context.Variables, First);
        }

        if (_argumentError is not null)
        {
            throw _argumentError;
        }

        if (_arguments is not null)
        {
            return _arguments;
        }

        try
        {
            return _arguments = ValueCoercion.GetArgumentValues(Definition.Arguments, First.Arguments, context.Variables, First);
        }
        catch (GraphQLError error)
        {
            _argumentError = error;
            throw;
        }
    }

    public FieldSet GetSubFields(ExecutionContext context, ObjectType type)
    {
        // Read once: the entry is immutable, so a concurrent writer cannot pair one type with another's fields.
        var entry = _subFields;
        if (entry is not null && ReferenceEquals(entry.Type, type))
        {
            return entry.Fields;
        }

        if (entry is null)
        {
            var fields = FieldCollector.CollectSubfields(context, type, this);
            Interlocked.CompareExchange(ref _subFields, new SubFieldsEntry(type, fields), null);
            return fields;
        }

        lock (this)
        {
            _moreSubFields ??= [];
            if (!_moreSubFields.TryGetValue(type, out var fields))
            {
                fields = FieldCollector.CollectSubfields(context, type, this);
                _moreSubFields[type] = fields;
            }

            return fields;
        }
    }

    private static bool UsesVariables(IReadOnlyList<ArgumentNode> arguments)
    {
        foreach (var argument in arguments)
        {
            if (UsesVariables(argument.Value))
            {
                return true;
            }
        }

        return false;
    }

    internal static bool UsesVariables(ValueNode value)
    {
        switch (value)
        {
            case VariableNode:
                return true;
            case ListValueNode list:
                foreach (var item in list.Values)
                {
                    if (UsesVariables(item))
                    {
                        return true;
                    }
                }

                return false;
            case ObjectValueNode obj:
                foreach (var field in obj.Fields)
                {
                    if (UsesVariables(field.Value))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    private sealed record SubFieldsEntry(ObjectType Type, FieldSet Fields);
}

/// <summary>
/// The collected fields of one selection set on one object type, with a lazily built name lookup that lets a JSON
/// object's properties be matched to fields in one pass (instead of one linear property search per field).
/// </summary>
internal sealed class FieldSet
{
    private Dictionary<string, object>? _byName;

    public FieldSet(CollectedField[] fields)
    {
        foreach (var field in fields)
        {
            field.Seal();
        }

        Fields = fields;
    }

    public CollectedField[] Fields { get; }

    /// <summary>Property values of <paramref name="element"/> by field position; null when a direct lookup per field is cheaper.</summary>
    public object?[]? Prefetch(JsonElement element)
    {
        var fields = Fields;
        if (fields.Length < 4 || element.GetPropertyCount() > fields.Length * 4)
        {
            return null;
        }

        var byName = _byName ??= BuildLookup(fields);
        var lookup = byName.GetAlternateLookup<ReadOnlySpan<char>>();
        var values = new object?[fields.Length];
        Span<char> buffer = stackalloc char[128];
        foreach (var property in element.EnumerateObject())
        {
            var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8PropertyName(property);
            object? hit;
            if (raw.Length <= buffer.Length && raw.IndexOf((byte)'\\') < 0)
            {
                var length = System.Text.Encoding.UTF8.GetChars(raw, buffer);
                if (!lookup.TryGetValue(buffer[..length], out hit))
                {
                    continue;
                }
            }
            else if (!byName.TryGetValue(property.Name, out hit))
            {
                continue;
            }

            object boxed = property.Value;
            if (hit is int index)
            {
                values[index] = boxed;
            }
            else
            {
                foreach (var i in (int[])hit)
                {
                    values[i] = boxed;
                }
            }
        }

        return values;
    }

    private static Dictionary<string, object> BuildLookup(CollectedField[] fields)
    {
        var byName = new Dictionary<string, object>(fields.Length, StringComparer.Ordinal);
        for (var i = 0; i < fields.Length; i++)
        {
            var name = fields[i].Definition.Name;
            if (!byName.TryGetValue(name, out var existing))
            {
                byName[name] = i;
            }
            else
            {
                byName[name] = existing is int first ? new[] { first, i } : [.. (int[])existing, i];
            }
        }

        return byName;
    }
}

internal enum JsonLeafKind : byte
{
    None,
    String,
    Int,
    Float,
    Boolean,
}

/// <summary>
/// The collected fields of a cached document, shared by every request that runs it: field collection, argument
/// coercion (for arguments without variables) and sub-selection merging happen once, not per request. Only built
/// for documents whose <c>@skip</c>/<c>@include</c> conditions do not read variables.
/// </summary>
internal sealed class DocumentPlan
{
    private readonly Lock _lock = new();
    private Dictionary<OperationDefinitionNode, FieldSet> _roots = [];

    private DocumentPlan()
    {
    }

    /// <summary>A plan for <paramref name="document"/>, or null when field collection depends on variables.</summary>
    public static DocumentPlan? For(DocumentNode document)
    {
        foreach (var definition in document.Definitions)
        {
            if (definition is ExecutableDefinitionNode executable && ConditionsUseVariables(executable.SelectionSet))
            {
                return null;
            }
        }

        return new DocumentPlan();
    }

    public FieldSet GetRootFields(OperationDefinitionNode operation, ExecutionContext context, ObjectType rootType)
    {
        if (_roots.TryGetValue(operation, out var fields))
        {
            return fields;
        }

        fields = FieldCollector.CollectFields(context, rootType, operation.SelectionSet);
        lock (_lock)
        {
            // Copy on write: readers use the published dictionary without locking.
            _roots = new Dictionary<OperationDefinitionNode, FieldSet>(_roots) { [operation] = fields };
        }

        return fields;
    }

    private static bool ConditionsUseVariables(SelectionSetNode selectionSet)
    {
        foreach (var selection in selectionSet.Selections)
        {
            foreach (var directive in selection.Directives)
            {
                if (directive.Name.Value is "skip" or "include")
                {
                    foreach (var argument in directive.Arguments)
                    {
                        if (CollectedField.UsesVariables(argument.Value))
                        {
                            return true;
                        }
                    }
                }
            }

            var inner = selection switch
            {
                FieldNode field => field.SelectionSet,
                InlineFragmentNode inline => inline.SelectionSet,
                _ => null,
            };
            if (inner is not null && ConditionsUseVariables(inner))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>CollectFields (spec 6.3.2) with <c>@skip</c> / <c>@include</c> and fragment type conditions.</summary>
internal static class FieldCollector
{
    public static FieldSet CollectFields(ExecutionContext context, ObjectType type, SelectionSetNode selectionSet)
    {
        var fields = new List<CollectedField>();
        Dictionary<string, CollectedField>? index = null;
        HashSet<string>? visited = null;
        Collect(context, type, selectionSet, fields, ref index, ref visited);
        return new FieldSet(fields.ToArray());
    }

    public static FieldSet CollectSubfields(ExecutionContext context, ObjectType type, CollectedField field)
    {
        var fields = new List<CollectedField>();
        Dictionary<string, CollectedField>? index = null;
        HashSet<string>? visited = null;
        foreach (var node in field.Nodes)
        {
            if (node.SelectionSet is not null)
            {
                Collect(context, type, node.SelectionSet, fields, ref index, ref visited);
            }
        }

        return new FieldSet(fields.ToArray());
    }

    private static void Collect(ExecutionContext context, ObjectType type, SelectionSetNode selectionSet, List<CollectedField> fields,
        ref Dictionary<string, CollectedField>? index, ref HashSet<string>? visited)
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        foreach (var selection in selectionSet.Selections)
        {
            switch (selection)
            {
                case FieldNode field:
                {
                    if (!ShouldInclude(context, field.Directives))
                    {
                        continue;
                    }

                    var name = field.ResponseName;
                    var existing = Find(fields, index, name);
                    if (existing is not null)
                    {
                        existing.Add(field);
                        continue;
                    }

                    var definition = context.Schema.GetFieldDefinition(type, field.Name.Value);
                    if (definition is null)
                    {
                        continue; // unknown fields are not executed (validation reports them)
                    }

                    var collected = new CollectedField(name, field, definition);
                    fields.Add(collected);
                    if (index is not null)
                    {
                        index[name] = collected;
                    }
                    else if (fields.Count > 8)
                    {
                        index = new Dictionary<string, CollectedField>(StringComparer.Ordinal);
                        foreach (var f in fields)
                        {
                            index.TryAdd(f.ResponseName, f);
                        }
                    }

                    break;
                }

                case InlineFragmentNode inline:
                    if (!ShouldInclude(context, inline.Directives) || !DoesFragmentConditionMatch(context.Schema, inline.TypeCondition, type))
                    {
                        continue;
                    }

                    Collect(context, type, inline.SelectionSet, fields, ref index, ref visited);
                    break;
                case FragmentSpreadNode spread:
                {
                    var fragmentName = spread.Name.Value;
                    if ((visited is not null && visited.Contains(fragmentName)) || !ShouldInclude(context, spread.Directives))
                    {
                        continue;
                    }

                    (visited ??= new HashSet<string>(StringComparer.Ordinal)).Add(fragmentName);
                    if (!context.Fragments.TryGetValue(fragmentName, out var fragment) ||
                        !DoesFragmentConditionMatch(context.Schema, fragment.TypeCondition, type))
                    {
                        continue;
                    }

                    Collect(context, type, fragment.SelectionSet, fields, ref index, ref visited);
                    break;
                }
            }
        }
    }

    private static CollectedField? Find(List<CollectedField> fields, Dictionary<string, CollectedField>? index, string name)
    {
        if (index is not null)
        {
            return index.GetValueOrDefault(name);
        }

        foreach (var field in fields)
        {
            if ((object)field.ResponseName == name || field.ResponseName == name)
            {
                return field;
            }
        }

        return null;
    }

    private static bool DoesFragmentConditionMatch(Schema schema, NamedTypeNode? condition, ObjectType type)
    {
        if (condition is null)
        {
            return true;
        }

        var conditionType = schema.GetType(condition.Name.Value);
        if (ReferenceEquals(conditionType, type))
        {
            return true;
        }

        return conditionType is not null && conditionType.IsAbstractType && schema.IsSubType(conditionType, type);
    }

    internal static bool ShouldInclude(ExecutionContext context, IReadOnlyList<DirectiveNode> directives)
    {
        if (directives.Count == 0)
        {
            return true;
        }

        foreach (var directive in directives)
        {
            var name = directive.Name.Value;
            if (name != "skip" && name != "include")
            {
                continue;
            }

            var definition = name == "skip" ? DirectiveDefinition.Skip : DirectiveDefinition.Include;
            var values = ValueCoercion.GetArgumentValues(definition.Arguments, directive.Arguments, context.Variables, directive);
            var condition = values.TryGetValue("if", out var value) && value is true;
            if (name == "skip" && condition)
            {
                return false;
            }

            if (name == "include" && !condition)
            {
                return false;
            }
        }

        return true;
    }
}
