using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Tessera.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server for the test run: initdb into a temp directory, pg_ctl start on a free loopback port,
/// stopped and deleted when the run ends. PostgreSQL refuses to run as root, so as root it runs as `postgres`.
/// Set TESSERA_TEST_POSTGRES to a connection string to use an existing server instead.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _directory;
    private string? _adminConnectionString;

    public async Task<string> CreateDatabaseAsync()
    {
        var admin = await EnsureStartedAsync();
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(admin)
        {
            // Pooled, as Tessera runs in production. The admin string is unpooled (one-off CREATE DATABASE), and this
            // one used to inherit that: every query of every test then forked a new server backend (~35 ms each here).
            Database = name, Pooling = true, MaxPoolSize = 20, ConnectionIdleLifetime = 2, ConnectionPruningInterval = 1,
        }.ConnectionString;
    }

    private async Task<string> EnsureStartedAsync()
    {
        if (_adminConnectionString is not null) return _adminConnectionString;
        await _gate.WaitAsync();
        try
        {
            if (_adminConnectionString is not null) return _adminConnectionString;
            var external = Environment.GetEnvironmentVariable("TESSERA_TEST_POSTGRES");
            _adminConnectionString = string.IsNullOrWhiteSpace(external) ? await StartAsync() : external;
            return _adminConnectionString;
        }
        finally { _gate.Release(); }
    }

    private async Task<string> StartAsync()
    {
        var asRoot = Environment.UserName == "root";
        _directory = Directory.CreateTempSubdirectory("tessera-pg-").FullName;
        if (asRoot) await RunAsync("chown", $"postgres {_directory}");
        var data = Path.Combine(_directory, "data");
        var port = FreePort();
        await RunPostgresToolAsync(asRoot, "initdb", $"-D {data} -U postgres --auth=trust -E UTF8 --no-sync");
        await RunPostgresToolAsync(asRoot, "pg_ctl",
            $"-D {data} -l {Path.Combine(_directory, "server.log")} -w -t 60 " +
            $"-o \"-p {port} -k {_directory} -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" start");
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false";
    }

    internal static async Task RunPostgresToolAsync(bool asRoot, string tool, string arguments)
    {
        var path = FindTool(tool);
        if (asRoot) await RunAsync("runuser", $"-u postgres -- {path} {arguments}");
        else await RunAsync(path, arguments);
    }

    private static string FindTool(string tool)
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Concat(Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin")) : []);
        foreach (var directory in candidates)
        {
            var path = Path.Combine(directory, tool);
            if (File.Exists(path)) return path;
        }
        throw new InvalidOperationException($"{tool} not found: install PostgreSQL (apt-get install postgresql) or set TESSERA_TEST_POSTGRES.");
    }

    private static async Task RunAsync(string file, string arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/tmp" };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {await stdout}{await stderr}");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_directory is null) return;
        try
        {
            await RunPostgresToolAsync(Environment.UserName == "root", "pg_ctl", $"-D {Path.Combine(_directory, "data")} -m immediate -w stop");
        }
        finally
        {
            try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
