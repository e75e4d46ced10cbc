using Microsoft.AspNetCore.Http.HttpResults;

namespace Tessera.Http;

/// <summary>The error body of every 4xx/5xx response (the spec's Errors section).</summary>
public sealed record ApiError(
    string Message,
    string Instruction,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] Guid? ErrorId = null)
{
    public static JsonHttpResult<ApiError> Result(int status, string message, string instruction) =>
        TypedResults.Json(new ApiError(message, instruction), statusCode: status);

    public static JsonHttpResult<ApiError> NotAuthenticated(string instruction) =>
        Result(StatusCodes.Status401Unauthorized, "Not Authenticated", instruction);

    public static JsonHttpResult<ApiError> NotFound(string what) =>
        Result(StatusCodes.Status404NotFound, $"{what} not found", $"Check the {what.ToLowerInvariant()} id; it must belong to this environment.");

    public static JsonHttpResult<ApiError> Conflict(string message, string instruction) =>
        Result(StatusCodes.Status409Conflict, message, instruction);

    public static JsonHttpResult<ApiError> TooManyRequests(HttpContext http, int retryAfterSeconds, string message)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, retryAfterSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Result(StatusCodes.Status429TooManyRequests, message, $"Retry after {Math.Max(1, retryAfterSeconds)} seconds.");
    }

    /// <summary>Writes the body directly, for middleware that runs outside an endpoint.</summary>
    public static Task WriteAsync(HttpContext http, int status, string message, string instruction, Guid? errorId = null)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(new ApiError(message, instruction, errorId), TesseraJson.Options);
    }
}

/// <summary>A 422 body: <c>{"field": ["message", ...]}</c>.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
    }

    public JsonHttpResult<Dictionary<string, List<string>>> ToResult() =>
        TypedResults.Json(_errors, statusCode: StatusCodes.Status422UnprocessableEntity);
}

public static class TesseraJson
{
    public static readonly System.Text.Json.JsonSerializerOptions Options = new(System.Text.Json.JsonSerializerDefaults.Web);
}
