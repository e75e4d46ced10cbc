using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tessera.Clients;
using Tessera.Data;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Faults;

/// <summary>
/// Issue 23, item 1: two instances on one PostgreSQL under a mixed load (verification, issuance, passwordless sign-up,
/// GraphQL, import) while PostgreSQL is stopped and started again, or while every backend is killed mid-transaction.
/// Verification keeps answering from memory; writes fail fast with 503 and Retry-After; /readyz turns unready and
/// back; every acknowledged write is in the database afterwards, once; the instances recover without a restart; a
/// token revoked right after recovery is refused by the other instance.
/// </summary>
[Collection(FaultSuite.Name)]
public sealed class PostgresOutageTests(PostgresOutageTests.Server server) : IAsyncLifetime, IClassFixture<PostgresOutageTests.Server>
{
    /// <summary>The scenarios' own PostgreSQL, shared by the class (each test has its own database on it).</summary>
    public sealed class Server : IAsyncLifetime
    {
        public DedicatedPostgres Postgres { get; private set; } = null!;
        public async ValueTask InitializeAsync() => Postgres = await DedicatedPostgres.StartAsync();
        public ValueTask DisposeAsync() => Postgres.DisposeAsync();
    }

    private sealed record Outcome(string Kind, string Instance, int Status, bool RetryAfter, double Ms, string Phase, string? Key);

    private readonly DedicatedPostgres _postgres = server.Postgres;
    private string _connectionString = null!;
    private TesseraInstance _a = null!, _b = null!;
    private string _apiSecret = null!, _probeSecret = null!, _clientId = null!;
    private Guid _profileUuid;
    private readonly List<string> _tokens = [];
    private volatile string _phase = "before";

