using System.Globalization;
using System.Text.Json;
using Tessera.GraphQL.Language;
using Tessera.GraphQL.Types;

namespace Tessera.GraphQL;

/// <summary>
/// How many items a list field returns, for cost analysis: a fixed assumed size, or the value of a slicing argument
/// (<c>first</c>, <c>last</c>) with a default when none is given and a cap. A connection field (a single object whose
/// <paramref name="SizedFields"/>, such as <c>nodes</c> and <c>edges</c>, hold the page) names those fields.
/// </summary>
/// <param name="AssumedSize">Items assumed when no slicing argument applies.</param>
/// <param name="SlicingArguments">Integer arguments that set the size (the largest given counts), or null.</param>
/// <param name="MaxSize">The most items the field returns whatever its arguments say; larger values count as this.</param>
/// <param name="SizedFields">Child list fields of a connection that hold the slice; null when the field itself is the list.</param>
public sealed record ListSize(int AssumedSize, IReadOnlyList<string>? SlicingArguments = null, int MaxSize = int.MaxValue, IReadOnlyList<string>? SizedFields = null);

/// <summary>
/// Cost analysis before execution: the number of objects an operation can produce, list sizes multiplied down the
/// tree (fragments expanded, every alias counted, both branches of a type condition counted). Leaves are free;
/// introspection is bounded by the schema and is not counted. An operation over the budget is never executed.
/// </summary>
public sealed class QueryCost
{
    /// <summary>The error code of an operation refused for its cost.</summary>
    public const string TooCostlyCode = "QUERY_TOO_COSTLY";

    private readonly Schema _schema;
    private readonly int _defaultListSize;
    // Keyed by the field's definition: no string is built per field of a request.
    private readonly Dictionary<FieldDefinition, ListSize> _listSizes = new(ReferenceEqualityComparer.Instance);

    /// <summary>Resolves <see cref="GraphQLServiceOptions.ListSizes"/> against the schema once.</summary>
    public QueryCost(Schema schema, GraphQLServiceOptions options)
    {
        _schema = schema;
        _defaultListSize = options.DefaultListSize;
        foreach (var (key, size) in options.ListSizes)
        {
            var dot = key.IndexOf('.');
            if (dot > 0 && schema.GetType(key[..dot]) is ComplexType type && type.GetField(key[(dot + 1)..]) is { } field)
            {
                _listSizes[field] = size;
            }
            else
            {
                throw new ArgumentException($"ListSizes names {key}, which is not a field of the schema.", nameof(options));
            }
        }
    }

    /// <summary>The cost of the operation a request selects, with variables read from the raw request; 0 when no operation can be chosen.</summary>
    public long Of(DocumentNode document, GraphQLRequest request)
    {
        var schema = _schema;
        OperationDefinitionNode? operation = null;
        var fragments = new Dictionary<string, FragmentDefinitionNode>(StringComparer.Ordinal);
        foreach (var definition in document.Definitions)
        {
            switch (definition)
            {
                case OperationDefinitionNode op when request.OperationName is null || op.Name?.Value == request.OperationName:
                    operation ??= op;
                    break;
                case FragmentDefinitionNode fragment:
                    fragments[fragment.Name!.Value] = fragment;
                    break;
            }
        }

        if (operation is null || schema.GetRootType(operation.Operation) is not { } root)
        {
            return 0;
        }

        return new Walker(this, fragments, operation, request).Walk(operation.SelectionSet, root, 1, null, 0);
    }

    /// <summary>The error for an operation (or batch) of <paramref name="cost"/> over <paramref name="limit"/>.</summary>
    public static GraphQLError TooCostly(long cost, long limit) =>
        new($"The query's cost {cost} exceeds the limit of {limit}: ask for smaller pages (first/last) or nest fewer lists.",
            extensions: new Dictionary<string, object?> { ["code"] = TooCostlyCode, ["cost"] = cost, ["maxCost"] = limit });

