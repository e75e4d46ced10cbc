using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Perfolizer.Horology;
using Tessera.GraphQL;
using Tessera.GraphQL.Execution;
using Tessera.GraphQL.Types;

namespace Tessera.GraphQL.Bench;

/// <summary>
/// Parse + validate + execute throughput through <see cref="GraphQLService"/> (the production pipeline: size limit,
/// document cache, parse, validate, depth/alias/field limits, execute) on the oracle schema and data, for a small
/// query and a 200-field query with fragments. Cold: a new query text every call (a comment with a counter), so
/// the cache misses; warm: the same text, so the cached document is executed. The result is not serialised, as on
/// the graphql-js side (bench/graphql/node/bench.mjs).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortRunConfig))]
public class EngineBenchmarks
{
    private GraphQLService _service = null!;
    private JsonDocument _data = null!;
    private string _small = null!;
    private string _large = null!;
    private Dictionary<string, object?> _smallVariables = null!;
    private long _counter;

    /// <summary>Loads the schema, data and queries shared with the oracle and the node benchmark.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var graphql = FindBenchGraphQLDirectory();
        var oracle = Path.Combine(graphql, "..", "..", "compat", "graphql-oracle");
        var schema = SchemaBuilder.BuildFromSdl(File.ReadAllText(Path.Combine(oracle, "schema.graphql")));
        _data = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(oracle, "data.json")));
        _service = new GraphQLService(schema);
        _small = File.ReadAllText(Path.Combine(graphql, "queries", "small.graphql"));
        _large = File.ReadAllText(Path.Combine(graphql, "queries", "large.graphql"));
        _smallVariables = new Dictionary<string, object?> { ["id"] = "acct_1" };

        foreach (var query in new[] { _small, _large })
        {
            var result = Run(query, query == _small ? _smallVariables : null).AsTask().GetAwaiter().GetResult();
            if (result.Errors is { Count: > 0 } errors)
            {
                throw new InvalidOperationException("benchmark query fails: " + errors[0].Message);
            }
        }
    }

    /// <summary>Releases the data.</summary>
    [GlobalCleanup]
    public void Cleanup() => _data.Dispose();

    /// <summary>Small query, new text each call.</summary>
    [Benchmark]
    public ValueTask<ExecutionResult> SmallCold() => Run(_small + "\n# " + ++_counter, _smallVariables);

    /// <summary>Small query, cached document.</summary>
    [Benchmark]
    public ValueTask<ExecutionResult> SmallWarm() => Run(_small, _smallVariables);

    /// <summary>200-field query with fragments, new text each call.</summary>
    [Benchmark]
    public ValueTask<ExecutionResult> LargeCold() => Run(_large + "\n# " + ++_counter, null);

    /// <summary>200-field query with fragments, cached document.</summary>
    [Benchmark]
    public ValueTask<ExecutionResult> LargeWarm() => Run(_large, null);

    private ValueTask<ExecutionResult> Run(string query, Dictionary<string, object?>? variables) =>
        _service.ExecuteAsync(new GraphQLRequest { Query = query, Variables = variables, RootValue = _data.RootElement });

    private static string FindBenchGraphQLDirectory()
    {
        // BenchmarkDotNet runs the benchmarks from a generated project below bin/: walk up to bench/graphql.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "queries", "large.graphql")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("bench/graphql/queries not found above " + AppContext.BaseDirectory);
    }

    private sealed class ShortRunConfig : ManualConfig
    {
        public ShortRunConfig()
        {
            // A few seconds per benchmark (the machine has 2 cores shared with other work): ShortRun's single
            // launch and 3 warm-ups, 5 measured iterations of at least 250 ms each.
            AddJob(Job.ShortRun
                .WithIterationCount(5)
                .WithMinIterationTime(TimeInterval.FromMilliseconds(250)));
        }
    }
}
