using Xunit;

namespace Tessera.Tests.Reliability;

/// <summary>
/// The verdict lines of the fault scenarios: into the test's output, and appended to <c>$TESSERA_FAULT_REPORT</c> when
/// it is set (tests/faults/run.sh sets it and prints the file).
/// </summary>
internal static class FaultReport
{
    /// <summary><c>TESSERA_FAULT_FULL=1</c>: the long form of each scenario (more load, more faults).</summary>
    public static bool Full => Environment.GetEnvironmentVariable("TESSERA_FAULT_FULL") == "1";

    /// <summary>A line printed while the scenario runs (a soak's samples): the test's output and the console at once.</summary>
    public static void Progress(ITestOutputHelper output, string scenario, string line)
    {
        output.WriteLine(line);
        Console.WriteLine($"[{scenario}] {line}");
        TestContext.Current.SendDiagnosticMessage($"[{scenario}] {line}");
    }

    public static void Verdict(ITestOutputHelper output, string scenario, bool passed, string figures)
    {
        var line = $"[{scenario}] {(passed ? "PASS" : "FAIL")}: {figures}";
        output.WriteLine(line);
        TestContext.Current.SendDiagnosticMessage(line);
        if (Environment.GetEnvironmentVariable("TESSERA_FAULT_REPORT") is { Length: > 0 } file)
            File.AppendAllText(file, $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ} {line}{Environment.NewLine}");
    }
}

/// <summary>The fault scenarios run one at a time, and after the rest of the suite (not beside it): each starts
/// processes and load of its own, which would starve the other tests' servers on a small machine, and their figures
/// mean more when nothing competes with them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultScenarios
{
    public const string Name = "Fault scenarios";
}
