using System.Text.Json;
using Tessera.GraphQL.Execution;
using Tessera.GraphQL.Language;
using Tessera.GraphQL.Types;
using Tessera.GraphQL.Validation;

namespace Tessera.GraphQL;

/// <summary>Limits and cache size of <see cref="GraphQLService"/>.</summary>
public sealed class GraphQLServiceOptions
{
    /// <summary>Longest query text accepted, in characters. Defaults to 100,000.</summary>
    public int MaxDocumentLength { get; init; } = 100_000;

    /// <summary>Most tokens a document may have; the lexer stops at this count. Defaults to 10,000.</summary>
    public int MaxTokens { get; init; } = 10_000;

    /// <summary>Deepest nesting of field selections (fragments expanded), introspection subtrees aside. Defaults to 15.</summary>
    public int MaxDepth { get; init; } = 15;

    /// <summary>
    /// Deepest nesting under <c>__schema</c> or <c>__type</c>, counted from that field (fragments expanded). Introspection
    /// is measured by this bound instead of <see cref="MaxDepth"/>: the standard query of graphql-js (which GraphiQL,
    /// Apollo, codegen and Postman send) is 15 deep whatever the schema, because of its fixed <c>ofType</c> chain.
    /// Aliases and field counts still count introspection like any other field. Defaults to 20.
    /// </summary>
    public int MaxIntrospectionDepth { get; init; } = 20;

    /// <summary>Most aliased fields in an operation (fragments expanded). Defaults to 100.</summary>
    public int MaxAliases { get; init; } = 100;

    /// <summary>Most field selections in an operation (fragments expanded). Defaults to 2,000.</summary>
    public int MaxFields { get; init; } = 2_000;

    /// <summary>Most documents kept in the parsed-and-validated cache. Defaults to 1,000.</summary>
    public int CacheSize { get; init; } = 1_000;

    /// <summary>Most characters of query text kept in the cache overall. Defaults to 10,000,000.</summary>
    public long CacheMaxTotalLength { get; init; } = 10_000_000;

    /// <summary>Validation stops after this many errors. Defaults to 100.</summary>
    public int MaxValidationErrors { get; init; } = 100;

    /// <summary>Most operations in one batch (<see cref="GraphQLService.ExecuteBatchAsync"/>). Defaults to 10.</summary>
    public int MaxBatchSize { get; init; } = 10;

    /// <summary>
    /// Most objects an operation, or a whole batch, may produce by <see cref="QueryCost"/>; over it nothing runs and
    /// the answer is a <c>QUERY_TOO_COSTLY</c> error. Defaults to 0: no cost limit.
    /// </summary>
    public long MaxCost { get; init; }

    /// <summary>List sizes by <c>Type.field</c>, for cost analysis. Defaults to none.</summary>
    public IReadOnlyDictionary<string, ListSize> ListSizes { get; init; } = new Dictionary<string, ListSize>();

    /// <summary>Items assumed of a list field without an entry in <see cref="ListSizes"/>. Defaults to 10.</summary>
    public int DefaultListSize { get; init; } = 10;
}

/// <summary>One request to <see cref="GraphQLService"/>.</summary>
public sealed class GraphQLRequest
{
    /// <summary>The query text.</summary>
    public string? Query { get; init; }

    /// <summary>The operation to run when the document has several.</summary>
    public string? OperationName { get; init; }

    /// <summary>Raw variable values (CLR values, dictionaries, lists or JsonElements).</summary>
    public IReadOnlyDictionary<string, object?>? Variables { get; init; }

    /// <summary>Raw variable values as one JSON object, used when <see cref="Variables"/> is null.</summary>
    public JsonElement? VariablesJson { get; init; }

    /// <summary>The root value.</summary>
    public object? RootValue { get; init; }

    /// <summary>Per-request user context, available to resolvers.</summary>
    public object? UserContext { get; init; }

    /// <summary>Services available to resolvers.</summary>
    public IServiceProvider? Services { get; init; }
}

