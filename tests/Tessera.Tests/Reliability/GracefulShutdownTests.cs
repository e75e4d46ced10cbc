using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Data.Sqlite;
using Tessera.Data;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Reliability;

/// <summary>
/// Issue 23, item 6 (quick form): SIGTERM with requests in flight, an outbox message and a webhook delivery mid-send.
/// The requests finish with their answers, the process exits 0 within the host's shutdown timeout (30 s, .NET's
/// default), and both leases are let go, so another instance sends them at once rather than when the leases expire.
/// </summary>
[Collection(FaultScenarios.Name)]
public sealed class GracefulShutdownTests(ITestOutputHelper output)
{
    private const int InFlight = 5;

    [Fact]
    public async Task SigtermDrainsInFlightRequestsReleasesOutboxAndWebhookLeasesAndExitsZero()
    {
        var ct = TestContext.Current.CancellationToken;
        var (file, connectionString, init) = await TesseraCliProcess.InitFreshSqliteAsync("tessera-shutdown-");
        var secret = init.GetProperty("apiKey").Str("secret");

        // An SMTP server that accepts and never greets: the outbox dispatcher stays mid-send, holding its lease.
        using var smtp = new TcpListener(IPAddress.Loopback, 0);
        smtp.Start();
        var smtpConnected = smtp.AcceptSocketAsync(ct).AsTask();
        // A webhook endpoint that accepts and never answers: the webhook dispatcher stays mid-send too (its timeout is
        // set past the test's length, so the lease is still held, not given back by a timed-out attempt, at SIGTERM).
        using var hook = new TcpListener(IPAddress.Loopback, 0);
        hook.Start();
        var hookConnected = hook.AcceptSocketAsync(ct).AsTask();
        var (server, _) = await TesseraServerProcess.StartAsync(DatabaseProvider.Sqlite, connectionString,
            "--Email:Smtp:Host=127.0.0.1", $"--Email:Smtp:Port={((IPEndPoint)smtp.LocalEndpoint).Port}", "--Email:Smtp:UseTls=false",
            "--Email:From=Tessera <no-reply@tessera.test>",
            "--Webhooks:AllowPrivateTargets=true", "--Webhooks:Timeout=00:01:00", "--Webhooks:LockDuration=00:05:00");
        await using var _server = server;
        using var held = await WaitAsync(smtpConnected, "the dispatcher to connect to SMTP", async () =>
        {
            using var http = server.CreateClient();
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
            var subscribed = await http.PostAsync("/v1/webhooks/subscriptions", System.Net.Http.Json.JsonContent.Create(new
            {
                name = "shutdown", targetUrl = $"http://127.0.0.1:{((IPEndPoint)hook.LocalEndpoint).Port}/hook", eventTypes = new[] { "profile.created" },
            }), ct);
            Assert.Equal(HttpStatusCode.Created, subscribed.StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await http.PostAsync("/v1/users/sessions", Json("""{"email":"ada@example.com"}"""), ct)).StatusCode);
            http.DefaultRequestHeaders.Authorization = null;
            var identify = await http.PostAsync("/v1/users/session", System.Net.Http.Json.JsonContent.Create(new { session = new { clientId = init.GetProperty("emailClient").Str("id"), email = "ada@example.com" } }), ct);
            Assert.Equal(HttpStatusCode.Accepted, identify.StatusCode);
        });
        Assert.Equal(1, await CountAsync(file, "SELECT COUNT(*) FROM outbox_messages WHERE status = 'Pending' AND locked_by IS NOT NULL", ct));
        using var hookHeld = await WaitAsync(hookConnected, "the webhook dispatcher to connect to its endpoint", () => Task.CompletedTask);
        // The dispatcher writes its claim before it connects, so this holds at once; the bound is only a safety.
        await Faults.FaultSuite.WaitUntilAsync(async () => await CountAsync(file, "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'Pending' AND locked_by IS NOT NULL", ct) == 1,
            30, "the webhook delivery's lease to be visible");

