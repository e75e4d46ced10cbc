using BenchmarkDotNet.Running;
using Tessera.GraphQL.Bench;

// `--quick [seconds]`: a plain timed loop over the four cases (as node/bench.mjs does), printing one JSON line per
// case; run.sh alternates it with the node side so that both are measured under the same machine load.
// Anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "--quick")
{
    var seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1;
    QuickMeasure.Run(seconds);
    return;
}

// `--cost [seconds]`: what cost analysis adds to a request (CostMeasure).
if (args.Length > 0 && args[0] == "--cost")
{
    CostMeasure.Run(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
