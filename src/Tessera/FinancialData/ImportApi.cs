using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tessera.ApiKeys;
using Tessera.Http;
using Tessera.OpenApi;

namespace Tessera.FinancialData;

/// <summary>
/// <c>POST /v1/import</c>: connections, accounts, balances and transactions from the customer's systems, upserted by
/// their uuid into the API key's environment. A JSON array, or NDJSON (<c>application/x-ndjson</c>), streamed.
/// </summary>
public static class ImportApi
{
    internal static IEndpointRouteBuilder Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/import", ImportAsync).RequireApiKey().WithTags("Import")
            .WithSummary("Import connections, accounts, balances and transactions (JSON array or NDJSON), upserted by uuid").WithName("Import")
            .Accepts<IReadOnlyList<ImportRecordBody>>("application/json", "application/x-ndjson")
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // NDJSON is one record per line, not an array.
                if (operation.RequestBody?.Content?["application/x-ndjson"] is { Schema: Microsoft.OpenApi.OpenApiSchema { Items: { } record } } ndjson)
                    ndjson.Schema = record;
                return Task.CompletedTask;
            })
            // 200: all written; 422: some rejected, the others written. 400/413 also come with the counts of what was
            // written before the body stopped being readable (ImportResponse has message and instruction then).
            .Produces<ImportResponse>(StatusCodes.Status200OK)
            .Produces<ImportResponse>(StatusCodes.Status422UnprocessableEntity)
            .ProducesErrors(400, 413, 415);
        return routes;
    }

    /// <summary>
    /// The answer to an import: 200 when every record was written, 422 when some were rejected (the others were
    /// written), 400/413 with <c>message</c> and <c>instruction</c> when the body stopped being readable (the
    /// valid records before that point were written).
    /// </summary>
    public sealed record ImportResponse(
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Instruction,
        IReadOnlyDictionary<string, int> Imported,
        int Failed,
        IReadOnlyList<ImportErrorView> Errors,
        bool ErrorsTruncated)
    {
        public static ImportResponse From(ImportResult result) => new(result.Abort?.Message, result.Abort?.Instruction, result.Imported, result.Failed,
            result.Errors.Select(e => new ImportErrorView(e.Index, e.Type, e.Uuid, e.Field, e.Message)).ToList(), result.ErrorsTruncated);
    }

    public sealed record ImportErrorView(
        int Index,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Type,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? Uuid,
        string Field,
        string Message);

    private static async Task<Results<JsonHttpResult<ImportResponse>, JsonHttpResult<ApiError>>> ImportAsync(
        HttpContext http, FinancialDataImporter importer, IOptions<ImportOptions> options)
    {
        var limits = options.Value;
        if (http.Request.ContentLength > limits.MaxBodyBytes)
            return ApiError.Result(413, "Request body too large", $"Keep an import under {limits.MaxBodyBytes} bytes (Import:MaxBodyBytes); split larger ones into several batches.");
        if (http.Request.ContentLength == 0)
            return ApiError.Result(400, "Request body is empty", "Send a JSON array of records, or NDJSON with Content-Type: application/x-ndjson.");
        if (ImportSources.FormatOf(http.Request.ContentType) is not { } format)
            return ApiError.Result(415, "Unsupported content type", "Send a JSON array (application/json) or NDJSON (application/x-ndjson).");

        // Imports are big: this endpoint alone lifts the server's body limit, to its own (counted below, since a
        // chunked body has no length to check up front).
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limits.MaxBodyBytes + 1;
        var body = new LimitedReadStream(http.Request.Body, limits.MaxBodyBytes);

        var result = await importer.ImportAsync(http.ApiKeyCaller().Environment.Id,
            ImportSources.Read(body, format, limits.MaxRecordBytes, http.RequestAborted), http.RequestAborted);
        var status = result.Abort?.Status ?? (result.Failed > 0 ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status200OK);
        return TypedResults.Json(ImportResponse.From(result), TesseraJson.Options, statusCode: status);
    }
}
