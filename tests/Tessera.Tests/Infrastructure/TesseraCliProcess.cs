using System.Diagnostics;
using System.Text.Json;
using Tessera.Data;
using Xunit;

namespace Tessera.Tests.Infrastructure;

/// <summary>The real `tessera` executable, run as an operator would against one database, with its output.</summary>
/// <param name="masterKey">Given as <c>Secrets:MasterKey</c>; null to run on the key file, as the embedded default does.</param>
/// <param name="workingDirectory">Where the process starts; null for the test's own.</param>
public sealed class TesseraCliProcess(DatabaseProvider provider, string connectionString, string? masterKey = TesseraInstance.MasterKey, string? workingDirectory = null)
{
    private string[] Config => masterKey is null
        ? [$"--Database:Provider={provider}", $"--Database:ConnectionString={connectionString}"]
        : [$"--Database:Provider={provider}", $"--Database:ConnectionString={connectionString}", $"--Secrets:MasterKey={masterKey}"];

    public async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var arg in args.Concat(Config)) start.ArgumentList.Add(arg);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true); // e.g. `serve` that started when it should have refused
            throw;
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// A new SQLite database in a directory of its own, set up by <c>tessera init</c> (a sandbox environment, an API key
    /// and an email client); returns the file, its connection string and init's output.
    /// </summary>
    public static async Task<(string File, string ConnectionString, JsonElement Init)> InitFreshSqliteAsync(string prefix)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory(prefix).FullName, "tessera.db");
        var connectionString = $"Data Source={file}";
        return (file, connectionString, await new TesseraCliProcess(DatabaseProvider.Sqlite, connectionString).JsonAsync("init"));
    }

    /// <summary>Runs with <c>--json</c>, asserts success and parses the output.</summary>
    public async Task<JsonElement> JsonAsync(params string[] args)
    {
        var (exitCode, stdout, stderr) = await RunAsync([.. args, "--json"]);
        Assert.True(exitCode == 0, $"tessera {string.Join(' ', args)} exited {exitCode}: {stderr}");
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }
}
