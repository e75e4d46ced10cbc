using Tessera.GraphQL.Language;
using Tessera.GraphQL.Types;

namespace Tessera.GraphQL.Execution;

/// <summary>What a resolver gets: the parent value, coerced arguments, the field, the request and its services.</summary>
public sealed class ResolveFieldContext
{
    private readonly ExecutionContext _execution;
    private readonly ResponsePath _path;

    internal ResolveFieldContext(ExecutionContext execution, object? source, IReadOnlyDictionary<string, object?> arguments,
        FieldDefinition fieldDefinition, ObjectType parentType, IReadOnlyList<FieldNode> fieldNodes, ResponsePath path)
    {
        _execution = execution;
        Source = source;
        Arguments = arguments;
        FieldDefinition = fieldDefinition;
        ParentType = parentType;
        FieldNodes = fieldNodes;
        _path = path;
    }

    /// <summary>The parent value (the root value for root fields).</summary>
    public object? Source { get; }

    /// <summary>The coerced argument values; an argument that was not given and has no default is absent.</summary>
    public IReadOnlyDictionary<string, object?> Arguments { get; }

    /// <summary>The field being resolved.</summary>
    public FieldDefinition FieldDefinition { get; }

    /// <summary>The field name.</summary>
    public string FieldName => FieldDefinition.Name;

    /// <summary>The type of the field.</summary>
    public GraphQLType ReturnType => FieldDefinition.Type;

    /// <summary>The object type the field belongs to.</summary>
    public ObjectType ParentType { get; }

    /// <summary>The field nodes of the document merged into this response key.</summary>
    public IReadOnlyList<FieldNode> FieldNodes { get; }

    /// <summary>The response path, e.g. <c>["accounts", 0, "name"]</c>.</summary>
    public IReadOnlyList<object> Path => _path.ToList();

    /// <summary>The schema.</summary>
    public Schema Schema => _execution.Schema;

    /// <summary>The operation being executed.</summary>
    public OperationDefinitionNode Operation => _execution.Operation;

    /// <summary>The coerced variable values.</summary>
    public IReadOnlyDictionary<string, object?> Variables => _execution.Variables;

    /// <summary>The root value of the request.</summary>
    public object? RootValue => _execution.RootValue;

    /// <summary>The per-request user context (e.g. the authenticated profile).</summary>
    public object? UserContext => _execution.UserContext;

    /// <summary>The request's services, if given.</summary>
    public IServiceProvider? Services => _execution.Services;

    /// <summary>Cancelled when the request is aborted.</summary>
    public CancellationToken CancellationToken => _execution.CancellationToken;

    /// <summary>The parent value cast to <typeparamref name="T"/>.</summary>
    public T SourceAs<T>() => (T)Source!;

    /// <summary>Reads an argument, converting numbers as needed; <paramref name="defaultValue"/> when absent or null.</summary>
    public T? GetArgument<T>(string name, T? defaultValue = default)
    {
        if (!Arguments.TryGetValue(name, out var value) || value is null)
        {
            return defaultValue;
        }

        if (value is T typed)
        {
            return typed;
        }

        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        if (target.IsEnum && value is string s)
        {
            return (T)Enum.Parse(target, s, ignoreCase: true);
        }

        return (T)Convert.ChangeType(value, target, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Reads an input object (or list) argument into a CLR type through System.Text.Json, matching property names
    /// case-insensitively: <c>var input = ctx.GetInput&lt;AccountUpdateInput&gt;("input");</c>. Null when absent or null.
    /// </summary>
    public T? GetInput<T>(string name)
    {
        if (!Arguments.TryGetValue(name, out var value) || value is null)
        {
            return default;
        }

        return System.Text.Json.JsonSerializer.Deserialize<T>(System.Text.Json.JsonSerializer.SerializeToElement(value), s_inputOptions);
    }

    private static readonly System.Text.Json.JsonSerializerOptions s_inputOptions = new() { PropertyNameCaseInsensitive = true };

    /// <summary>
    /// Whether the query selects the field at <paramref name="path"/> below this one: schema field names, not
    /// aliases (<c>SelectsField("nodes", "account")</c>), looking through fragments. Conservative: a field under
    /// <c>@skip</c>/<c>@include</c> or behind any type condition counts as selected. For resolvers that fetch only
    /// what the query will read.
    /// </summary>
    public bool SelectsField(params ReadOnlySpan<string> path)
    {
        foreach (var node in FieldNodes)
        {
            if (node.SelectionSet is { } selectionSet && Selects(selectionSet, path, 0))
            {
                return true;
            }
        }

        return false;
    }

    private bool Selects(SelectionSetNode selectionSet, ReadOnlySpan<string> path, int fragmentDepth)
    {
        if (path.IsEmpty)
        {
            return true;
        }

        foreach (var selection in selectionSet.Selections)
        {
            switch (selection)
            {
                case FieldNode field when field.Name.Value == path[0]:
                    if (path.Length == 1 || (field.SelectionSet is { } inner && Selects(inner, path[1..], fragmentDepth)))
                    {
                        return true;
                    }

                    break;
                case InlineFragmentNode inline when Selects(inline.SelectionSet, path, fragmentDepth):
                    return true;
                // Validation rules out fragment cycles; the depth bound keeps an unvalidated document finite.
                case FragmentSpreadNode spread when fragmentDepth < 32 && _execution.Fragments.TryGetValue(spread.Name.Value, out var fragment)
                                                    && Selects(fragment.SelectionSet, path, fragmentDepth + 1):
                    return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The request's DataLoader named <paramref name="name"/>, created with <paramref name="batchLoad"/> on first use.
    /// Keys loaded while a level of the query executes are fetched together in one call.
    /// </summary>
    public DataLoader<TKey, TValue> GetDataLoader<TKey, TValue>(string name, BatchLoadFunction<TKey, TValue> batchLoad)
        where TKey : notnull => _execution.DataLoaders.GetOrAdd(name, batchLoad);

    /// <summary>
    /// As <see cref="GetDataLoader{TKey, TValue}(string, BatchLoadFunction{TKey, TValue})"/>, but the batch function is
    /// made by <paramref name="createBatchLoad"/> (given this context) only when the loader is first asked for: with a
    /// static lambda, the calls of every later row allocate nothing.
    /// </summary>
    public DataLoader<TKey, TValue> GetDataLoader<TKey, TValue>(string name, Func<ResolveFieldContext, BatchLoadFunction<TKey, TValue>> createBatchLoad)
        where TKey : notnull => _execution.DataLoaders.GetOrAdd(name, createBatchLoad, this);
}

/// <summary>
/// A position in the response: a linked list of field names and list indexes. An object's own node is its
/// <see cref="ResponseObject"/>, so completing an object allocates no path.
/// </summary>
internal class ResponsePath
{
    public ResponsePath(ResponsePath? previous, string? name, int index)
    {
        Previous = previous;
        Name = name;
        Index = index;
    }

    public ResponsePath? Previous { get; }

    public string? Name { get; }

    public int Index { get; }

    public object Key => Name ?? (object)Index;

    public IReadOnlyList<object> ToList()
    {
        var depth = 0;
        for (var p = this; p is not null; p = p.Previous)
        {
            depth++;
        }

        var keys = new object[depth];
        var i = depth - 1;
        for (var p = this; p is not null; p = p.Previous)
        {
            keys[i--] = p.Key;
        }

        return keys;
    }
}
