namespace Tessera.Http;

/// <summary>
/// Every response that is not a success carries the error body: unmatched routes (404), wrong methods (405),
/// unreadable requests (400), an unreachable database (503 with <c>Retry-After</c>) and, for the unexpected, a 500 with an <c>errorId</c> that is also logged.
/// </summary>
public static class ErrorHandling
{
    public static IApplicationBuilder UseTesseraErrors(this IApplicationBuilder app)
    {
        app.Use(async (http, next) =>
        {
            try
            {
                await next(http);
                if (NeedsErrorBody(http.Response)) await WriteErrorBodyAsync(http);
            }
            catch (BadHttpRequestException ex) when (!http.Response.HasStarted)
            {
                http.Response.Clear();
                await ApiError.WriteAsync(http, ex.StatusCode, "Bad request", ex.Message);
            }
            catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
            {
                // The client went away; nothing to answer.
            }
            catch (Exception ex) when (!http.Response.HasStarted && Data.DatabaseUnavailable.Is(ex))
            {
                // Not a bug: the database is down or restarting. Fail fast and say when to come back.
                http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Tessera.Errors")
                    .LogWarning("Database unavailable on {Method} {Path}: {Error}", http.Request.Method, http.Request.Path, ex.GetBaseException().Message);
                http.Response.Clear();
                Data.DatabaseUnavailable.MarkResponse(http.Response);
                await ApiError.WriteAsync(http, StatusCodes.Status503ServiceUnavailable, Data.DatabaseUnavailable.Message, Data.DatabaseUnavailable.Instruction);
            }
            catch (Exception ex) when (!http.Response.HasStarted)
            {
                var errorId = Guid.NewGuid();
                http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Tessera.Errors")
                    .LogError(ex, "Unhandled error {ErrorId} on {Method} {Path}", errorId, http.Request.Method, http.Request.Path);
                http.Response.Clear();
                await ApiError.WriteAsync(http, StatusCodes.Status500InternalServerError, "Internal server error",
                    "Try again later; if it persists, report the errorId.", errorId);
            }
        });

        return app;
    }

    // What UseStatusCodePages did, without its per-request feature objects (~5% of a token verification's managed
    // allocations): an error status that left the body empty gets the documented one. Nothing in Tessera turns it off.
    private static bool NeedsErrorBody(HttpResponse response) =>
        response.StatusCode is >= 400 and < 600 && !response.HasStarted && response.ContentLength is null && response.ContentType is null;

    private static Task WriteErrorBodyAsync(HttpContext http)
    {
        var (message, instruction) = http.Response.StatusCode switch
        {
            404 => ("Not found", $"No endpoint answers {http.Request.Method} {http.Request.Path}; see /openapi/v1.json."),
            405 => ("Method not allowed", $"{http.Request.Path} does not accept {http.Request.Method}; see /openapi/v1.json."),
            415 => ("Unsupported content type", "Send the body as JSON with Content-Type: application/json."),
            _ => ("Request failed", "See /openapi/v1.json for the API contract."),
        };
        return ApiError.WriteAsync(http, http.Response.StatusCode, message, instruction);
    }
}
