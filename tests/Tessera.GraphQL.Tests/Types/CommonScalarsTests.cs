using System.Text.Json;
using Tessera.GraphQL.Types;
using Xunit;
using static Tessera.GraphQL.Tests.TestHelpers;

namespace Tessera.GraphQL.Tests.Types;

public class CommonScalarsTests
{
    private sealed record UpdateInput(string Id, DateOnly? Since, Dictionary<string, object?>? Metadata);

    private static Schema BuildSchema() => SchemaBuilder.FromSdl("""
            type Query { at: DateTime day: Date meta: JSON
              shift(at: DateTime!, days: Int!): DateTime
              update(input: UpdateInput!): String }
            input UpdateInput { id: ID! since: Date metadata: JSON }
            scalar DateTime scalar Date scalar JSON
            """)
        .Scalar(CommonScalars.CreateDateTime())
        .Scalar(CommonScalars.CreateDate())
        .Scalar(CommonScalars.CreateJson())
        .Bind("Query", "at", _ => new DateTimeOffset(2024, 1, 31, 10, 30, 0, TimeSpan.FromHours(1)))
        .Bind("Query", "day", _ => new DateOnly(2024, 2, 29))
        .Bind("Query", "meta", _ => new Dictionary<string, object?> { ["a"] = new[] { 1, 2 } })
        .Bind("Query", "shift", ctx => ctx.GetArgument<DateTimeOffset>("at").AddDays(ctx.GetArgument<int>("days")))
        .Bind("Query", "update", ctx =>
        {
            var input = ctx.GetInput<UpdateInput>("input")!;
            return $"{input.Id} {input.Since:yyyy-MM-dd} {JsonSerializer.Serialize(input.Metadata)}";
        })
        .Build();

    [Fact]
    public async Task DatesAndDateTimesSerializeAsIso8601()
    {
        Assert.Equal("""{"data":{"at":"2024-01-31T09:30:00.000Z","day":"2024-02-29","meta":{"a":[1,2]}}}""",
            await RunJsonAsync(BuildSchema(), "{ at day meta }"));
    }

    [Fact]
    public async Task DateTimeInputsAreParsedFromLiteralsAndVariables()
    {
        var schema = BuildSchema();
        Assert.Equal("""{"data":{"shift":"2024-02-01T09:30:00.000Z"}}""",
            await RunJsonAsync(schema, """{ shift(at: "2024-01-31T09:30:00Z", days: 1) }"""));
        Assert.Equal("""{"data":{"shift":"2024-01-30T22:00:00.000Z"}}""",
            await RunJsonAsync(schema, "query($at: DateTime!) { shift(at: $at, days: -1) }", variables: new Dictionary<string, object?> { ["at"] = "2024-01-31T23:00:00+01:00" }));
    }

    [Fact]
    public async Task DateTimeWithoutAnOffsetIsRejected()
    {
        var result = await RunAsync(BuildSchema(), "query($at: DateTime!) { shift(at: $at, days: 1) }",
            variables: new Dictionary<string, object?> { ["at"] = "2024-01-31T09:30:00" });
        Assert.Equal("Variable \"$at\" got invalid value \"2024-01-31T09:30:00\"; DateTime cannot represent an invalid date-time: \"2024-01-31T09:30:00\"",
            Assert.Single(result.Errors!).Message);
    }

    [Fact]
    public async Task InputObjectsMapOntoClrRecords()
    {
        var json = await RunJsonAsync(BuildSchema(), """{ update(input: {id: "acct_1", since: "2024-03-01", metadata: {tag: "x", n: 2}}) }""");
        Assert.Equal("""{"data":{"update":"acct_1 2024-03-01 {\"tag\":\"x\",\"n\":2}"}}""", json);
    }
}
