using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Tessera.Data;
using Tessera.GraphQL;
using Tessera.GraphQL.Execution;
using Tessera.GraphQL.Language;
using Tessera.Http;
using Tessera.OpenApi;

namespace Tessera.DataApi;

/// <summary>
/// <c>/v1/graphql</c> over the GraphQL-over-HTTP spec: POST with one operation or a batch (the official SDK sends an
/// array), GET for queries only. Authentication happens first: a bad credential is an HTTP 401 with the JSON error
/// body, which the SDK reads as "session over", before any GraphQL runs.
/// </summary>
public static class GraphQLApi
{
    public const string Path = "/v1/graphql";
    private const int MaxBodyBytes = 1024 * 1024;
    private const string GraphQLResponseMediaType = "application/graphql-response+json";

    public static IEndpointRouteBuilder MapGraphQLApi(this IEndpointRouteBuilder routes)
    {
        Document(routes.MapPost(Path, PostAsync).WithName("GraphQLPost").WithSummary("Run a GraphQL operation or a batch of them")
            .Accepts<GraphQLRequestBody>("application/json"), 400, 413, 415);
        Document(routes.MapGet(Path, GetAsync).WithName("GraphQLGet").WithSummary("Run a GraphQL query (no mutations over GET), or open the explorer in a browser")
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // The explorer page, for a browser (Accept: text/html) that sends no query.
                if (operation.Responses?["200"] is Microsoft.OpenApi.OpenApiResponse ok)
                    ok.Content!["text/html"] = new() { Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String } };
                return Task.CompletedTask;
            }), 400, 405);
        return routes;
    }

    /// <summary>
    /// GraphQL's own answers (application/json, or application/graphql-response+json when accepted) and the request
    /// errors that never reached GraphQL, in GraphQL's error shape; 401 and 429 are the API's error body.
    /// </summary>
    private static void Document(RouteHandlerBuilder endpoint, params int[] requestErrors)
    {
        endpoint.WithTags("GraphQL")
            .AcceptsCredential(Credential.SessionToken, Credential.ProfileApiKey)
            .Produces<GraphQLResponseBody>(StatusCodes.Status200OK, "application/json", GraphQLResponseMediaType);
        foreach (var status in requestErrors) endpoint.Produces<GraphQLResponseBody>(status, "application/json", GraphQLResponseMediaType);
    }

    private static async Task PostAsync(HttpContext http, GraphQLService graphql, TesseraDbContext db)
    {
        var (caller, refusal) = await GraphQLAuthentication.AuthenticateAsync(http, db, http.RequestAborted);
        if (caller is null) { await RefuseAsync(http, refusal); return; }
        await using var _ = caller;
        if (!JsonBody.IsJsonContentType(http.Request.ContentType))
        {
            await RequestErrorAsync(http, 415, "Send the request as JSON with Content-Type: application/json.");
            return;
        }

        // Declared too large: refused before a byte is read. Sent without a length (chunked): read only up to one
        // byte past the limit, and Kestrel is told the same, so no request costs more than the limit in memory.
        if (http.Request.ContentLength > MaxBodyBytes) { await BodyTooLargeAsync(http); return; }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = MaxBodyBytes + 1;
        // The body is read into a pooled buffer (a fresh 4 KB array per request was ~4% of a transactions page's
        // allocations); the parsed document reads from it, so it goes back to the pool only after the response.
        var body = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == body.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(body.Length * 2, MaxBodyBytes + 1));
                    body.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(body);
                    body = larger;
                }
                int read;
                try { read = await http.Request.Body.ReadAsync(body.AsMemory(length), http.RequestAborted); }
                catch (BadHttpRequestException ex)
                {
                    if (ex.StatusCode == StatusCodes.Status413PayloadTooLarge) await BodyTooLargeAsync(http);
                    else await RequestErrorAsync(http, 400, "The request body could not be read.");
                    return;
                }
                if (read == 0) break;
                length += read;
                if (length > MaxBodyBytes) { await BodyTooLargeAsync(http); return; }
            }
            await ExecuteBodyAsync(http, graphql, caller, body.AsMemory(0, length));
        }
        finally { ArrayPool<byte>.Shared.Return(body); }
    }

    private static async Task ExecuteBodyAsync(HttpContext http, GraphQLService graphql, GraphQLCaller caller, ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            await RequestErrorAsync(http, 400, "The request body is not valid JSON.");
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                var requests = new List<GraphQLRequest>();
                foreach (var item in root.EnumerateArray())
                {
                    var (request, error) = ReadRequest(item, caller, http);
                    if (error is not null) { await RequestErrorAsync(http, 400, error); return; }
                    requests.Add(request!);
                }
                if (requests.Count == 0) { await RequestErrorAsync(http, 400, "A batch must hold at least one operation."); return; }
                var results = await graphql.ExecuteBatchAsync(requests, http.RequestAborted);
                await caller.DisposeAsync(); // the connection goes back to the pool before the response is written
                await WriteBatchAsync(http, results);
                return;
            }
            var (single, problem) = ReadRequest(root, caller, http);
            if (problem is not null) { await RequestErrorAsync(http, 400, problem); return; }
            var result = await graphql.ExecuteAsync(single!, http.RequestAborted);
            await caller.DisposeAsync();
            await WriteResultAsync(http, result);
        }
    }

    private static async Task GetAsync(HttpContext http, GraphQLService graphql, TesseraDbContext db)
    {
        // A missing `query` is a malformed request (400); a present but empty one is a document with a syntax error,
        // answered by GraphQL like any other (GraphQL over HTTP: the parameter is required, its content is GraphQL's).
        var hasQuery = http.Request.Query.TryGetValue("query", out var queryValues);
        var query = queryValues.ToString();
        if (!hasQuery && AcceptsHtml(http))
        {
            await GraphQLExplorer.WriteAsync(http);
            return;
        }
        var (caller, refusal) = await GraphQLAuthentication.AuthenticateAsync(http, db, http.RequestAborted);
        if (caller is null) { await RefuseAsync(http, refusal); return; }
        await using var _ = caller;
        if (!hasQuery) { await RequestErrorAsync(http, 400, "Provide the query in the `query` parameter."); return; }

        var operationName = http.Request.Query["operationName"].ToString() is { Length: > 0 } name ? name : null;
        // Mutations change state: never over GET (a link or an image could trigger them).
        var prepared = graphql.Prepare(query);
        if (prepared.Document is not null && SelectsMutation(prepared.Document, operationName))
        {
            http.Response.Headers.Allow = "POST";
            await RequestErrorAsync(http, 405, "Mutations are only accepted over POST.");
            return;
        }
        JsonElement? variables = null;
        var rawVariables = http.Request.Query["variables"].ToString();
        if (rawVariables.Length > 0)
        {
            try
            {
                using var parsed = JsonDocument.Parse(rawVariables);
                if (parsed.RootElement.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null)) { await RequestErrorAsync(http, 400, "`variables` must be a JSON object."); return; }
                variables = parsed.RootElement.Clone();
            }
            catch (JsonException) { await RequestErrorAsync(http, 400, "`variables` is not valid JSON."); return; }
        }
        var result = await graphql.ExecuteAsync(new GraphQLRequest
        {
            Query = query, OperationName = operationName, VariablesJson = variables, UserContext = caller, Services = http.RequestServices,
        }, http.RequestAborted);
        await caller.DisposeAsync();
        await WriteResultAsync(http, result);
    }

    private static bool SelectsMutation(DocumentNode document, string? operationName)
    {
        foreach (var definition in document.Definitions)
        {
            if (definition is OperationDefinitionNode operation && (operationName is null || operation.Name?.Value == operationName))
                return operation.Operation == OperationType.Mutation;
        }
        return false;
    }

    private static (GraphQLRequest? Request, string? Error) ReadRequest(JsonElement item, GraphQLCaller caller, HttpContext http)
    {
        if (item.ValueKind != JsonValueKind.Object) return (null, "Each operation must be a JSON object with a `query`.");
        if (!item.TryGetProperty("query", out var query) || query.ValueKind != JsonValueKind.String)
            return (null, "Provide the operation's `query` as a string.");
        string? operationName = null;
        if (item.TryGetProperty("operationName", out var name) && name.ValueKind != JsonValueKind.Null)
        {
            if (name.ValueKind != JsonValueKind.String) return (null, "`operationName` must be a string.");
            operationName = name.GetString();
        }
        JsonElement? variables = null;
        if (item.TryGetProperty("variables", out var vars) && vars.ValueKind != JsonValueKind.Null)
        {
            if (vars.ValueKind != JsonValueKind.Object) return (null, "`variables` must be a JSON object.");
            variables = vars.Clone();
        }
        if (item.TryGetProperty("extensions", out var extensions) && extensions.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            return (null, "`extensions` must be a JSON object.");
        return (new GraphQLRequest { Query = query.GetString(), OperationName = operationName, VariablesJson = variables, UserContext = caller, Services = http.RequestServices }, null);
    }

    private static bool AcceptsHtml(HttpContext http) => http.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    /// <summary>application/graphql-response+json when the client accepts it (then request errors are HTTP 400), else application/json.</summary>
    private static string ResponseMediaType(HttpContext http)
    {
        var accept = http.Request.Headers.Accept.ToString();
        return accept.Contains(GraphQLResponseMediaType, StringComparison.OrdinalIgnoreCase) ? GraphQLResponseMediaType : "application/json";
    }

    private static async Task WriteResultAsync(HttpContext http, ExecutionResult result)
    {
        var mediaType = ResponseMediaType(http);
        // A result with no data entry is a request error (syntax, validation, variables): 400 under the new media type.
        http.Response.StatusCode = mediaType == GraphQLResponseMediaType && !result.HasData ? 400 : 200;
        // The database is down or restarting: a status a client retries on, not a 200 whose errors it would show.
        if (GraphQLErrorMasking.DatabaseUnavailable(result)) Data.DatabaseUnavailable.MarkResponse(http.Response);
        http.Response.ContentType = mediaType + "; charset=utf-8";
        GraphQLErrorMasking.Mask(result, http).WriteTo(http.Response.BodyWriter);
        await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
    }

    private static async Task WriteBatchAsync(HttpContext http, IReadOnlyList<ExecutionResult> results)
    {
        http.Response.StatusCode = 200;
        if (results.Any(GraphQLErrorMasking.DatabaseUnavailable)) Data.DatabaseUnavailable.MarkResponse(http.Response);
        http.Response.ContentType = ResponseMediaType(http) + "; charset=utf-8";
        var writer = http.Response.BodyWriter;
        writer.Write("["u8);
        for (var i = 0; i < results.Count; i++)
        {
            if (i > 0) writer.Write(","u8);
            GraphQLErrorMasking.Mask(results[i], http).WriteTo(writer);
        }
        writer.Write("]"u8);
        await writer.FlushAsync(http.RequestAborted);
    }

    /// <summary>401 for a missing or bad credential, else the refusal authentication gave (429 over the request budget).</summary>
    private static Task RefuseAsync(HttpContext http, IResult? refusal)
    {
        if (refusal is not null) return refusal.ExecuteAsync(http);
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return ApiError.WriteAsync(http, 401, "Not Authenticated", GraphQLAuthentication.Instruction);
    }

    private static Task BodyTooLargeAsync(HttpContext http) =>
        RequestErrorAsync(http, 413, $"The request body exceeds {MaxBodyBytes / 1024} KiB.");

    /// <summary>A request that never reached GraphQL: the GraphQL error shape, with the status that says why.</summary>
    private static async Task RequestErrorAsync(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = ResponseMediaType(http) + "; charset=utf-8";
        await http.Response.WriteAsync(JsonSerializer.Serialize(new { errors = new[] { new { message } } }), http.RequestAborted);
    }
}
