using System.Buffers;
using System.Text;
using System.Text.Json;
using Tessera.GraphQL.Execution;
using Tessera.GraphQL.Types;
using Xunit;
using static Tessera.GraphQL.Tests.TestHelpers;

namespace Tessera.GraphQL.Tests.Execution;

public class ResponseWriterTests
{
    private static readonly Schema s_schema = SchemaBuilder.FromSdl("""
            type Query { s: [String] n: [Float] i: Int l: JSON j: JSON d: JSON bad: Int nested: Nested }
            type Nested { s: String "weird key" x: Int }
            scalar JSON
            """)
        .Bind("Query", "s", _ => new[] { "plain", "quote \" backslash \\ slash /", "control \u0001 \n \t", "unicode é 😀 <html> &", "" })
        .Bind("Query", "n", _ => new object[] { 1.5, 1e21, -0.0, 3, 2147483647L, 0.1 + 0.2 })
        .Bind("Query", "l", _ => new Dictionary<string, object?> { ["a\"b"] = new List<object?> { 1L, null, true, 2.5m }, ["nested"] = new Dictionary<string, object?> { ["k"] = "v" } })
        .Bind("Query", "bad", _ => throw new GraphQLError("bad \"one\"", extensions: new Dictionary<string, object?> { ["code"] = "X", ["n"] = 1 }))
        .Build();

    private static string ViaUtf8JsonWriter(ExecutionResult result)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = ResponseWriter.RelaxedEncoder }))
        {
            result.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public async Task CompactWriterAndUtf8JsonWriterProduceIdenticalJson()
    {
        var root = Json("""{"j": {"a": [1, 2.50, "x\u00e9\"", {"b": null}], "c": true}, "d": "text", "nested": {"s": "\ud83d\ude00 \"q\"", "x": 1.0}}""");
        var result = await RunAsync(s_schema, "{ s n i l j d bad nested { s x } }", root);

        var compact = result.ToJson();
        // Same values; JSON leaves copied from the source may keep the source's own (valid) escapes, e.g. \u00e9.
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(ViaUtf8JsonWriter(result)), System.Text.Json.Nodes.JsonNode.Parse(compact)));
        Assert.Contains("\"x\\u00e9\\\"\"", compact);
        using var parsed = JsonDocument.Parse(compact);
        Assert.Equal("quote \" backslash \\ slash /", parsed.RootElement.GetProperty("data").GetProperty("s")[1].GetString());
        Assert.Equal("bad \"one\"", parsed.RootElement.GetProperty("errors")[0].GetProperty("message").GetString());
    }

    [Fact]
    public async Task ResponsesCanBeWrittenIntoABufferWriter()
    {
        var result = await RunAsync(s_schema, "{ i }", Json("""{"i": 5}"""));
        var buffer = new ArrayBufferWriter<byte>();
        result.WriteTo(buffer);
        Assert.Equal("""{"data":{"i":5}}""", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void ErrorsOnlyResponsesHaveNoDataEntry()
    {
        var result = ExecutionResult.FromErrors([new GraphQLError("nope", [new SourceLocation(1, 2)])]);
        Assert.Equal("""{"errors":[{"message":"nope","locations":[{"line":1,"column":2}]}]}""", result.ToJson());
    }

    [Fact]
    public async Task IndentedOutputIsAvailableForHumans()
    {
        var result = await RunAsync(s_schema, "{ i }", Json("""{"i": 5}"""));
        Assert.Equal("{\n  \"data\": {\n    \"i\": 5\n  }\n}", result.ToJson(indented: true).ReplaceLineEndings("\n"));
    }
}
