using System.Text.Json;
using Tessera.GraphQL.Language;
using Tessera.GraphQL.Types;

namespace Tessera.GraphQL.Execution;

/// <summary>One GraphQL request to execute.</summary>
public sealed class ExecutionRequest
{
    /// <summary>The schema.</summary>
    public required Schema Schema { get; init; }

    /// <summary>The parsed document; when null, <see cref="Query"/> is parsed (and validated).</summary>
    public DocumentNode? Document { get; init; }

    /// <summary>The query text, used when <see cref="Document"/> is null.</summary>
    public string? Query { get; init; }

    /// <summary>Raw variable values: CLR values, dictionaries, lists or <see cref="JsonElement"/>s.</summary>
    public IReadOnlyDictionary<string, object?>? Variables { get; init; }

    /// <summary>Raw variable values as one JSON object, used when <see cref="Variables"/> is null.</summary>
    public JsonElement? VariablesJson { get; init; }

    /// <summary>The operation to run when the document has several.</summary>
    public string? OperationName { get; init; }

    /// <summary>The value root fields resolve against (e.g. a parsed JSON object for default resolvers).</summary>
    public object? RootValue { get; init; }

    /// <summary>Per-request user context, available to resolvers.</summary>
    public object? UserContext { get; init; }

    /// <summary>Services available to resolvers.</summary>
    public IServiceProvider? Services { get; init; }
}

/// <summary>The result of executing a request: <c>data</c> and <c>errors</c>.</summary>
public sealed class ExecutionResult
{
    /// <summary>Creates a result.</summary>
    public ExecutionResult(IReadOnlyDictionary<string, object?>? data, bool hasData, IReadOnlyList<GraphQLError>? errors)
    {
        Data = data;
        HasData = hasData;
        Errors = errors is { Count: > 0 } ? errors : null;
    }

    /// <summary>A result with errors only (request errors: syntax, validation, variables): no <c>data</c> entry.</summary>
    public static ExecutionResult FromErrors(IReadOnlyList<GraphQLError> errors) => new(null, false, errors);

    /// <summary>The data: an ordered map of response keys to values (maps, lists, strings, numbers, booleans, null).</summary>
    public IReadOnlyDictionary<string, object?>? Data { get; }

    /// <summary>True when the response has a <c>data</c> entry (possibly null).</summary>
    public bool HasData { get; }

    /// <summary>The errors, or null when there are none.</summary>
    public IReadOnlyList<GraphQLError>? Errors { get; }

    /// <summary>Response extensions, or null.</summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; init; }

    /// <summary>Writes the response as JSON.</summary>
    public void WriteTo(Utf8JsonWriter writer) => ResponseWriter.Write(writer, this);

    /// <summary>Writes the response as compact JSON into a buffer writer (e.g. <c>HttpResponse.BodyWriter</c>).</summary>
    public void WriteTo(System.Buffers.IBufferWriter<byte> output) => ResponseWriter.Write(output, this);

    /// <summary>The response as a JSON string.</summary>
    public string ToJson(bool indented = false) => ResponseWriter.ToJson(this, indented);
}

/// <summary>Executes requests (spec section 6).</summary>
public static class Executor
{
    /// <summary>
    /// Executes a request. When only <see cref="ExecutionRequest.Query"/> is given it is parsed and validated first
    /// (an invalid document is never executed). Fields without a resolver read the same-named property of the parent
    /// (JsonElement, dictionaries or CLR objects), like graphql-js's default resolver, and abstract types resolve
    /// through the value's <c>__typename</c> when no type resolver is set.
    /// </summary>
    public static async ValueTask<ExecutionResult> ExecuteAsync(ExecutionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var document = request.Document;
        if (document is null)
        {
            if (request.Query is null)
            {
                return ExecutionResult.FromErrors([new GraphQLError("Must provide document.")]);
            }

            try
            {
                document = Parser.Parse(request.Query);
            }
            catch (GraphQLSyntaxError error)
            {
                return ExecutionResult.FromErrors([error]);
            }

            var validationErrors = Validation.DocumentValidator.Validate(request.Schema, document);
            if (validationErrors.Count > 0)
            {
                return ExecutionResult.FromErrors(validationErrors);
            }
        }

        return await ExecutionEngine.ExecuteAsync(request, document, cancellationToken).ConfigureAwait(false);
    }
}
