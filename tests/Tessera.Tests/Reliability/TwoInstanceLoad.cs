using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tessera.Clients;
using Tessera.Data;
using Tessera.Delivery;
using Tessera.Tests.Delivery;
using Tessera.Tests.Infrastructure;
using Tessera.Tests.Webhooks;
using Tessera.Webhooks;
using Xunit;

namespace Tessera.Tests.Reliability;

/// <summary>
/// Two <c>tessera serve</c> processes on one PostgreSQL database, with a real SMTP server (passcodes are read from
/// what it receives) and a webhook endpoint subscribed to <c>profile.created</c>. An in-process observer (no delivery
/// of its own) seeds the database and counts what is in it afterwards. Used by the soak and the rolling restart.
/// </summary>
internal sealed class TwoInstanceCluster : IAsyncDisposable
{
    public static readonly string[] Names = ["A", "B"];

    private readonly TesseraServerProcess?[] _servers = new TesseraServerProcess?[2];
    private readonly string[] _settings;

    public string ConnectionString { get; }
    public TesseraInstance Observer { get; }
    public SmtpCaptureServer Smtp { get; }
    public PasscodeMailbox Mailbox { get; }
    public WebhookReceiver Webhooks { get; }
    public string ApiSecret { get; }
    public string ClientId { get; }
    public Guid ImportProfileUuid { get; }
    public IReadOnlyList<string> Tokens { get; }

    private TwoInstanceCluster(string connectionString, TesseraInstance observer, SmtpCaptureServer smtp, WebhookReceiver webhooks,
        string apiSecret, string clientId, Guid importProfileUuid, IReadOnlyList<string> tokens)
    {
        ConnectionString = connectionString;
        Observer = observer;
        Smtp = smtp;
        Mailbox = new PasscodeMailbox(smtp);
        Webhooks = webhooks;
        ApiSecret = apiSecret;
        ClientId = clientId;
        ImportProfileUuid = importProfileUuid;
        Tokens = tokens;
        _settings =
        [
            "--Email:From=no-reply@example.com", "--Email:Smtp:Host=127.0.0.1", $"--Email:Smtp:Port={smtp.Port}", "--Email:Smtp:UseTls=false",
            "--Delivery:PollInterval=00:00:00.200", "--Delivery:RetryBaseDelay=00:00:01",
            "--Webhooks:PollInterval=00:00:00.200", "--Webhooks:RetryBaseDelay=00:00:01", "--Webhooks:Timeout=00:00:05",
            "--Webhooks:AllowPrivateTargets=true",
            // The load comes from one address and one API key, unpaced: the capacity guards (per credential, per IP,
            // per environment) are not what is under test and would answer 429.
            "--Limits:Requests:PerMinute=10000000",
            "--Passcodes:MaxSendsPerIpPerHour=1000000", "--Passcodes:MaxSendsPerEnvironmentPerHour=100000000",
            "--Passcodes:MaxSignupsPerIpPerHour=1000000", "--Passcodes:MaxSignupsPerEnvironmentPerHour=100000000",
        ];
    }

    private int _startRetries;

    /// <summary>Starts that failed on a PostgreSQL connect timeout (a starved machine) and were tried again.</summary>
    public int StartRetries => Volatile.Read(ref _startRetries);

    public string DatabaseName => new NpgsqlConnectionStringBuilder(ConnectionString).Database!;

