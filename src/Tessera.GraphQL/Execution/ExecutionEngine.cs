using System.Collections;
using System.Text.Json;
using Tessera.GraphQL.Language;
using Tessera.GraphQL.Types;

namespace Tessera.GraphQL.Execution;

/// <summary>The state of one execution.</summary>
internal sealed class ExecutionContext
{
    private readonly List<GraphQLError> _errors = [];

    public required Schema Schema { get; init; }

    public required OperationDefinitionNode Operation { get; init; }

    public required Dictionary<string, FragmentDefinitionNode> Fragments { get; init; }

    public required IReadOnlyDictionary<string, object?> Variables { get; init; }

    public object? RootValue { get; init; }

    public object? UserContext { get; init; }

    public IServiceProvider? Services { get; init; }

    public CancellationToken CancellationToken { get; init; }

    public DataLoaderRegistry DataLoaders { get; } = new();

    public void AddError(GraphQLError error)
    {
        lock (_errors)
        {
            _errors.Add(error);
        }
    }

    public IReadOnlyList<GraphQLError> Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToArray();
            }
        }
    }
}

/// <summary>Fields of one response key, merged across the selections that ask for it, with per-execution caches.</summary>
internal sealed class CollectedField
{
    private static readonly IReadOnlyDictionary<string, object?> s_noArguments = new Dictionary<string, object?>();
    private FieldNode[] _nodes;
    private int _count;
    private IReadOnlyDictionary<string, object?>? _arguments;
    private GraphQLError? _argumentError;
    private ObjectType? _subType;
    private CollectedField[]? _subFields;
    private Dictionary<ObjectType, CollectedField[]>? _moreSubFields;

    public CollectedField(string responseName, FieldNode node, FieldDefinition definition)
    {
        ResponseName = responseName;
        _nodes = [node];
        _count = 1;
        Definition = definition;
    }

    public string ResponseName { get; }

    public FieldDefinition Definition { get; }

    public FieldNode First => _nodes[0];

    public IReadOnlyList<FieldNode> Nodes
    {
        get
        {
            if (_nodes.Length != _count)
            {
                Array.Resize(ref _nodes, _count);
            }

            return _nodes;
        }
    }

    public void Add(FieldNode node)
    {
        if (_count == _nodes.Length)
        {
            Array.Resize(ref _nodes, _count * 2);
        }

        _nodes[_count++] = node;
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

    public CollectedField[] GetSubFields(ExecutionContext context, ObjectType type)
    {
        if (ReferenceEquals(_subType, type))
        {
            return _subFields!;
        }

        if (_subType is null)
        {
            _subFields = FieldCollector.CollectSubfields(context, type, this);
            _subType = type;
            return _subFields;
        }

        _moreSubFields ??= [];
        if (!_moreSubFields.TryGetValue(type, out var fields))
        {
            fields = FieldCollector.CollectSubfields(context, type, this);
            _moreSubFields[type] = fields;
        }

        return fields;
    }
}

/// <summary>CollectFields (spec 6.3.2) with <c>@skip</c> / <c>@include</c> and fragment type conditions.</summary>
internal static class FieldCollector
{
    public static CollectedField[] CollectFields(ExecutionContext context, ObjectType type, SelectionSetNode selectionSet)
    {
        var fields = new List<CollectedField>();
        Dictionary<string, CollectedField>? index = null;
        HashSet<string>? visited = null;
        Collect(context, type, selectionSet, fields, ref index, ref visited);
        return fields.ToArray();
    }

    public static CollectedField[] CollectSubfields(ExecutionContext context, ObjectType type, CollectedField field)
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

        return fields.ToArray();
    }

