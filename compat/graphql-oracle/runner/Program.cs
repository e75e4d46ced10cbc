// Runs the oracle corpus through Tessera.GraphQL, the way oracle.mjs runs it through graphql-js: parse, validate
// (every rule), then execute against data.json with the default resolvers. Called by ../run.sh:
//
//   OracleRunner <schema.graphql> <data.json> <corpus.jsonl> <printed-schema-out> <results.jsonl> [start-index]
//
// Writes the SDL printed by Tessera.GraphQL (graphql-js loads that file), then appends one line
// {"name": ..., "result": {errors?, data?}} per corpus document from start-index on, flushed after each, so that
// run.sh can resume after a document that kills the process. Each document also goes through GraphQLService (the
// production pipeline: cache, limits); when its answer differs from the step-by-step one, the line carries it as
// "service" (compare.mjs lists those documents).
using System.Text;
using System.Text.Json;
using Tessera.GraphQL;
using Tessera.GraphQL.Execution;
using Tessera.GraphQL.Language;
using Tessera.GraphQL.Types;
using Tessera.GraphQL.Validation;

if (args.Length < 5)
{
    Console.Error.WriteLine("usage: OracleRunner <schema.graphql> <data.json> <corpus.jsonl> <printed-schema-out> <results.jsonl> [start-index]");
    return 64;
}

var start = args.Length > 5 ? int.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture) : 0;

Schema schema;
try
{
    // graphql-js runs on the printed SDL, so Tessera does too: build, print, rebuild from the print.
    var printed = SchemaPrinter.Print(SchemaBuilder.BuildFromSdl(File.ReadAllText(args[0])));
    File.WriteAllText(args[3], printed);
    schema = SchemaBuilder.BuildFromSdl(printed);
    if (start == 0 && SchemaPrinter.Print(schema) != printed)
    {
        Console.Error.WriteLine("oracle: printing the schema rebuilt from the printed SDL gives a different SDL");
    }
}
catch (SchemaValidationException e)
{
    Console.Error.WriteLine("oracle: Tessera.GraphQL rejects the schema:\n  " + string.Join("\n  ", e.Errors));
    return 3;
}

using var data = JsonDocument.Parse(File.ReadAllBytes(args[1]));
var root = data.RootElement;
var lines = File.ReadAllLines(args[2]);
var service = new GraphQLService(schema);

await using var output = new StreamWriter(args[4], append: true, new UTF8Encoding(false));
for (var i = start; i < lines.Length; i++)
{
    if (string.IsNullOrWhiteSpace(lines[i]))
    {
        continue;
    }

    using var entry = JsonDocument.Parse(lines[i]);
    var name = entry.RootElement.GetProperty("name").GetString()!;
    var result = await CaptureAsync(() => RunAsync(schema, root, entry.RootElement));
    var isValidateOnly = entry.RootElement.TryGetProperty("validateOnly", out var validateOnly) && validateOnly.GetBoolean();
    var serviceResult = isValidateOnly ? result : await CaptureAsync(() => RunThroughServiceAsync(service, root, entry.RootElement));

    output.Write("{\"name\":");
    output.Write(JsonSerializer.Serialize(name));
    output.Write(",\"result\":");
    output.Write(result);
    if (serviceResult != result)
    {
        output.Write(",\"service\":");
        output.Write(serviceResult);
    }

    output.Write("}\n");
    output.Flush();
}

return 0;

static async Task<string> CaptureAsync(Func<Task<string>> run)
{
    try
    {
        return await run();
    }
    catch (Exception e)
    {
        // An exception escaping the engine is a bug of its own: record it instead of an answer.
        return JsonSerializer.Serialize(new { crash = $"{e.GetType().Name}: {e.Message}" });
    }
}

static async Task<string> RunThroughServiceAsync(GraphQLService service, JsonElement root, JsonElement entry)
{
    var result = await service.ExecuteAsync(new GraphQLRequest
    {
        Query = entry.GetProperty("query").GetString(),
        VariablesJson = entry.TryGetProperty("variables", out var variables) ? variables : null,
        OperationName = entry.TryGetProperty("operationName", out var operationName) ? operationName.GetString() : null,
        RootValue = root,
    });
    return result.ToJson();
}

static async Task<string> RunAsync(Schema schema, JsonElement root, JsonElement entry)
{
    var query = entry.GetProperty("query").GetString()!;
    DocumentNode document;
    try
    {
        document = Parser.Parse(query);
    }
    catch (GraphQLSyntaxError error)
    {
        return ExecutionResult.FromErrors([error]).ToJson();
    }

    var validationErrors = DocumentValidator.Validate(schema, document);
    if (validationErrors.Count > 0)
    {
        return ExecutionResult.FromErrors(validationErrors).ToJson();
    }

    if (entry.TryGetProperty("validateOnly", out var validateOnly) && validateOnly.GetBoolean())
    {
        return "{}";
    }

    var result = await Executor.ExecuteAsync(new ExecutionRequest
    {
        Schema = schema,
        Document = document,
        VariablesJson = entry.TryGetProperty("variables", out var variables) ? variables : null,
        OperationName = entry.TryGetProperty("operationName", out var operationName) ? operationName.GetString() : null,
        RootValue = root,
    });
    return result.ToJson();
}