    public static async Task<TwoInstanceCluster> StartAsync(PostgresServer postgres)
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var smtp = await SmtpCaptureServer.StartAsync();
        var webhooks = await WebhookReceiver.StartAsync();
        // The observer migrates and seeds; it sends nothing (no email settings, no webhook dispatch).
        var observer = await TesseraInstance.StartAsync(DatabaseProvider.Postgres, connectionString, TimeProvider.System, new Dictionary<string, string?>
        {
            ["Webhooks:BackgroundDispatch"] = "false",
            ["Webhooks:AllowPrivateTargets"] = "true",
            ["Limits:Requests:PerMinute"] = "10000000",
        });
        var (environment, secret, _) = await observer.CreateEnvironmentAsync();
        string clientId;
        await using (var scope = observer.Services.CreateAsyncScope())
        {
            var admin = scope.ServiceProvider.GetRequiredService<ClientAdmin>();
            clientId = (await admin.CreateAsync(environment.Id, "Acme Money", AuthStrategy.Email, signups: true, default)).Id;
            await admin.SaveAsync(default);
        }
        var subscribed = await observer.SendAsync(HttpMethod.Post, "/v1/webhooks/subscriptions", secret, new { name = "reliability", targetUrl = webhooks.Url, eventTypes = new[] { "profile.created" } });
        Assert.Equal(HttpStatusCode.Created, subscribed.StatusCode);
        var importProfile = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.Created, (await observer.SendAsync(HttpMethod.Post, "/v1/profiles", secret, new { uuid = importProfile })).StatusCode);
        var tokens = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            var issued = await observer.SendAsync(HttpMethod.Post, "/v1/users/sessions", secret, new { email = $"verify-{i}@example.com" });
            Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
            tokens.Add((await issued.JsonAsync()).Str("token"));
        }
        var cluster = new TwoInstanceCluster(connectionString, observer, smtp, webhooks, secret, clientId, importProfile, tokens);
        try
        {
            for (var i = 0; i < 2; i++) await cluster.StartInstanceAsync(i);
        }
        catch
        {
            await cluster.DisposeAsync(); // no process left behind
            throw;
        }
        return cluster;
    }

    /// <summary>The instance's process while it is up (between ready and SIGTERM); null while it is down.</summary>
    public TesseraServerProcess? Up(int index) => Volatile.Read(ref _servers[index]);

    private async Task<TimeSpan> StartInstanceAsync(int index)
    {
        // Named, so pg_stat_activity tells the instances' connections apart (and from the observer's).
        // A connect timeout of 60 s instead of Tessera's fail-fast 5 s: on a loaded shared machine (load average 60-100
        // on 2 cores was seen) the start-up's first connection took longer than 30 s, and nothing here depends on
        // failing fast. A start that still fails that way is tried again, and counted.
        var named = new NpgsqlConnectionStringBuilder(ConnectionString) { ApplicationName = $"tessera-{Names[index]}", Timeout = 60 }.ConnectionString;
        var clock = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // Up to 10 minutes: at a load average of 60-100 on 2 cores a start was seen to take more than 3.
                var (server, _) = await TesseraServerProcess.StartAsync(DatabaseProvider.Postgres, named, TimeSpan.FromMinutes(10), _settings);
                Volatile.Write(ref _servers[index], server);
                return clock.Elapsed;
            }
            catch (Exception ex) when (attempt < 3 && ex.Message.Contains("timed out", StringComparison.Ordinal) && ex.Message.Contains("Npgsql", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _startRetries);
            }
        }
    }

    /// <summary>
    /// Takes the instance out of the load's rotation and sends it SIGTERM at once (as Kubernetes does both), waits for
    /// it to exit, starts it again on the same database and puts it back once <c>/readyz</c> answers 200.
    /// </summary>
    public async Task<(int? ExitCode, TimeSpan Exited, TimeSpan Ready)> RestartAsync(int index)
    {
        var server = Interlocked.Exchange(ref _servers[index], null)!;
        var clock = Stopwatch.StartNew();
        server.Terminate();
        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(40));
        var exited = clock.Elapsed;
        await server.DisposeAsync();
        var ready = await StartInstanceAsync(index);
        return (exitCode, exited, ready);
    }

    /// <summary>
    /// A sample of each instance's <c>/metrics</c> (resident set, managed heap) and of PostgreSQL's backends
    /// connected to the database (<c>pg_stat_activity</c>).
    /// </summary>
    public async Task<ResourceSample> SampleAsync(TimeSpan at)
    {
        var rss = new double[2];
        var heap = new double[2];
        for (var i = 0; i < 2; i++)
        {
            rss[i] = heap[i] = double.NaN;
            if (Up(i) is not { } server) continue;
            try
            {
                using var http = server.CreateClient();
                var text = await http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
                rss[i] = Gauge(text, "process_resident_memory_bytes");
                heap[i] = Gauge(text, "dotnet_gc_heap_bytes");
            }
            catch (HttpRequestException) { } // stopping: no sample
        }
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT application_name, count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() GROUP BY 1", connection);
        var connections = new int[2];
        var total = 0;
        await using (var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken))
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                var count = (int)reader.GetInt64(1);
                total += count;
                var index = Array.IndexOf(Names, reader.GetString(0).Replace("tessera-", "", StringComparison.Ordinal));
                if (index >= 0) connections[index] = count;
            }
        return new ResourceSample(at, rss, heap, connections, total);
    }

    private static double Gauge(string metrics, string name) =>
        double.Parse(metrics.Split('\n').First(l => l.StartsWith(name + " ", StringComparison.Ordinal))[(name.Length + 1)..], CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < 2; i++)
            if (Interlocked.Exchange(ref _servers[i], null) is { } server) await server.DisposeAsync();
        await Observer.DisposeAsync();
        await Webhooks.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

