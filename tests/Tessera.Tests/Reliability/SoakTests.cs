using System.Diagnostics;
using Npgsql;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Reliability;

/// <summary>
/// Issue 23, item 8: two <c>tessera serve</c> processes on one PostgreSQL under a steady mixed load. Each instance's
/// resident set, managed heap and PostgreSQL connections are sampled and printed as the run goes; at the end they must
/// be flat (<see cref="SoakVerdict"/>), no request answered 5xx, and every acknowledged write is in the database once.
/// Quick form: 60 s, a sample every 5 s. <c>TESSERA_FAULT_FULL=1</c>: 30 minutes, a sample every 30 s.
/// </summary>
[Collection(FaultScenarios.Name)]
public sealed class SoakTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task TwoInstancesUnderAMixedLoadKeepMemoryAndConnectionsFlatAndLoseNothing()
    {
        var length = FaultReport.Full ? TimeSpan.FromMinutes(30) : TimeSpan.FromSeconds(60);
        var interval = FaultReport.Full ? TimeSpan.FromSeconds(30) : TimeSpan.FromSeconds(5);
        var warmup = FaultReport.Full ? TimeSpan.FromMinutes(5) : TimeSpan.FromSeconds(20);
        await using var cluster = await TwoInstanceCluster.StartAsync(postgres);
        var load = new MixedLoad(cluster, workers: 4);
        var samples = new List<ResourceSample>();
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var running = load.RunAsync(stop.Token);
        try
        {
            // The sampling cadence sets the run's length; nothing here decides the verdict by time.
            for (var next = interval; next <= length; next += interval)
            {
                if (next > clock.Elapsed) await Task.Delay(next - clock.Elapsed, TestContext.Current.CancellationToken);
                var sample = await cluster.SampleAsync(clock.Elapsed);
                samples.Add(sample);
                FaultReport.Progress(output, "soak", sample.Line(load.Summary()));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
        var ran = clock.Elapsed;
        var audit = await WriteAudit.TakeAsync(cluster, load, TimeSpan.FromSeconds(300));
        var maxPool = new NpgsqlConnectionStringBuilder(cluster.ConnectionString).MaxPoolSize;
        var resources = SoakVerdict.Decide(samples, warmup, maxPool);
        var errors = load.Count((_, s) => s >= 500 || s == 0);
        foreach (var finding in resources.Findings) FaultReport.Progress(output, "soak", finding);
        foreach (var problem in audit.Problems) FaultReport.Progress(output, "soak", problem);

        var passed = resources.Flat && errors == 0 && audit.Lost == 0 && audit.Duplicated == 0 && audit.OutboxUnsent == 0 && audit.MailMissing == 0
                     && audit.EventsMissing == 0 && load.PasscodesMissing.Count == 0;
        FaultReport.Verdict(output, "soak", passed,
            $"{(FaultReport.Full ? "full" : "quick")} form, {ran.TotalMinutes:0.0} min, 4 workers, {load.Requests / ran.TotalSeconds:0} requests/s: {load.Summary()}; " +
            $"{audit.Line}; starts retried after a PostgreSQL connect timeout: {cluster.StartRetries}; memory and connections after a {warmup.TotalSeconds:0} s warm-up: {(resources.Flat ? "flat" : "NOT flat")} ({string.Join("; ", resources.Findings)})");

        Assert.True(samples.Count >= 3, "too few samples");
        Assert.True(load.Count((k, s) => k == "authenticate" && s == 201) > 0, "no passwordless sign-in completed");
        Assert.Equal(0, errors);
        Assert.Empty(audit.Problems);
        Assert.Equal(0, audit.Lost);
        Assert.Equal(0, audit.Duplicated);
        Assert.Empty(load.PasscodesMissing);
        Assert.Equal(0, audit.OutboxUnsent);
        Assert.Equal(0, audit.MailMissing);
        Assert.Equal(0, audit.EventsMissing);
        Assert.True(resources.Flat, string.Join("; ", resources.Findings));
    }
}
