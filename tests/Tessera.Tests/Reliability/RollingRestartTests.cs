using System.Diagnostics;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Reliability;

/// <summary>
/// Issue 23, item 6: a rolling restart of two <c>tessera serve</c> processes on PostgreSQL under the mixed load. Each
/// instance in turn leaves the load's rotation and gets SIGTERM, drains, exits, starts again and rejoins once ready,
/// while the other serves. Every acknowledged write is in the database once; no 5xx but 503s while an instance
/// restarts; every passcode email reaches the SMTP server and every webhook event the endpoint (at least once:
/// a send cut by the SIGTERM may be repeated, at most one email and <c>Webhooks:MaxConcurrency</c> events per stop).
/// Quick form: A then B once. <c>TESSERA_FAULT_FULL=1</c>: three rounds.
/// </summary>
[Collection(FaultScenarios.Name)]
public sealed class RollingRestartTests(PostgresServer postgres, ITestOutputHelper output)
{
    private const int WebhookMaxConcurrency = 16; // WebhookOptions.MaxConcurrency's default, which the instances run with

    [Fact]
    public async Task ARollingRestartUnderLoadLosesNoAcknowledgedWriteAndAnswersNo5xxButDrain503s()
    {
        var rounds = FaultReport.Full ? 3 : 1;
        await using var cluster = await TwoInstanceCluster.StartAsync(postgres);
        var load = new MixedLoad(cluster, workers: 4);
        var restarts = new List<(string Name, int? ExitCode, TimeSpan Exited, TimeSpan Ready)>();
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var running = load.RunAsync(stop.Token);
        try
        {
            await LoadProgressesAsync(load, 40, "the load to run on both instances");
            for (var round = 0; round < rounds; round++)
                for (var i = 0; i < 2; i++)
                {
                    var name = TwoInstanceCluster.Names[i];
                    load.Phase = $"restart {name}";
                    var (exitCode, exited, ready) = await cluster.RestartAsync(i);
                    load.Phase = "steady";
                    restarts.Add((name, exitCode, exited, ready));
                    FaultReport.Progress(output, "rolling-restart", $"round {round + 1}: {name} exited {exitCode?.ToString() ?? "(still running)"} {exited.TotalSeconds:0.0} s after SIGTERM, " +
                                                                     $"ready again {ready.TotalSeconds:0.0} s after start; {load.Summary()}");
                    // Both instances serve again before the next one goes.
                    await LoadProgressesAsync(load, 40, $"the load to run on both instances after {name}'s restart");
                }
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
        var ran = clock.Elapsed;
        var audit = await WriteAudit.TakeAsync(cluster, load, TimeSpan.FromSeconds(300));
        foreach (var problem in audit.Problems) FaultReport.Progress(output, "rolling-restart", problem);

        var errors = load.Errors.ToList();
        var drain503 = errors.Count(e => e.Status == 503 && e.Phase != "steady");
        var unexpected = errors.Where(e => !(e.Status == 503 && e.Phase != "steady")).ToList();
        var stops = restarts.Count;
        var passed = unexpected.Count == 0 && audit.Lost == 0 && audit.Duplicated == 0 && audit.Problems.Count == 0 && restarts.All(r => r.ExitCode == 0)
                     && audit.OutboxUnsent == 0 && audit.MailMissing == 0 && audit.EventsMissing == 0 && load.PasscodesMissing.Count == 0
                     && audit.MailRepeated <= stops && audit.EventsRepeated <= stops * WebhookMaxConcurrency;
        FaultReport.Verdict(output, "rolling-restart", passed,
            $"{(FaultReport.Full ? "full" : "quick")} form, {rounds} round(s) of SIGTERM A, restart, SIGTERM B, restart, under 4 workers for {ran.TotalSeconds:0} s: " +
            $"{load.Summary()}; 503 while an instance restarted: {drain503}; other errors: {unexpected.Count}{(unexpected.Count == 0 ? "" : " (" + string.Join(", ", unexpected.Take(5).Select(e => $"{e.Kind} {e.Status} on {e.Instance} during {e.Phase}")) + ")")}; " +
            $"starts retried after a PostgreSQL connect timeout: {cluster.StartRetries}; connects refused by a stopping instance and retried on the other: {load.RefusedAndRetried}; {audit.Line}; " +
            $"exits: {string.Join(", ", restarts.Select(r => $"{r.Name} {r.ExitCode} after {r.Exited.TotalSeconds:0.0} s"))}; " +
            $"ready after start: {string.Join(", ", restarts.Select(r => $"{r.Ready.TotalSeconds:0.0} s"))}");

        Assert.All(restarts, r => Assert.Equal(0, r.ExitCode));
        Assert.Empty(unexpected);
        Assert.Empty(audit.Problems);
        Assert.Equal(0, audit.Lost);
        Assert.Equal(0, audit.Duplicated);
        Assert.Empty(load.PasscodesMissing);
        Assert.Equal(0, audit.OutboxUnsent);
        Assert.Equal(0, audit.MailMissing);
        Assert.Equal(0, audit.EventsMissing);
        Assert.True(audit.MailRepeated <= stops, $"{audit.MailRepeated} passcode email(s) repeated over {stops} stops");
        Assert.True(audit.EventsRepeated <= stops * WebhookMaxConcurrency, $"{audit.EventsRepeated} webhook event(s) repeated over {stops} stops");
        Assert.True(load.Count((k, s) => k == "authenticate" && s == 201) > 0, "no passwordless sign-in completed");
    }

    /// <summary>Waits (bounded) until the load has sent <paramref name="requests"/> more requests.</summary>
    private static async Task LoadProgressesAsync(MixedLoad load, int requests, string what)
    {
        var target = load.Requests + requests;
        var clock = Stopwatch.StartNew();
        while (load.Requests < target)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), $"timed out waiting for {what}");
            await Task.Delay(50, TestContext.Current.CancellationToken); // a poll interval, bounded above
        }
    }
}