    private sealed class Walker(QueryCost cost, Dictionary<string, FragmentDefinitionNode> fragments,
        OperationDefinitionNode operation, GraphQLRequest request)
    {
        private readonly HashSet<string> _inProgress = new(StringComparer.Ordinal);

        public long Walk(SelectionSetNode selectionSet, NamedType? parentType, long multiplier, ListSize? parentSizing, long parentSlice)
        {
            System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
            long total = 0;
            foreach (var selection in selectionSet.Selections)
            {
                switch (selection)
                {
                    case FieldNode field:
                    {
                        var name = field.Name.Value;
                        // Introspection answers from the schema alone; __typename is a leaf.
                        if (field.SelectionSet is null || name.StartsWith("__", StringComparison.Ordinal)
                            || parentType is not ComplexType complex || complex.GetField(name) is not { } definition)
                        {
                            break;
                        }

                        cost._listSizes.TryGetValue(definition, out var sizing);
                        long size = 1;
                        if (IsList(definition.Type))
                        {
                            size = parentSizing?.SizedFields is { } sized && sized.Contains(name) ? parentSlice
                                : sizing is not null ? Slice(field, sizing) : cost._defaultListSize;
                        }

                        var objects = Saturate(multiplier, size);
                        var slice = sizing?.SizedFields is not null ? Slice(field, sizing) : 0;
                        total = Add(total, Add(objects, Walk(field.SelectionSet, definition.Type.GetNamedType(), objects, sizing?.SizedFields is null ? null : sizing, slice)));
                        break;
                    }

                    case InlineFragmentNode inline:
                        total = Add(total, Walk(inline.SelectionSet, TypeOf(inline.TypeCondition) ?? parentType, multiplier, parentSizing, parentSlice));
                        break;
                    case FragmentSpreadNode spread:
                    {
                        // A cycle (refused by validation anyway) adds nothing.
                        if (!fragments.TryGetValue(spread.Name.Value, out var fragment) || !_inProgress.Add(spread.Name.Value))
                        {
                            break;
                        }

                        total = Add(total, Walk(fragment.SelectionSet, TypeOf(fragment.TypeCondition) ?? parentType, multiplier, parentSizing, parentSlice));
                        _inProgress.Remove(spread.Name.Value);
                        break;
                    }
                }
            }

            return total;
        }

        private NamedType? TypeOf(NamedTypeNode? condition) => condition is null ? null : cost._schema.GetType(condition.Name.Value);

        /// <summary>The size a slicing argument asks for (the largest given), the assumed size without one, capped.</summary>
        private long Slice(FieldNode field, ListSize sizing)
        {
            long? asked = null;
            if (sizing.SlicingArguments is { } slicing)
            {
                foreach (var argument in field.Arguments)
                {
                    if (slicing.Contains(argument.Name.Value) && IntValue(argument.Value) is { } value)
                    {
                        asked = Math.Max(asked ?? 0, value);
                    }
                }
            }

            return Math.Clamp(asked ?? sizing.AssumedSize, 0, sizing.MaxSize);
        }

        private long? IntValue(ValueNode value)
        {
            switch (value)
            {
                case IntValueNode literal:
                    return long.TryParse(literal.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) ? parsed : long.MaxValue;
                case VariableNode variable:
                {
                    var name = variable.Name.Value;
                    if (request.Variables is { } variables)
                    {
                        if (variables.TryGetValue(name, out var raw)) return FromRaw(raw);
                    }
                    else if (request.VariablesJson is { ValueKind: JsonValueKind.Object } json && json.TryGetProperty(name, out var element))
                    {
                        return FromRaw(element);
                    }

                    foreach (var definition in operation.VariableDefinitions)
                    {
                        if (definition.Variable.Name.Value == name && definition.DefaultValue is { } defaultValue && defaultValue is not VariableNode)
                        {
                            return IntValue(defaultValue);
                        }
                    }

                    return null;
                }

                default:
                    return null;
            }
        }

        // A value that is not an integer fails variable coercion later; for the cost it counts as the cap.
        private static long? FromRaw(object? raw) => raw switch
        {
            null => null,
            JsonElement { ValueKind: JsonValueKind.Null } => null,
            JsonElement { ValueKind: JsonValueKind.Number } number => number.TryGetInt64(out var whole) ? whole : long.MaxValue,
            int i => i,
            long l => l,
            _ => long.MaxValue,
        };
    }

    private static bool IsList(GraphQLType type) => type is ListType || type is NonNullType { OfType: ListType };

    private static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    private static long Saturate(long a, long b) => a == 0 || b == 0 ? 0 : a > long.MaxValue / b ? long.MaxValue : a * b;
}