    private static void Collect(ExecutionContext context, ObjectType type, SelectionSetNode selectionSet, List<CollectedField> fields,
        ref Dictionary<string, CollectedField>? index, ref HashSet<string>? visited)
    {
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

/// <summary>ExecuteOperation, ExecuteSelectionSet, ExecuteField and CompleteValue (spec 6.2-6.4).</summary>
internal static class ExecutionEngine
{
    /// <summary>Marks a position that must become null but is non-null: the parent takes the null instead.</summary>
    internal static readonly object Bubble = new();

    public static async ValueTask<ExecutionResult> ExecuteAsync(ExecutionRequest request, DocumentNode document, CancellationToken cancellationToken)
    {
        var schema = request.Schema;
        OperationDefinitionNode? operation = null;
        var fragments = new Dictionary<string, FragmentDefinitionNode>(StringComparer.Ordinal);
        foreach (var definition in document.Definitions)
        {
            switch (definition)
            {
                case OperationDefinitionNode op:
                    if (request.OperationName is null)
                    {
                        if (operation is not null)
                        {
                            return ExecutionResult.FromErrors([new GraphQLError("Must provide operation name if query contains multiple operations.")]);
                        }

                        operation = op;
                    }
                    else if (op.Name?.Value == request.OperationName)
                    {
                        operation = op;
                    }

                    break;
                case FragmentDefinitionNode fragment:
                    fragments[fragment.Name!.Value] = fragment;
                    break;
            }
        }

        if (operation is null)
        {
            return ExecutionResult.FromErrors([new GraphQLError(request.OperationName is null
                ? "Must provide an operation."
                : $"Unknown operation named \"{request.OperationName}\".")]);
        }

        var rawVariables = request.Variables;
        if (rawVariables is null && request.VariablesJson is { ValueKind: JsonValueKind.Object } json)
        {
            var dictionary = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var property in json.EnumerateObject())
            {
                dictionary[property.Name] = property.Value;
            }

            rawVariables = dictionary;
        }

        IReadOnlyDictionary<string, object?> variables;
        if (operation.VariableDefinitions.Count == 0)
        {
            variables = new Dictionary<string, object?>();
        }
        else
        {
            var variableErrors = new List<GraphQLError>();
            variables = ValueCoercion.CoerceVariableValues(schema, operation.VariableDefinitions, rawVariables, variableErrors);
            if (variableErrors.Count > 0)
            {
                return ExecutionResult.FromErrors(variableErrors);
            }
        }

        var context = new ExecutionContext
        {
            Schema = schema,
            Operation = operation,
            Fragments = fragments,
            Variables = variables,
            RootValue = request.RootValue,
            UserContext = request.UserContext,
            Services = request.Services,
            CancellationToken = cancellationToken,
        };

        var rootType = schema.GetRootType(operation.Operation);
        if (rootType is null)
        {
            context.AddError(new GraphQLError($"Schema is not configured to execute {Printer.OperationName(operation.Operation)} operation.", operation));
            return new ExecutionResult(null, true, context.Errors);
        }

        object? data;
        try
        {
            var fields = FieldCollector.CollectFields(context, rootType, operation.SelectionSet);
            var pending = operation.Operation == OperationType.Mutation
                ? ExecuteFieldsSeriallyAsync(context, rootType, request.RootValue, fields)
                : ExecuteFields(context, rootType, request.RootValue, fields, null);
            data = pending.IsCompletedSuccessfully ? pending.Result : await DriveAsync(context, pending).ConfigureAwait(false);
        }
        catch (GraphQLError error)
        {
            context.AddError(error);
            data = null;
        }

        return new ExecutionResult(data == Bubble ? null : data as IReadOnlyDictionary<string, object?>, true, context.Errors);
    }

    /// <summary>Waits for the execution, dispatching DataLoader batches whenever execution waits on them.</summary>
    private static async Task<object?> DriveAsync(ExecutionContext context, ValueTask<object?> pending)
    {
        var task = pending.AsTask();
        var loaders = context.DataLoaders;
        while (!task.IsCompleted)
        {
            if (loaders.HasPending)
            {
                await loaders.DispatchAllAsync(context.CancellationToken).ConfigureAwait(false);
                continue;
            }

            await Task.WhenAny(task, loaders.WhenPendingAsync()).ConfigureAwait(false);
        }

        return await task.ConfigureAwait(false);
    }

    private static async ValueTask<object?> ExecuteFieldsSeriallyAsync(ExecutionContext context, ObjectType type, object? source, CollectedField[] fields)
    {
        var result = new ResponseObject(fields);
        for (var i = 0; i < fields.Length; i++)
        {
            var field = fields[i];
            var value = ExecuteField(context, type, source, field, new ResponsePath(null, field.ResponseName, 0));
            // The top-level loop dispatches DataLoader batches while this awaits.
            var completed = value.IsCompletedSuccessfully ? value.Result : await value.ConfigureAwait(false);
            if (completed == Bubble)
            {
                return Bubble;
            }

            result.Values[i] = completed;
        }

        return result;
    }

    private static ValueTask<object?> ExecuteFields(ExecutionContext context, ObjectType type, object? source, CollectedField[] fields, ResponsePath? path)
    {
        var result = new ResponseObject(fields);
        List<(int Index, ValueTask<object?> Value)>? pending = null;
        for (var i = 0; i < fields.Length; i++)
        {
            var field = fields[i];
            var value = ExecuteField(context, type, source, field, new ResponsePath(path, field.ResponseName, 0));
            if (value.IsCompletedSuccessfully)
            {
                var completed = value.Result;
                if (completed == Bubble)
                {
                    return new ValueTask<object?>(Bubble);
                }

                result.Values[i] = completed;
            }
            else
            {
                (pending ??= []).Add((i, value));
            }
        }

        return pending is null ? new ValueTask<object?>(result) : AwaitFieldsAsync(result, pending);
    }

    private static async ValueTask<object?> AwaitFieldsAsync(ResponseObject result, List<(int Index, ValueTask<object?> Value)> pending)
    {
        var bubble = false;
        foreach (var (index, value) in pending)
        {
            var completed = await value.ConfigureAwait(false);
            if (completed == Bubble)
            {
                bubble = true;
            }
            else
            {
                result.Values[index] = completed;
            }
        }

        return bubble ? Bubble : result;
    }

    private static ValueTask<object?> ExecuteField(ExecutionContext context, ObjectType parentType, object? source, CollectedField field, ResponsePath path)
    {
        var definition = field.Definition;
        if (ReferenceEquals(definition, Introspection.TypeNameMetaField))
        {
            return new ValueTask<object?>(parentType.Name);
        }

        context.CancellationToken.ThrowIfCancellationRequested();
        object? resolved;
        try
        {
            var arguments = field.GetArguments(context);
            var resolver = definition.Resolver;
            if (resolver is null)
            {
                resolved = JsonValues.GetProperty(source, definition.Name);
            }
            else
            {
                var resolveContext = new ResolveFieldContext(context, source, arguments, definition, parentType, field.Nodes, path);
                var value = resolver(resolveContext);
                if (!value.IsCompletedSuccessfully)
                {
                    return ResolveAndCompleteAsync(context, value, parentType, field, path);
                }

                resolved = value.Result;
            }
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            context.AddError(Located(error, field, path));
            return new ValueTask<object?>(definition.Type is NonNullType ? Bubble : null);
        }

        var result = CompleteValue(context, definition.Type, parentType, field, resolved, path);
        if (result.IsCompletedSuccessfully)
        {
            var completed = result.Result;
            return new ValueTask<object?>(completed == Bubble && definition.Type is not NonNullType ? null : completed);
        }

        return FieldCatchAsync(result, definition.Type);
    }

    private static async ValueTask<object?> FieldCatchAsync(ValueTask<object?> result, GraphQLType type)
    {
        var completed = await result.ConfigureAwait(false);
        return completed == Bubble && type is not NonNullType ? null : completed;
    }

    private static async ValueTask<object?> ResolveAndCompleteAsync(ExecutionContext context, ValueTask<object?> value, ObjectType parentType,
        CollectedField field, ResponsePath path)
    {
        var type = field.Definition.Type;
        object? resolved;
        try
        {
            resolved = await value.ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
        {
            context.AddError(Located(error, field, path));
            return type is NonNullType ? Bubble : null;
        }

        var completed = await CompleteValue(context, type, parentType, field, resolved, path).ConfigureAwait(false);
        return completed == Bubble && type is not NonNullType ? null : completed;
    }

    internal static GraphQLError Located(Exception error, CollectedField field, ResponsePath path)
    {
        var graphQLError = error as GraphQLError;
        return new GraphQLError(error.Message, field.Locations(), path.ToList(), graphQLError?.Extensions, graphQLError?.InnerException ?? error);
    }

    private static ValueTask<object?> CompleteValue(ExecutionContext context, GraphQLType type, ObjectType parentType, CollectedField field,
        object? result, ResponsePath path)
    {
        if (type is NonNullType nonNull)
        {
            var inner = CompleteValue(context, nonNull.OfType, parentType, field, result, path);
            if (inner.IsCompletedSuccessfully)
            {
                return new ValueTask<object?>(CheckNonNull(context, inner.Result, parentType, field, path));
            }

            return CompleteNonNullAsync(context, inner, parentType, field, path);
        }

        if (result is null || result is JsonElement { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined })
        {
            return new ValueTask<object?>((object?)null);
        }

        try
        {
            switch (type)
            {
                case ScalarType scalar:
                {
                    var serialized = scalar.Serialize(result);
                    if (serialized is null)
                    {
                        throw new GraphQLError($"Expected `{scalar.Name}.serialize({Inspector.Inspect(result)})` to return non-nullable value, returned: null");
                    }

                    return new ValueTask<object?>(serialized);
                }

                case EnumType enumType:
                    return new ValueTask<object?>(enumType.Serialize(result));
                case ListType list:
                    return CompleteListValue(context, list, parentType, field, result, path);
                case ObjectType objectType:
                    return CompleteObjectValue(context, objectType, field, result, path);
                default:
                {
                    var runtimeType = ResolveRuntimeType(context, (NamedType)type, parentType, field, result, path);
                    return CompleteObjectValue(context, runtimeType, field, result, path);
                }
            }
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            context.AddError(Located(error, field, path));
            return new ValueTask<object?>(Bubble);
        }
    }

    private static object? CheckNonNull(ExecutionContext context, object? completed, ObjectType parentType, CollectedField field, ResponsePath path)
    {
        if (completed is null)
        {
            context.AddError(new GraphQLError($"Cannot return null for non-nullable field {parentType.Name}.{field.Definition.Name}.", field.Locations(), path.ToList()));
            return Bubble;
        }

        return completed;
    }

    private static async ValueTask<object?> CompleteNonNullAsync(ExecutionContext context, ValueTask<object?> inner, ObjectType parentType,
        CollectedField field, ResponsePath path) =>
        CheckNonNull(context, await inner.ConfigureAwait(false), parentType, field, path);

    private static ValueTask<object?> CompleteListValue(ExecutionContext context, ListType listType, ObjectType parentType, CollectedField field,
        object result, ResponsePath path)
    {
        if (!JsonValues.IsList(result))
        {
            throw new GraphQLError($"Expected Iterable, but did not find one for field \"{parentType.Name}.{field.Definition.Name}\".");
        }

        var itemType = listType.OfType;
        var itemIsNonNull = itemType is NonNullType;
        List<object?> items;
        IEnumerable enumerable;
        if (result is JsonElement element)
        {
            items = new List<object?>(element.GetArrayLength());
            enumerable = EnumerateJsonArray(element);
        }
        else
        {
            items = result is ICollection collection ? new List<object?>(collection.Count) : [];
            enumerable = (IEnumerable)result;
        }

        List<(int Index, ValueTask<object?> Value)>? pending = null;
        var index = 0;
        foreach (var item in enumerable)
        {
            var value = CompleteValue(context, itemType, parentType, field, item, new ResponsePath(path, null, index));
            if (value.IsCompletedSuccessfully)
            {
                var completed = value.Result;
                if (completed == Bubble)
                {
                    if (itemIsNonNull)
                    {
                        return new ValueTask<object?>(Bubble);
                    }

                    completed = null;
                }

                items.Add(completed);
            }
            else
            {
                (pending ??= []).Add((index, value));
                items.Add(null);
            }

            index++;
        }

        return pending is null ? new ValueTask<object?>(items) : AwaitItemsAsync(items, pending, itemIsNonNull);
    }

    private static IEnumerable EnumerateJsonArray(JsonElement element)
    {
        foreach (var item in element.EnumerateArray())
        {
            yield return item;
        }
    }

    private static async ValueTask<object?> AwaitItemsAsync(List<object?> items, List<(int Index, ValueTask<object?> Value)> pending, bool itemIsNonNull)
    {
        var bubble = false;
        foreach (var (index, value) in pending)
        {
            var completed = await value.ConfigureAwait(false);
            if (completed == Bubble)
            {
                if (itemIsNonNull)
                {
                    bubble = true;
                }

                continue;
            }

            items[index] = completed;
        }

        return bubble ? Bubble : items;
    }

    private static ValueTask<object?> CompleteObjectValue(ExecutionContext context, ObjectType type, CollectedField field, object result, ResponsePath path)
    {
        if (type.IsTypeOf is { } isTypeOf && !isTypeOf(result))
        {
            throw new GraphQLError($"Expected value of type \"{type.Name}\" but got: {Inspector.Inspect(result)}.");
        }

        return ExecuteFields(context, type, result, field.GetSubFields(context, type), path);
    }

    private static ObjectType ResolveRuntimeType(ExecutionContext context, NamedType abstractType, ObjectType parentType, CollectedField field,
        object result, ResponsePath path)
    {
        var resolver = abstractType switch
        {
            InterfaceType i => i.ResolveType,
            UnionType u => u.ResolveType,
            _ => null,
        };

        string? name = null;
        if (resolver is not null)
        {
            var arguments = field.GetArguments(context);
            name = resolver(result, new ResolveFieldContext(context, result, arguments, field.Definition, parentType, field.Nodes, path));
        }
        else
        {
            if (JsonValues.Normalize(JsonValues.GetProperty(result, "__typename")) is string typeName)
            {
                name = typeName;
            }
            else
            {
                foreach (var possible in context.Schema.GetPossibleTypes(abstractType))
                {
                    if (possible.IsTypeOf is { } isTypeOf && isTypeOf(result))
                    {
                        name = possible.Name;
                        break;
                    }
                }
            }
        }

        if (name is null)
        {
            throw new GraphQLError(
                $"Abstract type \"{abstractType.Name}\" must resolve to an Object type at runtime for field \"{parentType.Name}.{field.Definition.Name}\". Either the \"{abstractType.Name}\" type should provide a \"resolveType\" function or each possible type should provide an \"isTypeOf\" function.");
        }

        var runtimeType = context.Schema.GetType(name);
        if (runtimeType is null)
        {
            throw new GraphQLError($"Abstract type \"{abstractType.Name}\" was resolved to a type \"{name}\" that does not exist inside the schema.");
        }

        if (runtimeType is not ObjectType objectType)
        {
            throw new GraphQLError($"Abstract type \"{abstractType.Name}\" was resolved to a non-object type \"{name}\".");
        }

        if (!context.Schema.IsSubType(abstractType, objectType))
        {
            throw new GraphQLError($"Runtime Object type \"{objectType.Name}\" is not a possible type for \"{abstractType.Name}\".");
        }

        return objectType;
    }
}

/// <summary>An ordered response map with keys fixed at creation (one per collected field).</summary>
internal sealed class ResponseObject : IReadOnlyDictionary<string, object?>
{
    private readonly CollectedField[] _fields;

    public ResponseObject(CollectedField[] fields)
    {
        _fields = fields;
        Values = new object?[fields.Length];
    }

    public object?[] Values { get; }

    public int Count => _fields.Length;

    public string KeyAt(int index) => _fields[index].ResponseName;

    public object? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys
    {
        get
        {
            foreach (var collected in _fields)
            {
                yield return collected.ResponseName;
            }
        }
    }

    IEnumerable<object?> IReadOnlyDictionary<string, object?>.Values => Values;

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, out object? value)
    {
        for (var i = 0; i < _fields.Length; i++)
        {
            if (_fields[i].ResponseName == key)
            {
                value = Values[i];
                return true;
            }
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < _fields.Length; i++)
        {
            yield return new KeyValuePair<string, object?>(_fields[i].ResponseName, Values[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