/// <summary>
/// The request pipeline: size limit, document cache (keyed by query text; hit = no parse and no validation),
/// parse with a token limit, validation, depth/alias/field limits, cost analysis (with the request's variables),
/// then execution. An invalid or over-limit
/// document is answered with GraphQL errors and never executed. Thread-safe; one instance per schema.
/// </summary>
public sealed class GraphQLService
{
    private readonly DocumentCache _cache;
    private readonly QueryCost _cost;

    /// <summary>Creates the service.</summary>
    public GraphQLService(Schema schema, GraphQLServiceOptions? options = null)
    {
        Schema = schema ?? throw new ArgumentNullException(nameof(schema));
        Options = options ?? new GraphQLServiceOptions();
        _cache = new DocumentCache(Options.CacheSize, Options.CacheMaxTotalLength);
        _cost = new QueryCost(Schema, Options);
    }

    /// <summary>The schema.</summary>
    public Schema Schema { get; }

    /// <summary>The options.</summary>
    public GraphQLServiceOptions Options { get; }

    /// <summary>Cost analysis with this service's list sizes.</summary>
    public QueryCost Cost => _cost;

    /// <summary>Number of documents in the cache.</summary>
    public int CachedDocumentCount => _cache.Count;

    /// <summary>Parses, validates and checks limits of a query, using the cache. The entry's errors are non-empty when it must not run.</summary>
    public PreparedDocument Prepare(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Length > Options.MaxDocumentLength)
        {
            return new PreparedDocument(null, [LimitError($"Document exceeds the maximum length of {Options.MaxDocumentLength} characters.", "DOCUMENT_TOO_LARGE")]);
        }

        if (_cache.TryGet(query, out var cached))
        {
            return cached;
        }

        PreparedDocument prepared;
        try
        {
            var document = Parser.Parse(query, new ParserOptions { MaxTokens = Options.MaxTokens });
            var errors = DocumentValidator.Validate(Schema, document, new ValidationOptions { MaxErrors = Options.MaxValidationErrors });
            if (errors.Count == 0)
            {
                try
                {
                    errors = QueryLimits.Check(document, Options);
                }
                catch (InsufficientExecutionStackException)
                {
                    errors = [LimitError("Document is nested too deeply.", "MAX_DEPTH_EXCEEDED")];
                }
            }

            prepared = errors.Count == 0
                ? new PreparedDocument(document, errors) { Plan = DocumentPlan.For(document) }
                : new PreparedDocument(null, errors);
        }
        catch (GraphQLSyntaxError error)
        {
            prepared = new PreparedDocument(null, [error]);
        }