    public async ValueTask InitializeAsync()
    {
        _connectionString = await _postgres.CreateDatabaseAsync();
        // One after the other: the first applies the migrations.
        // The load is unpaced: the per-credential request budget (a capacity guard, not what is under test) must not
        // answer 429 where the scenario checks that verification answers 200 through the outage.
        var unthrottled = new Dictionary<string, string?> { ["Limits:Requests:PerMinute"] = "10000000" };
        _a = await TesseraInstance.StartAsync(DatabaseProvider.Postgres, _connectionString, TimeProvider.System, unthrottled);
        _b = await TesseraInstance.StartAsync(DatabaseProvider.Postgres, _connectionString, TimeProvider.System, unthrottled);
        var (environment, secret, _) = await _a.CreateEnvironmentAsync();
        _apiSecret = secret;
        await using (var scope = _a.Services.CreateAsyncScope())
        {
            var admin = scope.ServiceProvider.GetRequiredService<ClientAdmin>();
            _clientId = (await admin.CreateAsync(environment.Id, "Acme Money", AuthStrategy.Email, signups: true, default)).Id;
            await admin.SaveAsync(default);
            // The recovery probe's own key: the load can use up its key's request budget (429) in the full form.
            _probeSecret = (await scope.ServiceProvider.GetRequiredService<Tessera.ApiKeys.ApiKeyAdmin>().CreateAsync(environment.Id, "probe", default)).Secret;
        }
        _profileUuid = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.Created, (await _a.SendAsync(HttpMethod.Post, "/v1/profiles", _apiSecret, new { uuid = _profileUuid })).StatusCode);
        for (var i = 0; i < 8; i++)
        {
            var issued = await _a.SendAsync(HttpMethod.Post, "/v1/users/sessions", _apiSecret, new { email = $"verify-{i}@example.com" });
            Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
            var token = (await issued.JsonAsync()).Str("token");
            _tokens.Add(token);
            // Verified once on each instance, as live traffic would have: the profile's uuid is then held in memory.
            foreach (var instance in new[] { _a, _b })
                Assert.Equal(HttpStatusCode.OK, (await instance.SendAsync(HttpMethod.Get, "/v1/users/session", token)).StatusCode);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_a is not null) await _a.DisposeAsync();
        if (_b is not null) await _b.DisposeAsync();
    }

    [Fact]
    public async Task APostgresRestartUnderLoadLosesNoAcknowledgedWriteAndTheInstancesRecoverByThemselves()
    {
        var outage = FaultSuite.Full ? TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(2);
        var cycles = FaultSuite.Full ? 3 : 1;
        var recoveries = new List<double>();
        var outcomes = await RunLoadAsync(async () =>
        {
            for (var cycle = 0; cycle < cycles; cycle++)
            {
                await Task.Delay(FaultSuite.Full ? 3000 : 1000, TestContext.Current.CancellationToken); // load before the fault
                _phase = "outage";
                await _postgres.StopAsync();
                var stopped = Stopwatch.StartNew();
                // Both instances notice: /readyz turns unready while the server is down.
                var unready = await FaultSuite.WaitUntilAsync(async () => await ReadyAsync(_a) == 503 && await ReadyAsync(_b) == 503, outage.TotalSeconds + 10, "both /readyz to answer 503");
                FaultSuite.Report($"cycle {cycle + 1}: both /readyz answered 503 {unready.TotalMilliseconds:0} ms after PostgreSQL stopped");
                if (stopped.Elapsed < outage) await Task.Delay(outage - stopped.Elapsed, TestContext.Current.CancellationToken); // the outage itself
                await _postgres.StartAgainAsync();
                _phase = "after";
                var started = Stopwatch.StartNew();
                await FaultSuite.WaitUntilAsync(async () => await ReadyAsync(_a) == 200 && await ReadyAsync(_b) == 200, 30, "both /readyz to answer 200 again");
                try { await FaultSuite.WaitUntilAsync(async () => await WriteSucceedsAsync(_a) && await WriteSucceedsAsync(_b), 30, "a write to succeed on both instances"); }
                catch (Exception) { FaultSuite.Report($"cycle {cycle + 1}: last failed write probe {_lastProbeFailure}"); throw; }
                recoveries.Add(started.Elapsed.TotalSeconds);
                FaultSuite.Report($"cycle {cycle + 1}: PostgreSQL down {stopped.Elapsed.TotalSeconds:0.0} s (stopped until it accepted connections again, pg_ctl start included); both instances ready and writing {started.Elapsed.TotalSeconds:0.00} s after it accepted connections again");
            }
            await AssertRevocationReachesTheOtherInstanceAsync();
            await Task.Delay(1000, TestContext.Current.CancellationToken); // load after the fault
        });
        await AssertInvariantsAsync($"postgres-restart ({FaultSuite.Form}: {cycles} × {outage.TotalSeconds:0} s stop)", outcomes, recoveries);
    }

    [Fact]
    public async Task BackendsKilledMidTransactionCostOnlyFailedRequestsNeverAnAcknowledgedWrite()
    {
        var kills = FaultSuite.Full ? 5 : 1;
        var recoveries = new List<double>();
        var terminated = 0;
        var outcomes = await RunLoadAsync(async () =>
        {
            for (var i = 0; i < kills; i++)
            {
                await Task.Delay(1000, TestContext.Current.CancellationToken); // load between the faults
                _phase = "outage";
                terminated += await _postgres.TerminateBackendsAsync(new NpgsqlConnectionStringBuilder(_connectionString).Database!);
                var killed = Stopwatch.StartNew();
                await FaultSuite.WaitUntilAsync(async () => await WriteSucceedsAsync(_a) && await WriteSucceedsAsync(_b), 30, "a write to succeed on both instances");
                recoveries.Add(killed.Elapsed.TotalSeconds);
                _phase = "after";
            }
            await AssertRevocationReachesTheOtherInstanceAsync();
            await Task.Delay(1000, TestContext.Current.CancellationToken);
        });
        FaultSuite.Report($"pg_terminate_backend: {kills} round(s), {terminated} backend(s) killed (pooled, in-transaction and the LISTEN connections)");
        Assert.True(terminated > 0);
        await AssertInvariantsAsync($"pg_terminate_backend ({FaultSuite.Form}: {kills} kill(s))", outcomes, recoveries);
    }

    /// <summary>Runs the mixed load on both instances while <paramref name="scenario"/> plays; returns every outcome.</summary>
    private async Task<List<Outcome>> RunLoadAsync(Func<Task> scenario)
    {
        _phase = "before";
        var outcomes = new ConcurrentBag<Outcome>();
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, FaultSuite.Full ? 8 : 4).Select(w => Task.Run(async () =>
        {
            for (var i = w; !stop.IsCancellationRequested; i++)
                outcomes.Add(await SendOneAsync(i));
        })).ToList();
        var poolThreads = 0;
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                poolThreads = Math.Max(poolThreads, ThreadPool.ThreadCount);
                await Task.Delay(100);
            }
        });
        try
        {
            await scenario();
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(workers);
            await sampler;
        }
        FaultSuite.Report($"thread pool: at most {poolThreads} threads during the run (processor count {Environment.ProcessorCount})");
        return [.. outcomes];
    }

    private async Task<Outcome> SendOneAsync(int i)
    {
        var instance = i % 2 == 0 ? _a : _b;
        var name = i % 2 == 0 ? "A" : "B";
        var phase = _phase;
        var kind = (i / 2 % 6) switch { 0 or 1 => "verify", 2 => "issue", 3 => "signup", 4 => "graphql", _ => "import" };
        string? key = null;
        var request = new HttpRequestMessage();
        switch (kind)
        {
            case "verify":
                request = new HttpRequestMessage(HttpMethod.Get, "/v1/users/session");
                request.Headers.Authorization = new("Bearer", _tokens[i % _tokens.Count]);
                break;
            case "issue":
                key = $"issue-{Guid.NewGuid():N}@example.com";
                request = new HttpRequestMessage(HttpMethod.Post, "/v1/users/sessions") { Content = JsonContent.Create(new { email = key }) };
                request.Headers.Authorization = new("Bearer", _apiSecret);
                break;
            case "signup":
                key = $"signup-{Guid.NewGuid():N}@example.com";
                request = new HttpRequestMessage(HttpMethod.Post, "/v1/users/session") { Content = JsonContent.Create(new { session = new { clientId = _clientId, email = key } }) };
                request.Headers.Add(TestConnectionIp.Header, $"10.{i % 250}.{i / 250 % 250}.{Random.Shared.Next(1, 250)}");
                break;
            case "graphql":
                request = new HttpRequestMessage(HttpMethod.Post, "/v1/graphql") { Content = JsonContent.Create(new { query = "{ profile { id } connections { id } }" }) };
                request.Headers.Authorization = new("Bearer", _tokens[i % _tokens.Count]);
                break;
            default:
                var uuid = Guid.NewGuid();
                key = uuid.ToString();
                request = new HttpRequestMessage(HttpMethod.Post, "/v1/import")
                {
                    Content = JsonContent.Create(new object[] { new { type = "connection", uuid, profileUuid = _profileUuid, provider = "IMPORT", status = "SYNCED", institution = new { id = "ins_1", name = "First Test Bank" } } }),
                };
                request.Headers.Authorization = new("Bearer", _apiSecret);
                break;
        }
        var clock = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            using var response = await instance.Http.SendAsync(request, timeout.Token);
            await response.Content.ReadAsByteArrayAsync(timeout.Token);
            return new Outcome(kind, name, (int)response.StatusCode, response.Headers.RetryAfter is not null, clock.Elapsed.TotalMilliseconds, phase, key);
        }
        catch (OperationCanceledException)
        {
            return new Outcome(kind, name, 0, false, clock.Elapsed.TotalMilliseconds, phase, key); // hung for a minute
        }
    }

    private static async Task<int> ReadyAsync(TesseraInstance instance) =>
        (int)(await instance.SendAsync(HttpMethod.Get, "/readyz")).StatusCode;

    private async Task<bool> WriteSucceedsAsync(TesseraInstance instance)
    {
        var status = (await instance.SendAsync(HttpMethod.Post, "/v1/users/sessions", _probeSecret, new { email = $"probe-{Guid.NewGuid():N}@example.com" })).StatusCode;
        if (status != HttpStatusCode.Created) _lastProbeFailure = $"{(instance == _a ? "A" : "B")}: {(int)status}";
        return status == HttpStatusCode.Created;
    }

    // Why the last recovery probe failed, for the report when recovery times out.
    private string? _lastProbeFailure;

    /// <summary>
    /// Right after the fault, B's LISTEN connection is still reconnecting (it backs off): a revocation made on A must
    /// still reach B, by its poll of the revocations table, which resumes from where it stopped.
    /// </summary>
    private async Task AssertRevocationReachesTheOtherInstanceAsync()
    {
        var issued = await _a.SendAsync(HttpMethod.Post, "/v1/users/sessions", _probeSecret, new { email = $"revoke-{Guid.NewGuid():N}@example.com" });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var token = (await issued.JsonAsync()).Str("token");
        Assert.Equal(HttpStatusCode.OK, (await _b.SendAsync(HttpMethod.Get, "/v1/users/session", token)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _a.SendAsync(HttpMethod.Delete, "/v1/users/session", token)).StatusCode);
        var took = await FaultSuite.WaitUntilAsync(async () => (await _b.SendAsync(HttpMethod.Get, "/v1/users/session", token)).StatusCode == HttpStatusCode.Unauthorized,
            15, "instance B to refuse a token revoked on A after the fault");
        FaultSuite.Report($"revocation after recovery: a token revoked on A was refused by B {took.TotalMilliseconds:0} ms later");
    }

    private async Task AssertInvariantsAsync(string scenario, List<Outcome> outcomes, List<double> recoveries)
    {
        var acknowledged = outcomes.Where(o => o.Key is not null && o.Status is >= 200 and < 300).ToList();
        var lost = new List<string>();
        var duplicated = new List<string>();
        await using (var scope = _a.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TesseraDbContext>();
            foreach (var outcome in acknowledged)
            {
                int rows;
                if (outcome.Kind == "import")
                {
                    var uuid = Guid.Parse(outcome.Key!);
                    rows = await db.Connections.CountAsync(c => c.Uuid == uuid, TestContext.Current.CancellationToken);
                }
                else
                {
                    var profiles = await db.Profiles.Where(p => p.Email == outcome.Key).Select(p => p.Id).ToListAsync(TestContext.Current.CancellationToken);
                    rows = profiles.Count == 1 ? await db.Sessions.CountAsync(s => s.ProfileId == profiles[0], TestContext.Current.CancellationToken) : profiles.Count;
                }
                if (rows == 0) lost.Add($"{outcome.Kind} {outcome.Key}");
                if (rows > 1) duplicated.Add($"{outcome.Kind} {outcome.Key} ×{rows}");
            }
        }

        var writes = outcomes.Where(o => o.Key is not null || o.Kind == "graphql").ToList();
        var verifications = outcomes.Where(o => o.Kind == "verify").ToList();
        var byStatus = string.Join(", ", outcomes.GroupBy(o => o.Status).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "hung" : g.Key.ToString())}: {g.Count()}"));
        var errors = outcomes.Where(o => o.Status is >= 500 or 0).ToList();
        var verifyDuring = verifications.Where(o => o.Phase == "outage").Select(o => o.Ms).ToList();
        var verifyBefore = verifications.Where(o => o.Phase == "before").Select(o => o.Ms).ToList();
        var failFast = errors.Count == 0 ? 0 : errors.Max(o => o.Ms);
        FaultSuite.Report($"== {scenario} ==");
        FaultSuite.Report($"requests: {outcomes.Count} sent ({writes.Count} writes/GraphQL, {verifications.Count} verifications); by status: {byStatus}");
        FaultSuite.Report($"writes: {acknowledged.Count} acknowledged (2xx), {acknowledged.Count - lost.Count} found afterwards, {lost.Count} lost, {duplicated.Count} duplicated");
        FaultSuite.Report($"errors: {errors.Count} 5xx ({errors.Count(o => o.Status == 503 && o.RetryAfter)} are 503 with Retry-After), slowest {failFast:0} ms");
        FaultSuite.Report($"verification: {verifications.Count(o => o.Status == 200)}/{verifications.Count} answered 200; p99 before {FaultSuite.Percentile(verifyBefore, 99):0.0} ms, during the fault {FaultSuite.Percentile(verifyDuring, 99):0.0} ms ({verifyDuring.Count} during)");
        FaultSuite.Report($"recovery: {string.Join(", ", recoveries.Select(r => $"{r:0.00} s"))} (no instance restarted)");
        var verdict = lost.Count == 0 && duplicated.Count == 0 && errors.All(o => o.Status == 503 && o.RetryAfter) && verifications.All(o => o.Status == 200);
        FaultSuite.Report($"verdict: {(verdict ? "PASS" : "FAIL")}");

        Assert.Empty(lost);
        Assert.Empty(duplicated);
        Assert.All(errors, o => Assert.True(o.Status == 503 && o.RetryAfter, $"{o.Kind} on {o.Instance} answered {o.Status} after {o.Ms:0} ms ({(o.RetryAfter ? "with" : "without")} Retry-After)"));
        Assert.All(verifications, o => Assert.True(o.Status == 200, $"verification on {o.Instance} answered {o.Status} during {o.Phase}"));
        // Failing fast: no request waited out a timeout (the connect timeout is 5 s; a refused connection fails at once).
        Assert.True(failFast < 6000, $"a failed request took {failFast:0} ms");
        Assert.Contains(outcomes, o => o.Phase == "after" && o.Key is not null && o.Status is >= 200 and < 300);
    }
}
