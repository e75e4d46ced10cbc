using System.Collections;
using System.Text.Json;
using Tessera.GraphQL.Language;
using Tessera.GraphQL.Types;
using Tessera.GraphQL.Utilities;

namespace Tessera.GraphQL.Execution;

/// <summary>ExecuteOperation, ExecuteSelectionSet, ExecuteField and CompleteValue (spec 6.2-6.4).</summary>
internal static class ExecutionEngine
{
    /// <summary>Marks a position that must become null but is non-null: the parent takes the null instead.</summary>
    internal static readonly object Bubble = new();

    private static readonly Dictionary<string, FragmentDefinitionNode> s_noFragments = new(StringComparer.Ordinal);
    private static readonly IReadOnlyDictionary<string, object?> s_noVariables = new Dictionary<string, object?>();

    public static async ValueTask<ExecutionResult> ExecuteAsync(ExecutionRequest request, DocumentNode document, CancellationToken cancellationToken,
        DocumentPlan? plan = null)
    {
        var schema = request.Schema;
        OperationDefinitionNode? operation = null;
        Dictionary<string, FragmentDefinitionNode>? fragments = null;
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
                    (fragments ??= new Dictionary<string, FragmentDefinitionNode>(StringComparer.Ordinal))[fragment.Name!.Value] = fragment;
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
            variables = s_noVariables;
        }
        else
        {
            var variableErrors = new List<GraphQLError>();
            try
            {
                variables = ValueCoercion.CoerceVariableValues(schema, operation.VariableDefinitions, rawVariables, variableErrors);
            }
            catch (InsufficientExecutionStackException)
            {
                return ExecutionResult.FromErrors([new GraphQLError("Variable values are nested too deeply.")]);
            }

            if (variableErrors.Count > 0)
            {
                return ExecutionResult.FromErrors(variableErrors);
            }
        }

        var context = new ExecutionContext
        {
            Schema = schema,
            Operation = operation,
            Fragments = fragments ?? s_noFragments,
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
            var fields = plan is not null
                ? plan.GetRootFields(operation, context, rootType)
                : FieldCollector.CollectFields(context, rootType, operation.SelectionSet);
            var pending = operation.Operation == OperationType.Mutation
                ? ExecuteFieldsSeriallyAsync(context, rootType, request.RootValue, fields)
                : ExecuteFields(context, rootType, request.RootValue, fields, new ResponseObject(fields));
            data = pending.IsCompletedSuccessfully ? pending.Result : await DriveAsync(context, pending).ConfigureAwait(false);
        }
        catch (GraphQLError error)
        {
            context.AddError(error);
            data = null;
        }
        catch (InsufficientExecutionStackException)
        {
            context.AddError(new GraphQLError("Document is nested too deeply to execute."));
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

            var woken = await Task.WhenAny(task, loaders.WhenPendingAsync()).ConfigureAwait(false);
            if (woken != task)
            {
                // A load was queued by a resolver resuming from other work: let the continuations that are ready
                // run first so their loads join the same batch.
                await Task.Yield();
            }
        }

