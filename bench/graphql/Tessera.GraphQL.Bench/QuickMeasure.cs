using System.Diagnostics;
using System.Text.Json;
using Tessera.GraphQL.Execution;

namespace Tessera.GraphQL.Bench;

/// <summary>
/// The four benchmark cases timed with a plain loop: a warm-up of <c>seconds</c>, then <c>seconds</c> of measured
/// calls, like bench/graphql/node/bench.mjs. Less precise than BenchmarkDotNet, but short enough to alternate with
/// the node side.
/// </summary>
public static class QuickMeasure
{
    /// <summary>Measures every case and prints one JSON line each.</summary>
    public static void Run(double seconds)
    {
        var benchmarks = new EngineBenchmarks();
        benchmarks.Setup();
        var cases = new (string Query, string Mode, Func<ValueTask<ExecutionResult>> Call)[]
        {
            ("small", "cold", benchmarks.SmallCold),
            ("small", "warm", benchmarks.SmallWarm),
            ("large", "cold", benchmarks.LargeCold),
            ("large", "warm", benchmarks.LargeWarm),
        };
        foreach (var (query, mode, call) in cases)
        {
            Measure(call, seconds);
            var (iterations, elapsed) = Measure(call, seconds);
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                engine = $"Tessera.GraphQL (.NET {Environment.Version})",
                query,
                mode,
                opsPerSecond = Math.Round(iterations / elapsed),
                iterations,
                seconds = Math.Round(elapsed, 2),
            }));
        }

        benchmarks.Cleanup();
    }

    private static (long Iterations, double Seconds) Measure(Func<ValueTask<ExecutionResult>> call, double seconds)
    {
        var stopwatch = Stopwatch.StartNew();
        var limit = TimeSpan.FromSeconds(seconds);
        long iterations = 0;
        while (stopwatch.Elapsed < limit)
        {
            for (var i = 0; i < 16; i++)
            {
                var pending = call();
                // Default resolvers over JSON complete synchronously; wait only if one did not.
                if (!pending.IsCompletedSuccessfully)
                {
                    pending.AsTask().GetAwaiter().GetResult();
                }
            }

            iterations += 16;
        }

        return (iterations, stopwatch.Elapsed.TotalSeconds);
    }
}