/// <summary>
/// One sample: per instance (A, B) its resident set and managed heap in bytes (NaN while down) and its PostgreSQL
/// backends; and all backends on the database (the observer's and the sampler's included).
/// </summary>
internal sealed record ResourceSample(TimeSpan At, double[] Rss, double[] Heap, int[] Connections, int TotalConnections)
{
    public string Line(string load) =>
        $"t={At.TotalSeconds,5:0}s  " + string.Join("  ", TwoInstanceCluster.Names.Select((n, i) =>
            $"{n}: RSS {Rss[i] / 1048576,6:0.0} MiB, heap {Heap[i] / 1048576,5:0.0} MiB, {Connections[i],2} conn")) +
        $"  (database: {TotalConnections} conn)  {load}";
}

/// <summary>
/// The passcodes the SMTP capture server received, by recipient. Its files are numbered in arrival order, so each
/// poll reads only the new ones.
/// </summary>
internal sealed partial class PasscodeMailbox(SmtpCaptureServer smtp)
{
    private readonly ConcurrentDictionary<string, List<string>> _codes = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _reading = new(1, 1);
    private int _next = 1;

    /// <summary>Every passcode received for each recipient (more than one when a message was delivered twice).</summary>
    public async Task<IReadOnlyDictionary<string, List<string>>> AllAsync()
    {
        await ReadNewAsync();
        return _codes;
    }

    /// <summary>The passcode sent to <paramref name="recipient"/>; null if none arrived within <paramref name="timeout"/>.</summary>
    public async Task<string?> WaitForAsync(string recipient, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            await ReadNewAsync();
            if (_codes.TryGetValue(recipient, out var codes)) lock (codes) return codes[0];
            await Task.Delay(50, TestContext.Current.CancellationToken); // a poll interval, bounded by the timeout
        }
        return null;
    }

    private async Task ReadNewAsync()
    {
        await _reading.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            // aiosmtpd's capture writes "%04d.json" with an atomic rename: a file that exists is complete.
            while (File.Exists(Path.Combine(smtp.Directory, "mail", $"{_next:0000}.json")))
            {
                var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(smtp.Directory, "mail", $"{_next:0000}.json"))).RootElement;
                var text = string.Concat(json.GetProperty("parts").EnumerateArray().Select(p => p.GetProperty("content").GetString()));
                var code = SixDigits().Match(text).Value;
                foreach (var recipient in json.GetProperty("rcptTos").EnumerateArray())
                {
                    var codes = _codes.GetOrAdd(recipient.GetString()!, _ => []);
                    lock (codes) codes.Add(code);
                }
                _next++;
            }
        }
        finally { _reading.Release(); }
    }

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}

/// <summary>
/// The mixed load, in process with a bounded number of workers: token verification, session issuance, passwordless
/// identify + authenticate (the passcode read from the SMTP server), GraphQL and import. Each request goes to the
/// next instance that is up (round-robin). Counts answers by kind and status, and keeps the key of every
/// acknowledged write (2xx) to look it up afterwards.
/// </summary>
internal sealed class MixedLoad(TwoInstanceCluster cluster, int workers)
{
    private static readonly string[] Kinds = ["verify", "verify", "issue", "passwordless", "graphql", "import", "verify", "graphql"];