        return await task.ConfigureAwait(false);
    }

    private static async ValueTask<object?> ExecuteFieldsSeriallyAsync(ExecutionContext context, ObjectType type, object? source, FieldSet fieldSet)
    {
        var fields = fieldSet.Fields;
        var result = new ResponseObject(fieldSet);
        for (var i = 0; i < fields.Length; i++)
        {
            var field = fields[i];
            var value = ExecuteField(context, type, source, field, new PathRef(null, field.ResponseName, 0), null, i);
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

    /// <summary>Completes <paramref name="result"/>'s fields (made for <paramref name="fieldSet"/>: it is also their paths' parent).</summary>
    private static ValueTask<object?> ExecuteFields(ExecutionContext context, ObjectType type, object? source, FieldSet fieldSet, ResponseObject result)
    {
        if (!System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new GraphQLError("Document is nested too deeply to execute.");
        }

        var fields = fieldSet.Fields;
        var prefetched = source is JsonElement { ValueKind: JsonValueKind.Object } element ? fieldSet.Prefetch(element) : null;
        var path = result.FieldsParent;
        List<(int Index, ValueTask<object?> Value)>? pending = null;
        for (var i = 0; i < fields.Length; i++)
        {
            var field = fields[i];
            if (prefetched is not null && field.JsonLeaf != JsonLeafKind.None && TryJsonLeafFast(field, prefetched[i], out var leaf))
            {
                // Hot path for JSON data: a built-in scalar already of the right JSON kind needs no resolver and no coercion.
                result.Values[i] = leaf;
                continue;
            }

            var value = ExecuteField(context, type, source, field, new PathRef(path, field.ResponseName, 0), prefetched, i);
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

    private static bool TryJsonLeafFast(CollectedField field, object? value, out object? leaf)
    {
        leaf = value;
        if (value is null)
        {
            return !field.IsNonNullLeaf;
        }

        var element = (JsonElement)value;
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return field.JsonLeaf == JsonLeafKind.String;
            case JsonValueKind.Number:
                // Negative zero is printed "0" by JavaScript: leave it to the slow path, which normalizes it.
                return (field.JsonLeaf == JsonLeafKind.Float || (field.JsonLeaf == JsonLeafKind.Int && element.TryGetInt32(out _)))
                    && IsPlainNumber(element);
            case JsonValueKind.True:
            case JsonValueKind.False:
                return field.JsonLeaf == JsonLeafKind.Boolean;
            case JsonValueKind.Null:
                leaf = null;
                return !field.IsNonNullLeaf;
            default:
                return false;
        }
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

    private static ValueTask<object?> ExecuteField(ExecutionContext context, ObjectType parentType, object? source, CollectedField field, PathRef path,
        object?[]? prefetched, int position)
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
                resolved = prefetched is not null ? prefetched[position] : JsonValues.GetProperty(source, definition);
            }
            else if (definition.SourceResolver is { } fromSource)
            {
                // BindSource: a function of the parent alone needs neither a context nor a materialized path.
                resolved = fromSource(source);
            }
            else
            {
                var resolveContext = new ResolveFieldContext(context, source, arguments, definition, parentType, field.Nodes, path.Materialize());
                var value = resolver(resolveContext);
                if (!value.IsCompletedSuccessfully)
                {
                    return ResolveAndCompleteAsync(context, value, parentType, field, path);
                }

                resolved = value.Result;
            }
        }
        catch (Exception error) when (error is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
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
        CollectedField field, PathRef path)
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

    internal static GraphQLError Located(Exception error, CollectedField field, PathRef path)
    {
        // Like graphql-js locatedError: an error that already points at nodes (e.g. an argument value) keeps them.
        var graphQLError = error as GraphQLError;
        return new GraphQLError(error.Message, graphQLError?.Locations ?? field.Locations(), path.ToList(), graphQLError?.Extensions,
            graphQLError?.InnerException ?? error);
    }

    private static ValueTask<object?> CompleteValue(ExecutionContext context, GraphQLType type, ObjectType parentType, CollectedField field,
        object? result, PathRef path)
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

        if (result is JsonElement leaf && TryCompleteJsonLeaf(type, leaf, result, out var fast))
        {
            return new ValueTask<object?>(fast);
        }

        try
        {
            if (result is Exception returnedError)
            {
                // A resolver may return an error instead of throwing it (graphql-js does the same).
                throw returnedError;
            }

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
        catch (Exception error) when (error is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
        {
            context.AddError(Located(error, field, path));
            return new ValueTask<object?>(Bubble);
        }
    }

    /// <summary>
    /// Built-in scalars and name-valued enums read from JSON data need no conversion when the JSON already has the
    /// right kind: the element is kept and written as is (no string decoding and re-encoding).
    /// </summary>
    private static bool TryCompleteJsonLeaf(GraphQLType type, JsonElement element, object boxed, out object? completed)
    {
        completed = boxed;
        switch (type)
        {
            case ScalarType scalar when scalar.IsSpecifiedScalar:
                switch (element.ValueKind)
                {
                    case JsonValueKind.String:
                        return ReferenceEquals(scalar, ScalarType.String) || ReferenceEquals(scalar, ScalarType.ID);
                    case JsonValueKind.Number:
                        return (ReferenceEquals(scalar, ScalarType.Float) || (ReferenceEquals(scalar, ScalarType.Int) && element.TryGetInt32(out _)))
                            && IsPlainNumber(element);
                    case JsonValueKind.True:
                    case JsonValueKind.False:
                        return ReferenceEquals(scalar, ScalarType.Boolean);
                    default:
                        return false;
                }

            case EnumType enumType when element.ValueKind == JsonValueKind.String:
                foreach (var value in enumType.Values)
                {
                    if (value.Value is string name && (object)name == value.Name && element.ValueEquals(name))
                    {
                        completed = value.Name;
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>
    /// True when the number's JSON text can be copied as is: short, without exponent (so finite, as JavaScript reads it)
    /// and not negative zero (JavaScript prints it "0"). Others take the converting path.
    /// </summary>
    private static bool IsPlainNumber(JsonElement element)
    {
        var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element);
        return raw.Length <= 20 && raw.IndexOfAny((byte)'e', (byte)'E') < 0 && !(raw[0] == (byte)'-' && element.GetDouble() == 0);
    }

    private static object? CheckNonNull(ExecutionContext context, object? completed, ObjectType parentType, CollectedField field, PathRef path)
    {
        if (completed is null)
        {
            context.AddError(new GraphQLError($"Cannot return null for non-nullable field {parentType.Name}.{field.Definition.Name}.", field.Locations(), path.ToList()));
            return Bubble;
        }

        return completed;
    }

    private static async ValueTask<object?> CompleteNonNullAsync(ExecutionContext context, ValueTask<object?> inner, ObjectType parentType,
        CollectedField field, PathRef path) =>
        CheckNonNull(context, await inner.ConfigureAwait(false), parentType, field, path);

    private static ValueTask<object?> CompleteListValue(ExecutionContext context, ListType listType, ObjectType parentType, CollectedField field,
        object result, PathRef path)
    {
        if (!JsonValues.IsList(result))
        {
            throw new GraphQLError($"Expected Iterable, but did not find one for field \"{parentType.Name}.{field.Definition.Name}\".");
        }

        var itemType = listType.OfType;
        var listPath = path.Materialize();
        var itemIsNonNull = itemType is NonNullType;
        List<object?> items;
        IEnumerator? enumerator = null;
        JsonElement.ArrayEnumerator jsonItems = default;
        if (result is JsonElement element)
        {
            items = new List<object?>(element.GetArrayLength());
            jsonItems = element.EnumerateArray();
        }
        else
        {
            items = result is ICollection collection ? new List<object?>(collection.Count) : [];
            enumerator = ((IEnumerable)result).GetEnumerator();
        }

        List<(int Index, ValueTask<object?> Value)>? pending = null;
        var index = 0;
        while (true)
        {
            object? item;
            if (enumerator is null)
            {
                if (!jsonItems.MoveNext())
                {
                    break;
                }

                item = jsonItems.Current;
            }
            else
            {
                if (!enumerator.MoveNext())
                {
                    break;
                }

                item = enumerator.Current;
            }

            var value = CompleteValue(context, itemType, parentType, field, item, new PathRef(listPath, null, index));
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

    private static ValueTask<object?> CompleteObjectValue(ExecutionContext context, ObjectType type, CollectedField field, object result, PathRef path)
    {
        if (type.IsTypeOf is { } isTypeOf && !isTypeOf(result))
        {
            throw new GraphQLError($"Expected value of type \"{type.Name}\" but got: {Inspector.Inspect(result)}.");
        }

        var fieldSet = field.GetSubFields(context, type);
        return ExecuteFields(context, type, result, fieldSet, new ResponseObject(fieldSet, path));
    }

    private static ObjectType ResolveRuntimeType(ExecutionContext context, NamedType abstractType, ObjectType parentType, CollectedField field,
        object result, PathRef path)
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
            name = resolver(result, new ResolveFieldContext(context, result, arguments, field.Definition, parentType, field.Nodes, path.Materialize()));
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