        // Requests inside their handlers: each got "100 Continue", which Kestrel sends when the handler reads the body.
        var requests = new List<(TcpClient Client, NetworkStream Stream)>();
        for (var i = 0; i < InFlight; i++) requests.Add(await StartRequestAsync(server.BaseAddress, secret, ct));

        var signalled = Stopwatch.GetTimestamp();
        server.Terminate();
        // Slow clients: their bodies arrive 3 s after the signal, longer than System.CommandLine's own 2 s
        // termination timeout, which used to end the process under the draining host.
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        var statuses = new List<string>();
        foreach (var (client, stream) in requests)
        {
            await stream.WriteAsync("{}"u8.ToArray(), ct);
            statuses.Add(await ReadStatusLineAsync(stream, ct));
            client.Dispose();
        }
        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(35));
        var exitedAfter = Stopwatch.GetElapsedTime(signalled);
        var leases = await CountAsync(file, "SELECT COUNT(*) FROM outbox_messages WHERE status = 'Pending' AND (locked_by IS NOT NULL OR locked_until IS NOT NULL)", ct);
        var webhookLeases = await CountAsync(file, "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'Pending' AND (locked_by IS NOT NULL OR locked_until IS NOT NULL)", ct);
        var webhookPending = await CountAsync(file, "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'Pending'", ct);

        var completed = statuses.Count(s => s.StartsWith("HTTP/1.1 2", StringComparison.Ordinal));
        FaultReport.Verdict(output, "graceful-shutdown", completed == InFlight && exitCode == 0 && leases == 0 && webhookLeases == 0 && webhookPending == 1,
            $"{InFlight} requests in flight at SIGTERM, {completed} answered 2xx, lost {InFlight - completed}; exit code {exitCode?.ToString() ?? "none (still running)"} " +
            $"{exitedAfter.TotalSeconds:0.00} s after SIGTERM (host timeout 30 s); leases still held after exit: outbox {leases}, webhooks {webhookLeases} " +
            $"(the webhook delivery mid-send at SIGTERM is pending again: {webhookPending == 1})");
        Assert.All(statuses, s => Assert.StartsWith("HTTP/1.1 201", s));
        Assert.Equal(0, exitCode);
        Assert.Equal(0, leases);
        Assert.Equal(0, webhookLeases);
        Assert.Equal(1, webhookPending); // released for the next instance, not marked failed or sent
        Assert.Null(await SqliteBackup.IntegrityCheckAsync(file, ct));
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<Socket> WaitAsync(Task<Socket> signal, string what, Func<Task> cause)
    {
        await cause();
        var done = await Task.WhenAny(signal, Task.Delay(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Assert.True(done == signal, $"timed out waiting for {what}");
        return await signal;
    }

    /// <summary>Sends a request's headers with <c>Expect: 100-continue</c> and waits for the 100: the handler is running.</summary>
    private static async Task<(TcpClient, NetworkStream)> StartRequestAsync(Uri server, string secret, CancellationToken ct)
    {
        var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, ct);
        var stream = client.GetStream();
        var headers = $"POST /v1/users/sessions HTTP/1.1\r\nHost: {server.Authority}\r\nAuthorization: Bearer {secret}\r\n" +
                      "Content-Type: application/json\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(headers), ct);
        var status = await ReadStatusLineAsync(stream, ct);
        Assert.StartsWith("HTTP/1.1 100", status);
        return (client, stream);
    }

    /// <summary>Reads one response head (status line and headers) and returns its status line.</summary>
    private static async Task<string> ReadStatusLineAsync(NetworkStream stream, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, timeout.Token) == 0) break;
            head.Append((char)one[0]);
        }
        return head.ToString().Split("\r\n")[0];
    }

    private static async Task<long> CountAsync(string file, string sql, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