    private readonly ConcurrentDictionary<(string Kind, int Status), int> _answers = new();
    private readonly ConcurrentBag<string> _issued = [], _signedIn = [], _imported = [];
    private readonly ConcurrentBag<string> _identified = [], _passcodesMissing = [];
    private readonly ConcurrentBag<(string Kind, int Status, string Phase, string Instance)> _errors = [];
    private int _next, _requests, _refusedAndRetried;

    /// <summary>What the load is in ("steady", "restart A", ...), recorded with every 5xx.</summary>
    public volatile string Phase = "steady";

    public int Requests => Volatile.Read(ref _requests);
    /// <summary>Requests whose connect an instance that had just stopped listening refused, sent again to the other.</summary>
    public int RefusedAndRetried => Volatile.Read(ref _refusedAndRetried);
    public IReadOnlyDictionary<(string Kind, int Status), int> Answers => _answers;
    public IReadOnlyCollection<(string Kind, int Status, string Phase, string Instance)> Errors => _errors;
    /// <summary>Emails given a session by <c>POST /v1/users/sessions</c> (201): one profile, one session each.</summary>
    public IReadOnlyCollection<string> Issued => _issued;
    /// <summary>Emails that completed identify (202) and authenticate (201): one passcode challenge, two sessions each.</summary>
    public IReadOnlyCollection<string> SignedIn => _signedIn;
    /// <summary>Emails whose identify was acknowledged (202): one passcode message each, at least once at the SMTP server.</summary>
    public IReadOnlyCollection<string> Identified => _identified;
    /// <summary>Identified emails whose passcode did not arrive while the load waited for it.</summary>
    public IReadOnlyCollection<string> PasscodesMissing => _passcodesMissing;
    public IReadOnlyCollection<string> Imported => _imported;

    public int Count(Func<string, int, bool> predicate) => _answers.Where(a => predicate(a.Key.Kind, a.Key.Status)).Sum(a => a.Value);

    public string Summary() => $"{Requests} requests, {Count((_, s) => s is >= 200 and < 300)} × 2xx, {Count((_, s) => s >= 500)} × 5xx, {Count((_, s) => s == 0)} transport errors";

