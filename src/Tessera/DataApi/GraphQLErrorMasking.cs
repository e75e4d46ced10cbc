using Tessera.GraphQL;
using Tessera.GraphQL.Execution;

namespace Tessera.DataApi;

/// <summary>
/// What a client may read of an error. A <see cref="GraphQLError"/> thrown on purpose (a bad cursor, a filter over its
/// limit) is shown as written; any other exception a resolver or a scalar met (the database's, .NET's) says how the
/// server is built and what it runs on, so it is answered with a generic message and an <c>errorId</c>, and logged
/// in full under that id.
/// </summary>
public static class GraphQLErrorMasking
{
    public const string Code = "INTERNAL_SERVER_ERROR";
    public const string Message = "Internal server error. Try again later; if it persists, report the errorId.";

    /// <summary>The result as the client may see it: unexpected errors masked (the same instance when there are none).</summary>
    public static ExecutionResult Mask(ExecutionResult result, HttpContext http) =>
        result.Errors is not { } errors || !errors.Any(IsUnexpected)
            ? result
            : Mask(result, http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Tessera.GraphQL"));

    /// <summary>As <see cref="Mask(ExecutionResult, HttpContext)"/>, outside a request (a subscription's event).</summary>
    public static ExecutionResult Mask(ExecutionResult result, ILogger logger)
    {
        if (result.Errors is not { } errors || !errors.Any(IsUnexpected)) return result;
        var masked = new List<GraphQLError>(errors.Count);
        foreach (var error in errors)
        {
            if (!IsUnexpected(error)) { masked.Add(error); continue; }
            var errorId = Guid.NewGuid();
            logger.LogError(error.InnerException, "GraphQL error {ErrorId} at {Path}: {Message}", errorId,
                error.Path is null ? "(request)" : string.Join('.', error.Path), error.Message);
            masked.Add(new GraphQLError(Message, error.Locations, error.Path,
                new Dictionary<string, object?> { ["code"] = Code, ["errorId"] = errorId.ToString("D") }));
        }
        return new ExecutionResult(result.Data, result.HasData, masked) { Extensions = result.Extensions };
    }

    /// <summary>Whether an error came from an unreachable database: the request is answered 503 with Retry-After.</summary>
    public static bool DatabaseUnavailable(ExecutionResult result) =>
        result.Errors is { } errors && errors.Any(e => Data.DatabaseUnavailable.Is(e.InnerException));

    /// <summary>The engine keeps the exception that was not a GraphQL error as the error's inner exception.</summary>
    private static bool IsUnexpected(GraphQLError error) => error.InnerException is { } inner && inner is not GraphQLError;
}
