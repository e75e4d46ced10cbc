using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Tessera.Data;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Faults;

/// <summary>
/// The fault suite: scenarios that break a dependency on purpose and print a verdict with figures. The quick form
/// runs in the default test run (short faults, small load); <c>TESSERA_FAULT_FULL=1</c> runs the long form (10 s
/// PostgreSQL outage, heavier load, repeated faults, real lease expiry). Both assert the same invariants.
/// The scenarios run one after another (one collection): each measures latency, which a neighbour would disturb.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultSuite
{
    public const string Name = "Faults";

    public static bool Full => Reliability.FaultReport.Full;

    public static string Form => Full ? "full" : "quick";

    /// <summary>A verdict or figure line, in the test's output and on the console (the CI log).</summary>
    public static void Report(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        Console.WriteLine("[faults] " + line);
    }

    /// <summary>
    /// The delivery settings the dispatcher scenarios share: email to an SMTP server on <paramref name="smtpPort"/>,
    /// outbox and webhook polls every 200 ms, 2 s webhook timeout, 5 s webhook lease, private (loopback) targets allowed.
    /// Each scenario adds or overrides what is its own (retry delays, the outbox lease, SMS).
    /// </summary>
    public static Dictionary<string, string?> DispatcherSettings(int smtpPort) => new()
    {
        ["Email:From"] = "no-reply@example.com",
        ["Email:Smtp:Host"] = "127.0.0.1",
        ["Email:Smtp:Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Email:Smtp:UseTls"] = "false",
        ["Delivery:PollInterval"] = "00:00:00.200",
        ["Webhooks:PollInterval"] = "00:00:00.200",
        ["Webhooks:Timeout"] = "00:00:02",
        ["Webhooks:LockDuration"] = "00:00:05",
        ["Webhooks:AllowPrivateTargets"] = "true",
    };

    public static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> after <paramref name="seconds"/>.</summary>
    public static async Task<TimeSpan> WaitUntilAsync(Func<Task<bool>> condition, double seconds, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds)) Assert.Fail($"Timed out after {seconds} s waiting for {what}.");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        return clock.Elapsed;
    }
}

/// <summary>
/// A PostgreSQL server of the scenario's own (the run's shared one must not be restarted under other tests): the
/// same initdb and pg_ctl as <see cref="PostgresServer"/>, on a free loopback port, stopped and started on demand.
/// </summary>
public sealed class DedicatedPostgres : IAsyncDisposable
{
    private readonly bool _asRoot = Environment.UserName == "root";
    private readonly string _directory;
    private readonly int _port;

    private DedicatedPostgres(string directory, int port)
    {
        _directory = directory;
        _port = port;
    }

    private string Data => Path.Combine(_directory, "data");

    public string AdminConnectionString => $"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres;Pooling=false;Timeout=5";

