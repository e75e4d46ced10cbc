using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Data;
using Tessera.Delivery;
using Tessera.Tests.Delivery;
using Tessera.Tests.Infrastructure;
using Tessera.Webhooks;
using Xunit;

namespace Tessera.Tests.Faults;

/// <summary>
/// Issue 23, item 5: an SMTP server that accepts and never answers, an SMS API that stalls, a webhook target that
/// trickles its response. Each attempt ends at its configured timeout and is put back for a retry; no request waits
/// on them, and verification keeps its latency (p99 during the fault against the same instance before it).
/// </summary>
[Collection(FaultSuite.Name)]
public sealed class SlowDependencyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task HungSmtpStalledSmsAndATricklingWebhookTimeOutWithoutSlowingVerification()
    {
        var perKind = FaultSuite.Full ? 5 : 2;
        // 400 in both forms: the per-token request budget answers 429 to a few thousand in a row.
        const int samples = 400;
        await using var smtp = new MisbehavingServer(MisbehavingServer.Mode.Hung);
        await using var sms = new MisbehavingServer(MisbehavingServer.Mode.Hung);
        await using var webhook = new MisbehavingServer(MisbehavingServer.Mode.Trickle);
        var database = Path.Combine(Directory.CreateTempSubdirectory("tessera-faults-").FullName, "tessera.db");
        var settings = FaultSuite.DispatcherSettings(smtp.Port);
        settings["Email:Smtp:Timeout"] = "00:00:02";
        settings["Sms:Twilio:BaseUrl"] = $"http://127.0.0.1:{sms.Port}";
        settings["Sms:Twilio:AccountSid"] = FakeTwilio.AccountSid;
        settings["Sms:Twilio:AuthToken"] = FakeTwilio.AuthToken;
        settings["Sms:Twilio:From"] = FakeTwilio.From;
        settings["Sms:Twilio:Timeout"] = "00:00:02";
        // Retries well after the measurement: each message is attempted once here, then waits.
        settings["Delivery:RetryBaseDelay"] = "00:01:00";
        settings["Webhooks:RetryBaseDelay"] = "00:01:00";
        await using var server = await TesseraInstance.StartAsync(DatabaseProvider.Sqlite, $"Data Source={database}", TimeProvider.System, settings);
        var (environment, secret, _) = await server.CreateEnvironmentAsync();
        var token = (await (await server.SendAsync(HttpMethod.Post, "/v1/users/sessions", secret, new { email = "verify@example.com" })).JsonAsync()).Str("token");
        Assert.Equal(HttpStatusCode.OK, (await server.SendAsync(HttpMethod.Get, "/v1/users/session", token)).StatusCode);

        var baseline = await MeasureVerificationAsync(server, token, samples);

        // The faults begin: messages and events for the three dependencies.
        var faultStarted = Stopwatch.StartNew();
        var subscribed = await server.SendAsync(HttpMethod.Post, "/v1/webhooks/subscriptions", secret, new { name = "trickle", targetUrl = $"http://127.0.0.1:{webhook.Port}/hook", eventTypes = new[] { "profile.created" } });
        Assert.Equal(HttpStatusCode.Created, subscribed.StatusCode);
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var outbox = scope.ServiceProvider.GetRequiredService<Outbox>();
            var expires = DateTime.UtcNow.AddMinutes(30);
            for (var i = 0; i < perKind; i++)
            {
                outbox.Enqueue(environment.Id, OutboxChannel.Email, $"hung{i}@example.com", "passcode", MessageTemplates.PasscodeEmail("Acme", "123456", TimeSpan.FromMinutes(30)), expires, captureOnly: false);
                outbox.Enqueue(environment.Id, OutboxChannel.Sms, $"+1555555010{i}", "passcode", MessageTemplates.PasscodeSms("Acme", "123456", TimeSpan.FromMinutes(30)), expires, captureOnly: false);
            }
            await scope.ServiceProvider.GetRequiredService<TesseraDbContext>().SaveChangesAsync(Ct);
        }
        var writes = new List<double>();
        for (var i = 0; i < perKind; i++)
        {
            var clock = Stopwatch.StartNew();
            Assert.Equal(HttpStatusCode.Created, (await server.SendAsync(HttpMethod.Post, "/v1/profiles", secret, new { uuid = Guid.NewGuid() })).StatusCode);
            writes.Add(clock.Elapsed.TotalMilliseconds);
        }
        // Measured while the dispatchers are stuck on the dependencies (each connection is held until its timeout).
        await FaultSuite.WaitUntilAsync(() => Task.FromResult(smtp.Connections > 0 && sms.Connections + smtp.Connections > 0 && webhook.Connections > 0), 30,
            "the dispatchers to reach the misbehaving servers");
        var during = await MeasureVerificationAsync(server, token, samples);
        var duringEnded = faultStarted.Elapsed;

        // Every attempt ended at its timeout and was put back for a retry.
        var allAttempted = await FaultSuite.WaitUntilAsync(() => server.WithDbAsync(async db =>
                await db.OutboxMessages.CountAsync(m => m.Attempts >= 1, Ct) == 2 * perKind
                && await db.WebhookAttempts.CountAsync(Ct) >= perKind),
            2 * perKind * (Timeout.TotalSeconds + 3) + 15, "every message and delivery to be attempted once");
        var messages = await server.WithDbAsync(db => db.OutboxMessages.AsNoTracking().ToListAsync(Ct));
        var attempts = await server.WithDbAsync(db => db.WebhookAttempts.AsNoTracking().ToListAsync(Ct));
        var deliveries = await server.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().ToListAsync(Ct));

        var b99 = FaultSuite.Percentile(baseline, 99);
        var d99 = FaultSuite.Percentile(during, 99);
        FaultSuite.Report($"== slow and hung dependencies ({FaultSuite.Form}: {perKind} email, {perKind} SMS, {perKind} webhook events; timeouts {Timeout.TotalSeconds:0} s) ==");
        FaultSuite.Report($"verification p50/p99: baseline {FaultSuite.Percentile(baseline, 50):0.00}/{b99:0.00} ms, during the fault {FaultSuite.Percentile(during, 50):0.00}/{d99:0.00} ms ({samples} requests each, measured {duringEnded.TotalSeconds:0.0} s into the fault)");
        FaultSuite.Report($"writes during the fault (profile creation): slowest {writes.Max():0} ms");
        FaultSuite.Report($"outbox: {messages.Count(m => m.Status == OutboxStatus.Pending && m.Attempts >= 1)}/{messages.Count} attempted and pending a retry; errors: {string.Join("; ", messages.Select(m => m.LastError).Distinct())}; all attempted {allAttempted.TotalSeconds:0.0} s after enqueueing (one dispatcher, attempts in series)");
        FaultSuite.Report($"webhooks: {attempts.Count} attempt(s), longest {attempts.Max(a => a.DurationMs)} ms; errors: {string.Join("; ", attempts.Select(a => a.Error).Distinct())}");
        var verdict = d99 < Math.Max(5 * b99, 200) && attempts.All(a => a.DurationMs < Timeout.TotalMilliseconds + 1500);
        FaultSuite.Report($"verdict: {(verdict ? "PASS" : "FAIL")}");

        Assert.All(messages, m => Assert.True(m.Status == OutboxStatus.Pending && m.Attempts >= 1 && m.NextAttemptAt > DateTime.UtcNow && m.LockedBy is null,
            $"{m.Channel} message: {m.Status}, {m.Attempts} attempt(s), {m.LastError}"));
        // Tessera's own bound ("SMTP timeout after 2 s") or SmtpClient's, which can fire first ("The operation has timed out.").
        Assert.All(messages, m => Assert.True(TimedOut(m.LastError), $"{m.Channel} message: {m.LastError}"));
        // Each attempt ends within its timeout and a margin; the one dispatcher tries them in series.
        Assert.True(allAttempted < TimeSpan.FromSeconds(2 * perKind * (Timeout.TotalSeconds + 1.5) + 5), $"the outbox took {allAttempted.TotalSeconds:0.0} s");
        Assert.All(attempts, a => Assert.True(a.DurationMs < Timeout.TotalMilliseconds + 1500 && a.Error is not null, $"webhook attempt took {a.DurationMs} ms: {a.Error}"));
        Assert.All(deliveries, d => Assert.Equal(WebhookDeliveryStatus.Pending, d.Status));
        Assert.True(d99 < Math.Max(5 * b99, 200), $"verification p99 {d99:0.0} ms during the fault against {b99:0.0} ms before");
        Assert.True(writes.Max() < 2000, $"a profile creation took {writes.Max():0} ms while the dependencies hung");
    }

    private static bool TimedOut(string? error) =>
        error is not null && (error.Contains("timeout", StringComparison.OrdinalIgnoreCase) || error.Contains("timed out", StringComparison.OrdinalIgnoreCase));

    /// <summary>Latencies of <paramref name="count"/> verifications sent four at a time.</summary>
    private static async Task<List<double>> MeasureVerificationAsync(TesseraInstance server, string token, int count)
    {
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= count)
            {
                var clock = Stopwatch.StartNew();
                using var response = await server.SendAsync(HttpMethod.Get, "/v1/users/session", token);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                latencies.Add(clock.Elapsed.TotalMilliseconds);
            }
        })));
        return [.. latencies];
    }
}
