namespace Tessera.Tests.Reliability;

/// <summary>
/// When a soak is "flat": after the warm-up (start-up, JIT, pools filling), split the samples into thirds and compare
/// the last third's mean with the first third's, per instance. Flat is: resident set grown by at most 10 % or 32 MiB
/// (whichever is larger), managed heap by at most 25 % or 32 MiB (it moves with each collection), each instance's
/// PostgreSQL connections by at most 2 on average and never above its pool's maximum plus its LISTEN connection.
/// </summary>
internal static class SoakVerdict
{
    private const double MiB = 1024 * 1024;

    public sealed record Result(bool Flat, IReadOnlyList<string> Findings);

    public static Result Decide(IReadOnlyList<ResourceSample> samples, TimeSpan warmup, int maxPoolSize)
    {
        var steady = samples.Where(s => s.At >= warmup).ToList();
        if (steady.Count < 3) return new Result(false, [$"{steady.Count} sample(s) after the warm-up: too few to judge a trend"]);
        var third = steady.Count / 3;
        var (first, last) = (steady.Take(third).ToList(), steady.TakeLast(third).ToList());
        var findings = new List<string>();
        var flat = true;
        for (var i = 0; i < TwoInstanceCluster.Names.Length; i++)
        {
            var name = TwoInstanceCluster.Names[i];
            flat &= Within(findings, $"{name} RSS", first.Average(s => s.Rss[i]), last.Average(s => s.Rss[i]), 0.10);
            flat &= Within(findings, $"{name} managed heap", first.Average(s => s.Heap[i]), last.Average(s => s.Heap[i]), 0.25);
            var (before, after, peak) = (first.Average(s => s.Connections[i]), last.Average(s => s.Connections[i]), steady.Max(s => s.Connections[i]));
            var ok = after - before <= 2 && peak <= maxPoolSize + 1;
            findings.Add($"{name} connections {before:0.0} → {after:0.0} (peak {peak}, bound: +2 and ≤ {maxPoolSize + 1}): {(ok ? "flat" : "GROWING")}");
            flat &= ok;
        }
        return new Result(flat, findings);
    }

    private static bool Within(List<string> findings, string what, double before, double after, double fraction)
    {
        var allowed = Math.Max(before * fraction, 32 * MiB);
        var ok = !double.IsNaN(before) && !double.IsNaN(after) && after - before <= allowed;
        findings.Add($"{what} {before / MiB:0.0} → {after / MiB:0.0} MiB ({(after - before) / MiB:+0.0;-0.0} MiB, bound +{allowed / MiB:0.0}): {(ok ? "flat" : "GROWING")}");
        return ok;
    }
}
