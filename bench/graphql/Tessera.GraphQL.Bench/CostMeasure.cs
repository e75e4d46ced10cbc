using System.Diagnostics;
using System.Text.Json;
using Tessera.GraphQL.Types;

namespace Tessera.GraphQL.Bench;

/// <summary>
/// What cost analysis (<see cref="QueryCost"/>) adds to a request: the analysis alone on the small and the
/// 200-field query (cached documents, as in production), then the warm pipeline with and without a cost limit,
/// timed with a plain loop. <c>--cost [seconds]</c>.
/// </summary>
public static class CostMeasure
{
    public static void Run(double seconds)
    {
        var graphql = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..");
        var oracle = Path.Combine(graphql, "..", "..", "compat", "graphql-oracle");
        var schema = SchemaBuilder.BuildFromSdl(File.ReadAllText(Path.Combine(oracle, "schema.graphql")));
        using var data = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(oracle, "data.json")));
        var small = File.ReadAllText(Path.Combine(graphql, "queries", "small.graphql"));
        var large = File.ReadAllText(Path.Combine(graphql, "queries", "large.graphql"));
        var smallVariables = new Dictionary<string, object?> { ["id"] = "acct_1" };
        var withLimit = new GraphQLService(schema, new GraphQLServiceOptions { MaxCost = 10_000 });
        var without = new GraphQLService(schema);

        foreach (var (name, query, variables) in new[] { ("small", small, smallVariables), ("large", large, null) })
        {
            var request = new GraphQLRequest { Query = query, Variables = variables, RootValue = data.RootElement };
            var document = withLimit.Prepare(query).Document!;
            long cost = 0;
            Print(name, "analysis only", Measure(() => cost = withLimit.Cost.Of(document, request), seconds), cost);
            Print(name, "warm, no cost limit", Measure(() => without.ExecuteAsync(request).AsTask().GetAwaiter().GetResult(), seconds), null);
            Print(name, "warm, MaxCost 10000", Measure(() => withLimit.ExecuteAsync(request).AsTask().GetAwaiter().GetResult(), seconds), null);
        }
    }

    private static void Print(string query, string mode, double nanoseconds, long? cost) =>
        Console.WriteLine(JsonSerializer.Serialize(new { query, mode, nsPerOp = Math.Round(nanoseconds), cost }));

    private static double Measure(Action call, double seconds)
    {
        for (var i = 0; i < 1000; i++) call(); // warm-up
        var stopwatch = Stopwatch.StartNew();
        long iterations = 0;
        while (stopwatch.Elapsed.TotalSeconds < seconds)
        {
            for (var i = 0; i < 64; i++) call();
            iterations += 64;
        }

        return stopwatch.Elapsed.TotalNanoseconds / iterations;
    }
}
