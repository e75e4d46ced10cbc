using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace Tessera.Micro.Bench;

/// <summary>Short runs: the machine is small and shared. <c>dotnet run -c Release -- --filter '*'</c> (see bench/README.md).</summary>
public static class BenchMain
{
    public static void Main(string[] args)
    {
        var config = DefaultConfig.Instance.AddJob(Job.ShortRun.WithWarmupCount(2).WithIterationCount(5));
        BenchmarkSwitcher.FromAssembly(typeof(HotPathBenchmarks).Assembly).Run(args, config);
    }
}
