using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Tessera.Data;
using Xunit;

namespace Tessera.Tests.Infrastructure;

/// <summary>
/// <c>tessera serve</c> as a real process on a loopback port, for what only a process can show: a SIGKILL, a SIGTERM,
/// a restart on the same files.
/// </summary>
public sealed class TesseraServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr, _stdout;
    public Uri BaseAddress { get; }
    public int Id => _process.Id;

    private TesseraServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        _stderr = process.StandardError.ReadToEndAsync();
        _stdout = process.StandardOutput.ReadToEndAsync();
    }

    /// <summary>Starts the server and waits until <c>/readyz</c> answers 200; returns it with the time that took.</summary>
    public static Task<(TesseraServerProcess Server, TimeSpan Ready)> StartAsync(DatabaseProvider provider, string connectionString, params string[] settings) =>
        StartAsync(provider, connectionString, TimeSpan.FromSeconds(180), settings);

    /// <summary>As above, waiting up to <paramref name="readyTimeout"/> for <c>/readyz</c>.</summary>
    public static async Task<(TesseraServerProcess Server, TimeSpan Ready)> StartAsync(DatabaseProvider provider, string connectionString, TimeSpan readyTimeout, params string[] settings)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { typeof(Program).Assembly.Location, "serve", $"--urls=http://127.0.0.1:{port}",
                     $"--Database:Provider={provider}", $"--Database:ConnectionString={connectionString}",
                     $"--Secrets:MasterKey={TesseraInstance.MasterKey}" }.Concat(settings))
            start.ArgumentList.Add(arg);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var started = Stopwatch.GetTimestamp();
        var server = new TesseraServerProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            // Generous: a loaded CI machine can take long to start .NET; a healthy start takes a second or two.
            await server.WaitReadyAsync(readyTimeout);
        }
        catch
        {
            await server.DisposeAsync(); // never left running behind a failed test
            throw;
        }
        return (server, Stopwatch.GetElapsedTime(started));
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = CreateClient();
        http.Timeout = TimeSpan.FromSeconds(2);
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var last = "no answer";
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process.HasExited) Assert.Fail($"tessera serve exited {_process.ExitCode} before it was ready: {await _stderr}");
            try
            {
                using var response = await http.GetAsync("/readyz", TestContext.Current.CancellationToken);
                if (response.StatusCode == HttpStatusCode.OK) return;
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}";
            }
            catch (HttpRequestException ex) { last = ex.Message; }
            catch (TaskCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested) { }
            await Task.Delay(50, TestContext.Current.CancellationToken); // a poll interval, bounded by the deadline
        }
        Assert.Fail($"tessera serve was not ready within {timeout.TotalSeconds} s (last /readyz: {last})");
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or an OOM kill.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>SIGTERM, as an orchestrator stops a container.</summary>
    public void Terminate() => Assert.Equal(0, SendSignal(_process.Id, 15));

    /// <summary>Waits for the process to exit; null when it did not within <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout);
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested) { return null; }
        return _process.ExitCode;
    }

    public Task<string> StderrAsync() => _stderr;

    /// <summary>Everything the process wrote to stdout (its console log), complete once it has exited.</summary>
    public Task<string> StdoutAsync() => _stdout;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