    /// <summary>Runs the workers until <paramref name="stop"/> is cancelled; every worker finishes its operation first.</summary>
    public Task RunAsync(CancellationToken stop) => Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
    {
        for (var i = w; !stop.IsCancellationRequested; i += workers)
            await OperateAsync(Kinds[i % Kinds.Length], i);
    })));

    private async Task OperateAsync(string kind, int i)
    {
        switch (kind)
        {
            case "verify":
                await SendAsync(kind, HttpMethod.Get, "/v1/users/session", cluster.Tokens[i % cluster.Tokens.Count], null);
                break;
            case "issue":
            {
                var email = $"issue-{Guid.NewGuid():N}@example.com";
                if (await SendAsync(kind, HttpMethod.Post, "/v1/users/sessions", cluster.ApiSecret, new { email }) is HttpStatusCode.Created) _issued.Add(email);
                break;
            }
            case "passwordless":
            {
                // A profile that exists (issued by the API), then identify (202, a passcode emailed), then authenticate.
                var email = $"signin-{Guid.NewGuid():N}@example.com";
                if (await SendAsync("issue", HttpMethod.Post, "/v1/users/sessions", cluster.ApiSecret, new { email }) is not HttpStatusCode.Created) break;
                _issued.Add(email);
                if (await SendAsync("identify", HttpMethod.Post, "/v1/users/session", null, new { session = new { clientId = cluster.ClientId, email } }) is not HttpStatusCode.Accepted) break;
                _identified.Add(email);
                var passcode = await cluster.Mailbox.WaitForAsync(email, TimeSpan.FromSeconds(60));
                if (passcode is null)
                {
                    _passcodesMissing.Add(email);
                    break;
                }
                if (await SendAsync("authenticate", HttpMethod.Put, "/v1/users/session", null, new { session = new { clientId = cluster.ClientId, email, passcode } }) is HttpStatusCode.Created)
                    _signedIn.Add(email);
                break;
            }
            case "graphql":
                await SendAsync(kind, HttpMethod.Post, "/v1/graphql", cluster.Tokens[i % cluster.Tokens.Count], new { query = "{ profile { id } connections { id } }" });
                break;
            default:
            {
                var uuid = Guid.NewGuid();
                var body = new object[] { new { type = "connection", uuid, profileUuid = cluster.ImportProfileUuid, provider = "IMPORT", status = "SYNCED", institution = new { id = "ins_1", name = "First Test Bank" } } };
                if (await SendAsync(kind, HttpMethod.Post, "/v1/import", cluster.ApiSecret, body) is { } status && (int)status is >= 200 and < 300) _imported.Add(uuid.ToString());
                break;
            }
        }
    }

    /// <summary>Sends to the next instance that is up; returns the status, or null when no answer came (counted as 0).</summary>
    private async Task<HttpStatusCode?> SendAsync(string kind, HttpMethod method, string path, string? bearer, object? json)
    {
        var n = Interlocked.Increment(ref _next);
        var index = n % 2;
        var server = cluster.Up(index) ?? cluster.Up(1 - index);
        if (server is null) return null;
        Interlocked.Increment(ref _requests);
        int status;
        try
        {
            try { status = await SendToAsync(server, method, path, bearer, json); }
            catch (HttpRequestException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused }
                                                  && cluster.Up(1 - index) is { } other && other != server)
            {
                // Picked just before the instance left the rotation and stopped listening: the request never reached
                // it, so it goes to the other one, as a load balancer retries a refused connect.
                Interlocked.Increment(ref _refusedAndRetried);
                server = other;
                status = await SendToAsync(server, method, path, bearer, json);
            }
        }
        catch (HttpRequestException) { status = 0; } // the connection was cut: no answer, nothing promised
        catch (TaskCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested) { status = 0; } // hung a minute
        _answers.AddOrUpdate((kind, status), 1, (_, c) => c + 1);
        if (status is >= 500 or 0) _errors.Add((kind, status, Phase, server == cluster.Up(0) ? "A" : server == cluster.Up(1) ? "B" : "stopping"));
        return status == 0 ? null : (HttpStatusCode)status;
    }

    private static async Task<int> SendToAsync(TesseraServerProcess server, HttpMethod method, string path, string? bearer, object? json)
    {
        using var request = new HttpRequestMessage(method, path);
        if (bearer is not null) request.Headers.Authorization = new("Bearer", bearer);
        if (json is not null) request.Content = JsonContent.Create(json);
        var http = Clients.GetOrAdd(server.BaseAddress, address => new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) });
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        return (int)response.StatusCode;
    }

    private static readonly ConcurrentDictionary<Uri, HttpClient> Clients = new();
}

