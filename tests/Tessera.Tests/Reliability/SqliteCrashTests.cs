using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Tessera.Data;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Reliability;

/// <summary>
/// Issue 23, item 3: SIGKILL the embedded server under write load, restart it on the same files, and look for every
/// acknowledged write. Quick form: one kill after ~300 sign-ups. <c>TESSERA_FAULT_FULL=1</c>: ten kills, each after
/// ~1,000 more, alternating <c>Database:SqliteSynchronous</c> normal and full.
/// </summary>
[Collection(FaultScenarios.Name)]
public sealed class SqliteCrashTests(ITestOutputHelper output)
{
    private sealed record Acknowledged(string Email, string ProfileId, string? SessionId, TimeSpan Latency);

    [Fact]
    public async Task EveryAcknowledgedSignUpSurvivesAKillDashNineAndTheDatabasePassesIntegrityCheck()
    {
        var (file, connectionString, init) = await TesseraCliProcess.InitFreshSqliteAsync("tessera-crash-");
        var secret = init.GetProperty("apiKey").Str("secret");

        var rounds = FaultReport.Full ? 10 : 1;
        var perRound = FaultReport.Full ? 1000 : 300;
        var all = new List<Acknowledged>();
        var latencyBySetting = new Dictionary<string, List<double>> { ["normal"] = [], ["full"] = [] };
        var recoveries = new List<TimeSpan>();
        static string Synchronous(int round) => round % 2 == 0 ? "normal" : "full";
        // The load and the look-up of every acknowledged write go well past one API key's requests a minute.
        string[] Settings(int round) => [$"--Database:SqliteSynchronous={Synchronous(round)}", "--Limits:Requests:PerMinute=10000000"];
        var (server, _) = await TesseraServerProcess.StartAsync(DatabaseProvider.Sqlite, connectionString, Settings(0));
        try
        {
            for (var round = 0; round < rounds; round++)
            {
                var synchronous = Synchronous(round);

                var acknowledged = await LoadThenKillAsync(server, secret, round, perRound);
                all.AddRange(acknowledged);
                var latencies = acknowledged.Select(a => a.Latency.TotalMilliseconds).Order().ToList();
                latencyBySetting[synchronous].AddRange(latencies);
                output.WriteLine($"round {round + 1} (synchronous={synchronous}): {acknowledged.Count} acknowledged before SIGKILL, " +
                                 $"median acknowledgement {latencies[latencies.Count / 2]:0.0} ms, p99 {latencies[(int)(latencies.Count * 0.99)]:0.0} ms");

                var started = Stopwatch.GetTimestamp();
                await server.DisposeAsync();
                (server, _) = await TesseraServerProcess.StartAsync(DatabaseProvider.Sqlite, connectionString, Settings(round + 1));
                recoveries.Add(Stopwatch.GetElapsedTime(started));
                Assert.Null(await SqliteBackup.IntegrityCheckAsync(file, TestContext.Current.CancellationToken));
            }

            var (lost, duplicated) = await VerifyAsync(server, secret, all);
            var passed = lost.Count == 0 && duplicated == 0;
            FaultReport.Verdict(output, "sqlite-crash", passed,
                $"{rounds} SIGKILL(s) under load; acknowledged {all.Count}, found {all.Count - lost.Count}, lost {lost.Count}, duplicated {duplicated}; " +
                $"integrity_check ok after each restart; recovery (restart to /readyz 200) max {recoveries.Max().TotalSeconds:0.00} s, " +
                $"median {recoveries.Order().ElementAt(recoveries.Count / 2).TotalSeconds:0.00} s; acknowledgement latency under 8 clients " +
                string.Join(", ", latencyBySetting.Where(p => p.Value.Count > 0).Select(p =>
                {
                    var sorted = p.Value.Order().ToList();
                    return $"synchronous={p.Key} median {sorted[sorted.Count / 2]:0.0} ms p99 {sorted[(int)(sorted.Count * 0.99)]:0.0} ms";
                })));
            Assert.True(lost.Count == 0, $"{lost.Count} acknowledged sign-up(s) lost, e.g. {string.Join(", ", lost.Take(5).Select(a => a.Email))}");
            Assert.Equal(0, duplicated);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>Eight clients sign up new profiles; once <paramref name="target"/> are acknowledged, SIGKILL mid-load.</summary>
    private static async Task<List<Acknowledged>> LoadThenKillAsync(TesseraServerProcess server, string secret, int round, int target)
    {
        var acknowledged = new ConcurrentQueue<Acknowledged>();
        var count = 0;
        var killing = 0;
        var killed = 0;
        var failuresBeforeKill = new ConcurrentQueue<string>();
        using var http = server.CreateClient();
        using var enough = new SemaphoreSlim(0, 1);
        var next = 0;
        var clients = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (Volatile.Read(ref killed) == 0)
            {
                var email = $"crash-{round}-{Interlocked.Increment(ref next)}@example.com";
                using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/users/sessions") { Content = JsonContent.Create(new { email }) };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.SendAsync(request);
                    var latency = Stopwatch.GetElapsedTime(started);
                    if (response.StatusCode != HttpStatusCode.Created)
                    {
                        if (Volatile.Read(ref killing) == 0) failuresBeforeKill.Enqueue($"{(int)response.StatusCode}");
                        continue;
                    }
                    var body = await response.JsonAsync();
                    acknowledged.Enqueue(new Acknowledged(email, body.Str("userId"),
                        body.TryGetProperty("id", out var id) && id.ValueKind == System.Text.Json.JsonValueKind.String ? id.GetString() : null, latency));
                    if (Interlocked.Increment(ref count) == target) enough.Release();
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or IOException)
                {
                    // After the kill a request fails or its answer is cut: not acknowledged, so nothing is promised for it.
                    if (Volatile.Read(ref killing) == 0) failuresBeforeKill.Enqueue($"{ex.GetType().Name}: {ex.Message}");
                }
            }
        })).ToList();

        Assert.True(await enough.WaitAsync(TimeSpan.FromMinutes(5), TestContext.Current.CancellationToken), "the load never reached its target");
        // Kill while requests are in flight (the clients go on until it is done); failures from here on are expected.
        Volatile.Write(ref killing, 1);
        await server.KillAsync();
        Volatile.Write(ref killed, 1);
        await Task.WhenAll(clients);
        Assert.Empty(failuresBeforeKill);
        return [.. acknowledged];
    }

    /// <summary>Each acknowledged sign-up's profile exists and holds exactly its one session.</summary>
    private static async Task<(List<Acknowledged> Lost, int Duplicated)> VerifyAsync(TesseraServerProcess server, string secret, List<Acknowledged> acknowledged)
    {
        using var http = server.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        var lost = new ConcurrentQueue<Acknowledged>();
        var duplicated = 0;
        await Parallel.ForEachAsync(acknowledged, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken }, async (a, ct) =>
        {
            using var response = await http.GetAsync($"/v1/profiles/{a.ProfileId}/sessions", ct);
            if (response.StatusCode == HttpStatusCode.NotFound) { lost.Enqueue(a); return; }
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"looking up {a.ProfileId}: {(int)response.StatusCode}");
            var sessions = (await response.JsonAsync()).GetProperty("sessions").EnumerateArray().Select(s => s.Str("id")).ToList();
            if (a.SessionId is not null && !sessions.Contains(a.SessionId, StringComparer.OrdinalIgnoreCase)) lost.Enqueue(a);
            if (sessions.Count > 1) Interlocked.Add(ref duplicated, sessions.Count - 1);
        });
        return ([.. lost], duplicated);
    }
}