    public static async Task<DedicatedPostgres> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("tessera-pg-faults-").FullName;
        var server = new DedicatedPostgres(directory, PostgresServer.FreePort());
        if (server._asRoot) await RunAsync("chown", $"postgres {directory}");
        await PostgresServer.RunPostgresToolAsync(server._asRoot, "initdb", $"-D {server.Data} -U postgres --auth=trust -E UTF8 --no-sync");
        await server.StartAgainAsync();
        return server;
    }

    /// <summary><c>pg_ctl start -w</c>: returns once the server accepts connections.</summary>
    public Task StartAgainAsync() => PostgresServer.RunPostgresToolAsync(_asRoot, "pg_ctl",
        $"-D {Data} -l {Path.Combine(_directory, "server.log")} -w -t 60 " +
        $"-o \"-p {_port} -k {_directory} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" start");

    /// <summary><c>pg_ctl stop -m fast</c>: open transactions are rolled back and connections closed, as in a restart.</summary>
    public Task StopAsync() => PostgresServer.RunPostgresToolAsync(_asRoot, "pg_ctl", $"-D {Data} -m fast -w stop");

    public async Task<string> CreateDatabaseAsync()
    {
        var name = "f_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true, MaxPoolSize = 30 }.ConnectionString
            .Replace(";Timeout=5", "", StringComparison.Ordinal);
    }

    /// <summary>Kills every backend connected to <paramref name="database"/> (pg_terminate_backend); returns how many.</summary>
    public async Task<int> TerminateBackendsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @db AND pid <> pg_backend_pid()", connection);
        command.Parameters.AddWithValue("db", database);
        return Convert.ToInt32(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    private static async Task RunAsync(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try { await PostgresServer.RunPostgresToolAsync(_asRoot, "pg_ctl", $"-D {Data} -m immediate -w stop"); }
        catch (InvalidOperationException) { } // already stopped
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>
/// A dependency that misbehaves at the TCP level, on a free loopback port: <see cref="Mode.Hung"/> accepts and never
/// sends a byte (an SMTP server with no banner, an HTTP API that never answers); <see cref="Mode.Trickle"/> answers an
/// HTTP status line and then one header byte every 200 ms, for ever.
/// </summary>
public sealed class MisbehavingServer : IAsyncDisposable
{
    public enum Mode { Hung, Trickle }

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _clients = [];
    private readonly Task _accepting;
    private int _connections;

    public MisbehavingServer(Mode mode)
    {
        _listener.Start();
        _accepting = AcceptAsync(mode);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public int Connections => Volatile.Read(ref _connections);

    private async Task AcceptAsync(Mode mode)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            Interlocked.Increment(ref _connections);
            lock (_clients) _clients.Add(client);
            _ = ServeAsync(client, mode);
        }
    }

    private async Task ServeAsync(TcpClient client, Mode mode)
    {
        try
        {
            var stream = client.GetStream();
            var buffer = new byte[4096];
            if (mode == Mode.Hung)
            {
                // Read whatever comes (so the client's writes succeed) and never answer.
                while (await stream.ReadAsync(buffer, _stop.Token) > 0) { }
                return;
            }
            _ = await stream.ReadAsync(buffer, _stop.Token);
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nX-Trickle: "u8.ToArray(), _stop.Token);
            while (!_stop.IsCancellationRequested)
            {
                await stream.WriteAsync("a"u8.ToArray(), _stop.Token);
                await Task.Delay(200, _stop.Token);
            }
        }
        catch (Exception) { } // the client gave up (its timeout) or the test ended
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_clients) foreach (var client in _clients) client.Dispose();
        try { await _accepting; } catch (Exception) { }
        _stop.Dispose();
    }
}

/// <summary><c>tessera serve</c> as a real process (so it can be SIGKILLed), listening on a free loopback port.</summary>
public sealed class TesseraServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    public string Url { get; }
    public HttpClient Http { get; }

    private TesseraServeProcess(Process process, string url)
    {
        _process = process;
        Url = url;
        Http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
    }

    public static async Task<TesseraServeProcess> StartAsync(DatabaseProvider provider, string connectionString, IDictionary<string, string?> settings)
    {
        var url = $"http://127.0.0.1:{PostgresServer.FreePort()}";
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add($"--urls={url}");
        start.ArgumentList.Add($"--Database:Provider={provider}");
        start.ArgumentList.Add($"--Database:ConnectionString={connectionString}");
        start.ArgumentList.Add($"--Secrets:MasterKey={TesseraInstance.MasterKey}");
        foreach (var (key, value) in settings) start.ArgumentList.Add($"--{key}={value}");
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        // Drain the output so the process never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new TesseraServeProcess(process, url);
        await FaultSuite.WaitUntilAsync(async () =>
        {
            if (process.HasExited) Assert.Fail($"tessera serve exited with {process.ExitCode} before it answered.");
            try { return (await server.Http.GetAsync("/healthz", TestContext.Current.CancellationToken)).IsSuccessStatusCode; }
            catch (HttpRequestException) { return false; }
        }, 90, "tessera serve to answer /healthz");
        return server;
    }

    /// <summary>SIGKILL: no shutdown hook runs, no lease is released.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited) await KillAsync();
        _process.Dispose();
    }
}