/// <summary>What the database and the receivers hold after the load, against what the load was told (acknowledged).</summary>
internal sealed record WriteAudit(int Acknowledged, int Lost, int Duplicated, int OutboxMessages, int OutboxUnsent, int MailReceived, int MailRepeated,
    int MailMissing, int Events, int EventsDelivered, int EventsRepeated, int EventsMissing, IReadOnlyList<string> Problems, TimeSpan Drained = default)
{
    public string Line =>
        $"writes acknowledged {Acknowledged}, lost {Lost}, duplicated {Duplicated}; passcode emails: {OutboxMessages} queued, {OutboxUnsent} unsent, " +
        $"{MailReceived} at the SMTP server ({MailRepeated} twice, {MailMissing} missing); webhook events: {Events}, {EventsDelivered} delivered " +
        $"({EventsRepeated} repeated, {EventsMissing} missing); outbox and webhooks drained {Drained.TotalSeconds:0.0} s after the load stopped";

    /// <summary>
    /// Waits (bounded) until every outbox message is sent and every webhook delivery succeeded, then looks up every
    /// acknowledged write: an issued email has one profile and one session, a signed-in email one profile, one
    /// passcode challenge and two sessions (the issued one and the passcode's), an import one connection row.
    /// </summary>
    public static async Task<WriteAudit> TakeAsync(TwoInstanceCluster cluster, MixedLoad load, TimeSpan drainTimeout)
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = Stopwatch.StartNew();
        // An event not fanned out yet has no delivery row: wait for those too, or they would count as missing.
        while (clock.Elapsed < drainTimeout && await cluster.Observer.WithDbAsync(async db =>
                   await db.OutboxMessages.AnyAsync(m => m.Status == OutboxStatus.Pending, ct)
                   || await db.WebhookEvents.AnyAsync(e => e.FannedOutAt == null, ct)
                   || await db.WebhookDeliveries.AnyAsync(d => d.Status == WebhookDeliveryStatus.Pending, ct)))
            await Task.Delay(200, ct); // a poll interval, bounded by the timeout
        var drained = clock.Elapsed;

        var problems = new List<string>();
        var profiles = await cluster.Observer.WithDbAsync(db => db.Profiles.AsNoTracking().Where(p => p.Email != null)
            .GroupBy(p => p.Email!).Select(g => new { Email = g.Key, Count = g.Count(), Id = g.Min(p => p.Id) }).ToDictionaryAsync(g => g.Email, ct));
        var sessions = await cluster.Observer.WithDbAsync(db => db.Sessions.AsNoTracking().GroupBy(s => s.ProfileId)
            .Select(g => new { Profile = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Profile, g => g.Count, ct));
        var challenges = await cluster.Observer.WithDbAsync(db => db.PasscodeChallenges.AsNoTracking().GroupBy(c => c.Identifier)
            .Select(g => new { Identifier = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Identifier, g => g.Count, ct));
        var messages = await cluster.Observer.WithDbAsync(db => db.OutboxMessages.AsNoTracking().Select(m => new { m.Recipient, m.Status }).ToListAsync(ct));
        var connections = await cluster.Observer.WithDbAsync(db => db.Connections.AsNoTracking().Where(c => c.Uuid != null).GroupBy(c => c.Uuid!.Value)
            .Select(g => new { Uuid = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Uuid.ToString(), g => g.Count, ct));
        var deliveries = await cluster.Observer.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().Select(d => new { d.Status }).ToListAsync(ct));

        int lost = 0, duplicated = 0;
        void Check(string what, string key, int found, int expected)
        {
            if (found == expected) return;
            if (found < expected) lost++; else duplicated++;
            if (problems.Count < 20) problems.Add($"{what} {key}: {found} row(s), expected {expected}");
        }
        var signedIn = load.SignedIn.ToHashSet();
        foreach (var email in load.Issued)
        {
            var profile = profiles.GetValueOrDefault(email);
            Check("profile", email, profile?.Count ?? 0, 1);
            // A passwordless sign-in adds its own session to the issued one.
            Check("sessions of", email, profile is null ? 0 : sessions.GetValueOrDefault(profile.Id!), signedIn.Contains(email) ? 2 : 1);
        }
        foreach (var email in load.Identified) Check("passcode challenge", email, challenges.GetValueOrDefault(email), 1);
        foreach (var uuid in load.Imported) Check("connection", uuid, connections.GetValueOrDefault(uuid), 1);

        var mail = await cluster.Mailbox.AllAsync();
        var queued = messages.Where(m => m.Recipient.StartsWith("signin-", StringComparison.Ordinal)).ToList();
        foreach (var recipient in queued.GroupBy(m => m.Recipient).Where(g => g.Count() > 1)) Check("outbox message to", recipient.Key, recipient.Count(), 1);
        var mailMissing = load.Identified.Count(e => !mail.ContainsKey(e));
        var mailRepeated = mail.Values.Sum(codes => { lock (codes) return codes.Count - 1; });

        var accepted = cluster.Webhooks.Accepted.Select(r => r.EventId).ToList();
        var events = deliveries.Count;
        var eventsDelivered = accepted.Distinct().Count();
        if (events < profiles.Count - 8 - 1) problems.Add($"{events} webhook deliveries for {profiles.Count} profiles"); // the seed's 9 were made before the load
        var acknowledged = load.Issued.Count + load.Identified.Count + load.SignedIn.Count + load.Imported.Count;
        return new WriteAudit(acknowledged, lost, duplicated, queued.Count, queued.Count(m => m.Status != OutboxStatus.Sent), mail.Count, mailRepeated, mailMissing,
            events, eventsDelivered, accepted.Count - eventsDelivered, events - eventsDelivered, problems, drained);
    }
}
