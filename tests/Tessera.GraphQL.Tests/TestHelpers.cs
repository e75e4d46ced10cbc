using System.Text.Json;
using Tessera.GraphQL.Execution;
using Tessera.GraphQL.Types;
using Xunit;

namespace Tessera.GraphQL.Tests;

internal static class TestHelpers
{
    public static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    public static async Task<ExecutionResult> RunAsync(Schema schema, string query, object? root = null,
        IReadOnlyDictionary<string, object?>? variables = null, string? operationName = null, object? userContext = null)
    {
        return await Executor.ExecuteAsync(new ExecutionRequest
        {
            Schema = schema,
            Query = query,
            RootValue = root,
            Variables = variables,
            OperationName = operationName,
            UserContext = userContext,
        }, TestContext.Current.CancellationToken);
    }

    public static async Task<string> RunJsonAsync(Schema schema, string query, object? root = null,
        IReadOnlyDictionary<string, object?>? variables = null, string? operationName = null) =>
        (await RunAsync(schema, query, root, variables, operationName)).ToJson();
}
