using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Tessera.Data;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Reliability;

/// <summary>
/// Issue 23, item 4: the embedded database on a small file system (a tmpfs with a size) that fills up. Writes are
/// refused with 503 and <c>Retry-After</c> (never a 500), token verification keeps answering, nothing acknowledged is
/// lost, the file passes <c>integrity_check</c>, and writes succeed again as soon as space returns, without a restart.
/// </summary>
[Collection(FaultScenarios.Name)]
public sealed class DiskFullTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AFullDiskRefusesWritesWith503LosesNothingAndRecoversWhenSpaceReturns()
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = Directory.CreateTempSubdirectory("tessera-diskfull-").FullName;
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", directory);
        try
        {
            var file = Path.Combine(directory, "tessera.db");
            var connectionString = $"Data Source={file}";
            var init = await new TesseraCliProcess(DatabaseProvider.Sqlite, connectionString).JsonAsync("init");
            var secret = init.GetProperty("apiKey").Str("secret");
            var (server, _) = await TesseraServerProcess.StartAsync(DatabaseProvider.Sqlite, connectionString, "--Limits:Requests:PerMinute=10000000");
            await using var _server = server;
            using var http = server.CreateClient();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);

            var acknowledged = new List<string>();
            async Task<HttpResponseMessage> SignUpAsync(string email)
            {
                var response = await http.PostAsJsonAsync("/v1/users/sessions", new { email }, ct);
                if (response.StatusCode == HttpStatusCode.Created) acknowledged.Add((await response.JsonAsync()).Str("userId"));
                return response;
            }
            using (var first = await SignUpAsync("before@example.com")) Assert.Equal(HttpStatusCode.Created, first.StatusCode);
            var token = (await (await http.PostAsJsonAsync("/v1/users/sessions", new { email = "verify@example.com" }, ct)).JsonAsync()).Str("token");

            // Fill the file system to the last byte.
            var filler = Path.Combine(directory, "filler");
            long filled = 0;
            using (var handle = File.OpenHandle(filler, FileMode.Create, FileAccess.Write))
            {
                var chunk = new byte[1 << 16];
                foreach (var size in new[] { chunk.Length, 512 })
                    try { while (true) { RandomAccess.Write(handle, chunk.AsSpan(0, size), filled); filled += size; } }
                    catch (IOException) { }
            }

            // While full: every write is a 503 with Retry-After (or, while SQLite still has room in pages it holds, a 201).
            var statuses = new Dictionary<int, int>();
            var withoutRetryAfter = 0;
            var verifications = 0;
            for (var i = 0; i < 40; i++)
            {
                using var response = await SignUpAsync($"full-{i}@example.com");
                statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    if (response.Headers.RetryAfter is null) withoutRetryAfter++;
                    var body = await response.JsonAsync();
                    Assert.Equal("Service Unavailable", body.Str("message"));
                }
                using var verify = new HttpRequestMessage(HttpMethod.Get, "/v1/users/session");
                verify.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var verified = await http.SendAsync(verify, ct);
                if (verified.StatusCode == HttpStatusCode.OK) verifications++;
            }
            Assert.True(statuses.GetValueOrDefault(503) > 0, $"no write was refused on a full disk: {Describe(statuses)}");
            Assert.True(statuses.Keys.All(status => status is 201 or 503), $"only 201 and 503 expected: {Describe(statuses)}");
            Assert.Equal(0, withoutRetryAfter);
            Assert.Equal(40, verifications);

            // Space returns: writes succeed again, without a restart (bounded: at most 100 tries, a few ms apart).
            File.Delete(filler);
            var recovery = Stopwatch.StartNew();
            var recovered = false;
            for (var attempt = 0; attempt < 100 && !recovered; attempt++)
            {
                using var response = await SignUpAsync($"after-{attempt}@example.com");
                recovered = response.StatusCode == HttpStatusCode.Created;
                if (!recovered) await Task.Delay(50, ct); // a retry interval, bounded by the attempt count
            }
            Assert.True(recovered, "writes did not succeed again after space returned");
            var recoveredIn = recovery.Elapsed;

            // Every acknowledged sign-up is there, and the file is sound.
            var lost = 0;
            foreach (var profileId in acknowledged)
            {
                using var found = await http.GetAsync($"/v1/profiles/{profileId}", ct);
                if (found.StatusCode != HttpStatusCode.OK) lost++;
            }
            server.Terminate();
            Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            var integrity = await SqliteBackup.IntegrityCheckAsync(file, ct);

            FaultReport.Verdict(output, "disk-full", lost == 0 && integrity is null,
                $"tmpfs 24 MiB filled ({filled / 1024} KiB of filler); 40 sign-ups while full: {Describe(statuses)}, all 503s with Retry-After; " +
                $"verification {verifications}/40 × 200; writes again {recoveredIn.TotalMilliseconds:0} ms after space returned (no restart); " +
                $"acknowledged {acknowledged.Count}, lost {lost}; integrity_check {integrity ?? "ok"}");
            Assert.Equal(0, lost);
            Assert.Null(integrity);
        }
        finally
        {
            await RunAsync("umount", "-l", directory);
        }
    }

    private static string Describe(Dictionary<int, int> statuses) => string.Join(", ", statuses.OrderBy(p => p.Key).Select(p => $"{p.Value} × {p.Key}"));

    private static async Task RunAsync(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error} (the disk-full scenario mounts a tmpfs: it runs as root)");
    }
}