        _cache.Add(query, prepared);
        return prepared;
    }

    /// <summary>Runs a request through the pipeline.</summary>
    public ValueTask<ExecutionResult> ExecuteAsync(GraphQLRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        // No query at all is a malformed request; an empty one is a document, and parsing answers it like graphql-js
        // ("Syntax Error: Unexpected <EOF>." at the end of the text).
        if (request.Query is null)
        {
            return new ValueTask<ExecutionResult>(ExecutionResult.FromErrors([new GraphQLError("Must provide query string.")]));
        }

        var prepared = Prepare(request.Query);
        if (prepared.Document is null)
        {
            return new ValueTask<ExecutionResult>(ExecutionResult.FromErrors(prepared.Errors));
        }

        if (Options.MaxCost > 0 && _cost.Of(prepared.Document, request) is var cost && cost > Options.MaxCost)
        {
            return new ValueTask<ExecutionResult>(ExecutionResult.FromErrors([QueryCost.TooCostly(cost, Options.MaxCost)]));
        }

        // A subscription is a stream of results: it runs through Subscribe, over a transport that can carry one.
        if (SubscriptionExecutor.SelectOperation(prepared.Document, request.OperationName, out _) is { Operation: OperationType.Subscription } subscription)
        {
            return new ValueTask<ExecutionResult>(ExecutionResult.FromErrors([new GraphQLError(
                "Subscription operations are not executed over this transport: subscribe over the WebSocket endpoint.",
                GraphQLError.LocationsOf([subscription]), extensions: new Dictionary<string, object?> { ["code"] = "SUBSCRIPTION_NOT_SUPPORTED_HERE" })]));
        }

        cancellationToken.ThrowIfCancellationRequested();
        return ExecutionEngine.ExecuteAsync(new ExecutionRequest
        {
            Schema = Schema,
            Document = prepared.Document,
            OperationName = request.OperationName,
            Variables = request.Variables,
            VariablesJson = request.VariablesJson,
            RootValue = request.RootValue,
            UserContext = request.UserContext,
            Services = request.Services,
        }, prepared.Document, cancellationToken, prepared.Plan);
    }

    /// <summary>
    /// Subscribe (spec 6.2.3.1) without the source stream: prepares the document as <see cref="ExecuteAsync"/> does
    /// (cache, validation, limits, cost), then selects a subscription operation, coerces its variables and its one root
    /// field's arguments. The host creates the event stream from <see cref="SubscriptionOperation.FieldName"/> and
    /// <see cref="SubscriptionOperation.Arguments"/>, and runs <see cref="ExecuteEventAsync"/> for each event.
    /// </summary>
    public SubscribeResult Subscribe(GraphQLRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Query is null) return new SubscribeResult(null, [new GraphQLError("Must provide query string.")]);
        var prepared = Prepare(request.Query);
        if (prepared.Document is null) return new SubscribeResult(null, prepared.Errors);
        // The cost of one event's result: the same budget as a query's.
        if (Options.MaxCost > 0 && _cost.Of(prepared.Document, request) is var cost && cost > Options.MaxCost)
        {
            return new SubscribeResult(null, [QueryCost.TooCostly(cost, Options.MaxCost)]);
        }

        return SubscriptionExecutor.Subscribe(Schema, prepared.Document, request.OperationName, request.Variables, request.VariablesJson);
    }

    /// <summary>
    /// MapSourceToResponseEvent (spec 6.2.3.2): the subscription's selection set executed with the event as the root
    /// value. Resolver errors land in the result's errors, as for a query.
    /// </summary>
    public ValueTask<ExecutionResult> ExecuteEventAsync(SubscriptionOperation subscription, object? payload, object? userContext = null,
        IServiceProvider? services = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        return SubscriptionExecutor.ExecuteEventAsync(Schema, subscription, payload, userContext, services, cancellationToken);
    }

    /// <summary>
    /// Runs a batch (the official SDK sends an array of operations) one operation after the other and answers in the
    /// same order. A batch larger than <see cref="GraphQLServiceOptions.MaxBatchSize"/> runs nothing: every entry gets
    /// the same limit error.
    /// </summary>
    public async ValueTask<IReadOnlyList<ExecutionResult>> ExecuteBatchAsync(IReadOnlyList<GraphQLRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var results = new ExecutionResult[requests.Count];
        if (requests.Count > Options.MaxBatchSize)
        {
            var error = ExecutionResult.FromErrors([LimitError($"Batch of {requests.Count} operations exceeds the maximum of {Options.MaxBatchSize}.", "BATCH_TOO_LARGE")]);
            Array.Fill(results, error);
            return results;
        }

        // The budget holds for the batch as a whole: ten operations just under it are ten times over it.
        if (Options.MaxCost > 0 && requests.Count > 1)
        {
            long total = 0;
            foreach (var request in requests)
            {
                if (!string.IsNullOrEmpty(request.Query) && Prepare(request.Query).Document is { } document)
                {
                    var cost = _cost.Of(document, request);
                    total = cost > long.MaxValue - total ? long.MaxValue : total + cost;
                }
            }

            if (total > Options.MaxCost)
            {
                Array.Fill(results, ExecutionResult.FromErrors([QueryCost.TooCostly(total, Options.MaxCost)]));
                return results;
            }
        }

        for (var i = 0; i < requests.Count; i++)
        {
            results[i] = await ExecuteAsync(requests[i], cancellationToken).ConfigureAwait(false);
        }

        return results;
    }

    private static GraphQLError LimitError(string message, string code) =>
        new(message, extensions: new Dictionary<string, object?> { ["code"] = code });

    /// <summary>Depth, alias and field-count limits over each operation with fragments expanded.</summary>
    internal static class QueryLimits
    {
        public static IReadOnlyList<GraphQLError> Check(DocumentNode document, GraphQLServiceOptions options)
        {
            var fragments = new Dictionary<string, FragmentDefinitionNode>(StringComparer.Ordinal);
            foreach (var definition in document.Definitions)
            {
                if (definition is FragmentDefinitionNode fragment)
                {
                    fragments[fragment.Name!.Value] = fragment;
                }
            }

            var errors = new List<GraphQLError>();
            var memo = new Dictionary<string, Measure>(StringComparer.Ordinal);
            foreach (var definition in document.Definitions)
            {
                if (definition is not OperationDefinitionNode operation)
                {
                    continue;
                }

                var measure = MeasureSelectionSet(operation.SelectionSet, fragments, memo, []);
                if (measure.Depth > options.MaxDepth)
                {
                    errors.Add(new GraphQLError($"Query depth {measure.Depth} exceeds the maximum allowed depth of {options.MaxDepth}.",
                        GraphQLError.LocationsOf([operation]), extensions: new Dictionary<string, object?> { ["code"] = "MAX_DEPTH_EXCEEDED" }));
                }

                if (measure.IntrospectionDepth > options.MaxIntrospectionDepth)
                {
                    errors.Add(new GraphQLError($"Introspection depth {measure.IntrospectionDepth} exceeds the maximum allowed depth of {options.MaxIntrospectionDepth}.",
                        GraphQLError.LocationsOf([operation]), extensions: new Dictionary<string, object?> { ["code"] = "MAX_DEPTH_EXCEEDED" }));
                }

                if (measure.Aliases > options.MaxAliases)
                {
                    errors.Add(new GraphQLError($"Query has {measure.Aliases} aliases, more than the maximum of {options.MaxAliases}.",
                        GraphQLError.LocationsOf([operation]), extensions: new Dictionary<string, object?> { ["code"] = "MAX_ALIASES_EXCEEDED" }));
                }

                if (measure.Fields > options.MaxFields)
                {
                    errors.Add(new GraphQLError($"Query selects {measure.Fields} fields, more than the maximum of {options.MaxFields}.",
                        GraphQLError.LocationsOf([operation]), extensions: new Dictionary<string, object?> { ["code"] = "MAX_FIELDS_EXCEEDED" }));
                }
            }

            return errors;
        }

        /// <param name="Depth">Deepest nesting outside introspection (an introspection field itself counts 1).</param>
        /// <param name="IntrospectionDepth">Deepest introspection subtree, counted from its <c>__schema</c>/<c>__type</c> field.</param>
        /// <param name="Aliases">Aliased fields, introspection included.</param>
        /// <param name="Fields">Field selections, introspection included.</param>
        private readonly record struct Measure(int Depth, int IntrospectionDepth, long Aliases, long Fields)
        {
            public static Measure Combine(Measure a, Measure b) =>
                new(Math.Max(a.Depth, b.Depth), Math.Max(a.IntrospectionDepth, b.IntrospectionDepth), Saturate(a.Aliases + b.Aliases), Saturate(a.Fields + b.Fields));

            // Fragments reused many times can multiply counts: cap instead of overflowing.
            private static long Saturate(long value) => Math.Min(value, int.MaxValue);
        }

        private static Measure MeasureSelectionSet(SelectionSetNode selectionSet, Dictionary<string, FragmentDefinitionNode> fragments,
            Dictionary<string, Measure> memo, HashSet<string> inProgress)
        {
            System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
            var total = default(Measure);
            foreach (var selection in selectionSet.Selections)
            {
                switch (selection)
                {
                    case FieldNode field:
                    {
                        var inner = field.SelectionSet is null ? default : MeasureSelectionSet(field.SelectionSet, fragments, memo, inProgress);
                        var aliases = inner.Aliases + (field.Alias is null ? 0 : 1);
                        // The one place introspection is told apart: its subtree is measured by its own bound (only the
                        // query root has these fields, so a subtree never holds another one).
                        total = Measure.Combine(total, IsIntrospectionRoot(field)
                            ? new Measure(1, Math.Max(inner.Depth, inner.IntrospectionDepth) + 1, aliases, inner.Fields + 1)
                            : new Measure(inner.Depth + 1, inner.IntrospectionDepth, aliases, inner.Fields + 1));
                        break;
                    }

                    case InlineFragmentNode inline:
                        total = Measure.Combine(total, MeasureSelectionSet(inline.SelectionSet, fragments, memo, inProgress));
                        break;
                    case FragmentSpreadNode spread:
                    {
                        var name = spread.Name.Value;
                        if (memo.TryGetValue(name, out var known))
                        {
                            total = Measure.Combine(total, known);
                            break;
                        }

                        // A cycle (rejected by validation anyway) or an unknown fragment adds nothing.
                        if (!fragments.TryGetValue(name, out var fragment) || !inProgress.Add(name))
                        {
                            break;
                        }

                        var measured = MeasureSelectionSet(fragment.SelectionSet, fragments, memo, inProgress);
                        inProgress.Remove(name);
                        memo[name] = measured;
                        total = Measure.Combine(total, measured);
                        break;
                    }
                }
            }

            return total;
        }

        private static bool IsIntrospectionRoot(FieldNode field) =>
            field.SelectionSet is not null && field.Name.Value is "__schema" or "__type";
    }
}

/// <summary>A parsed document that passed validation and limits (<see cref="Document"/> set), or the errors that stop it.</summary>
/// <param name="Document">The document, null when it must not be executed.</param>
/// <param name="Errors">Syntax, validation or limit errors; empty when the document can run.</param>
public sealed record PreparedDocument(DocumentNode? Document, IReadOnlyList<GraphQLError> Errors)
{
    /// <summary>Field collection shared by the requests that run this document, when it does not depend on variables.</summary>
    internal DocumentPlan? Plan { get; init; }
}

/// <summary>A thread-safe LRU cache of prepared documents, capped by entry count and total query length.</summary>
internal sealed class DocumentCache
{
    private readonly int _capacity;
    private readonly long _maxTotalLength;
    private readonly Dictionary<string, LinkedListNode<(string Key, PreparedDocument Value)>> _map = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, PreparedDocument Value)> _order = new();
    private readonly Lock _lock = new();
    private long _totalLength;

    public DocumentCache(int capacity, long maxTotalLength)
    {
        _capacity = capacity;
        _maxTotalLength = maxTotalLength;
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _map.Count;
            }
        }
    }

    public bool TryGet(string key, out PreparedDocument value)
    {
        lock (_lock)
        {
            if (_map.TryGetValue(key, out var node))
            {
                if (node != _order.First)
                {
                    _order.Remove(node);
                    _order.AddFirst(node);
                }

                value = node.Value.Value;
                return true;
            }
        }

        value = null!;
        return false;
    }

    public void Add(string key, PreparedDocument value)
    {
        if (_capacity <= 0 || key.Length > _maxTotalLength)
        {
            return;
        }

        lock (_lock)
        {
            if (_map.ContainsKey(key))
            {
                return;
            }

            _map[key] = _order.AddFirst((key, value));
            _totalLength += key.Length;
            while (_map.Count > _capacity || _totalLength > _maxTotalLength)
            {
                var last = _order.Last!;
                _order.RemoveLast();
                _map.Remove(last.Value.Key);
                _totalLength -= last.Value.Key.Length;
            }
        }
    }
}
