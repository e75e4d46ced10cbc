using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Examples;
using Tessera.Tests.Infrastructure;
using Tessera.Webhooks;
using Xunit;

namespace Tessera.Tests.Webhooks;

public abstract class WebhookDeliveryTests(Backend backend, PostgresServer postgres) : WebhookTestBase(backend, postgres)
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Webhooks:RetryFor"] = "1.00:00:00" };

    [Fact]
    public async Task DeliveredPayloadIsSignedSoThatBothDocsExamplesVerifyIt()
    {
        await StartAsync();
        var (_, secret) = await SubscribeAsync(["profile"]);
        var profileId = await CreateProfileAsync();
        await DispatchAsync(Server);

        var received = Assert.Single(await Receiver.WaitForAcceptedAsync(1));
        Assert.Equal(Environment.Id, received.Json.GetProperty("environment").GetProperty("id").GetString());
        Assert.Equal("profile.created", received.Json.GetProperty("eventTypes")[0].GetString());
        Assert.Equal("profile.created", received.EventType);
        Assert.StartsWith("evt_", received.EventId);
        Assert.Equal(profileId, received.Profile);
        Assert.Equal(profileId, received.Event.GetProperty("record").GetProperty("id").GetString());

        var now = Clock.GetUtcNow();
        Assert.True(VerifyWebhookSignature.IsValid(received.Body, received.Signature, secret, now));
        Assert.False(VerifyWebhookSignature.IsValid(received.Body.Replace(profileId, profileId + "x"), received.Signature, secret, now));
        Assert.False(VerifyWebhookSignature.IsValid(received.Body, received.Signature, secret + "x", now));
        // A replay more than five minutes later is refused.
        Assert.False(VerifyWebhookSignature.IsValid(received.Body, received.Signature, secret, now.AddMinutes(5).AddSeconds(1)));
        Assert.True(VerifyWebhookSignature.IsValid(received.Body, received.Signature, secret, now.AddMinutes(5)));

        Assert.Equal(0, await RunNodeVerifierAsync(received.Body, received.Signature!, secret, now.ToUnixTimeSeconds()));
        Assert.Equal(1, await RunNodeVerifierAsync(received.Body + " ", received.Signature!, secret, now.ToUnixTimeSeconds()));
        Assert.Equal(1, await RunNodeVerifierAsync(received.Body, received.Signature!, secret, now.ToUnixTimeSeconds() + 301));
    }

    private static async Task<int> RunNodeVerifierAsync(string body, string signature, string secret, long now)
    {
        var script = FindRepoFile("docs/examples/verify-webhook.mjs");
        var start = new ProcessStartInfo("node", [script])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.Environment["TESSERA_SIGNATURE"] = signature;
        start.Environment["TESSERA_WEBHOOK_SECRET"] = secret;
        start.Environment["TESSERA_NOW"] = now.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(body);
        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.Equal(process.ExitCode == 0 ? "valid" : "invalid", output.Trim());
        return process.ExitCode;
    }

    private static string FindRepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException(relative);
    }

    [Fact]
    public async Task FailedDeliveriesAreRetriedWithBackoffAfterA500AndATimeout()
    {
        await StartAsync();
        var answers = new Queue<string>(["500", "hang", "200"]);
        Receiver.Respond = async (_, ct) =>
        {
            var answer = answers.Count > 0 ? answers.Dequeue() : "200";
            if (answer == "hang") await Task.Delay(TimeSpan.FromSeconds(5), ct);
            return int.Parse(answer, System.Globalization.CultureInfo.InvariantCulture);
        };
        var (subscription, _) = await SubscribeAsync(["profile.created"]);
        await CreateProfileAsync();

        await DispatchAsync(Server);
        Assert.Equal(500, Assert.Single(Receiver.Requests).AnsweredWith);
        // Not due yet: the first retry waits 10 s (±20 %) by the clock Tessera is given.
        Clock.Advance(TimeSpan.FromSeconds(7));
        await DispatchAsync(Server);
        Assert.Single(Receiver.Requests);

        Clock.Advance(TimeSpan.FromSeconds(6));
        await DispatchAsync(Server); // the receiver hangs past the 1 s timeout
        var delivery = (await DeliveriesAsync(subscription))[0];
        Assert.Equal("pending", delivery.Str("status"));
        Assert.Equal(2, delivery.GetProperty("attempts").GetInt32());
        Assert.Contains("timed out", delivery.Str("lastError"));

        // The second retry waits twice as long: 20 s ± 20 %.
        Clock.Advance(TimeSpan.FromSeconds(15));
        await DispatchAsync(Server);
        Assert.Empty(Receiver.Accepted);
        Clock.Advance(TimeSpan.FromSeconds(10));
        await DispatchAsync(Server);
        Assert.Single(await Receiver.WaitForAcceptedAsync(1));

        delivery = (await DeliveriesAsync(subscription))[0];
        Assert.Equal("succeeded", delivery.Str("status"));
        Assert.Equal(3, delivery.GetProperty("attempts").GetInt32());
        var log = delivery.GetProperty("attemptLog").EnumerateArray().ToList();
        Assert.Equal(3, log.Count);
        Assert.Equal(500, log[0].GetProperty("statusCode").GetInt32());
        Assert.Contains("timed out", log[1].Str("error"));
        Assert.Equal(200, log[2].GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task EventsOfOneProfileArriveInOrderWhileOtherProfilesAreNotHeldUp()
    {
        await StartAsync();
        string? a = null;
        var failedOnce = 0;
        Receiver.Respond = (r, _) => Task.FromResult(r.Profile == a && Interlocked.Exchange(ref failedOnce, 1) == 0 ? 500 : 200);
        await SubscribeAsync(["profile"]);
        a = await CreateProfileAsync();
        var b = await CreateProfileAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, $"/v1/profiles/{a}", ApiSecret)).StatusCode);

        await DispatchAsync(Server);
        // a's creation failed, so a's deletion waits for its retry; b is not held up by a.
        Assert.Equal(2, Receiver.Requests.Count);
        Assert.Contains(Receiver.Requests, r => r.Profile == a && r.EventType == "profile.created" && r.AnsweredWith == 500);
        Assert.Contains(Receiver.Requests, r => r.Profile == b && r.EventType == "profile.created" && r.AnsweredWith == 200);

        Clock.Advance(TimeSpan.FromSeconds(13));
        await DispatchAsync(Server);
        var forA = Receiver.Accepted.Where(r => r.Profile == a).Select(r => r.EventType).ToList();
        Assert.Equal(["profile.created", "profile.deleted"], forA);
    }

    [Fact]
    public async Task TwoInstancesDispatchingTogetherSendEachDeliveryExactlyOnce()
    {
        await StartAsync();
        var second = await StartServerAsync(Manual, Settings);
        Receiver.Respond = async (_, ct) => { await Task.Delay(20, ct); return 200; };
        await SubscribeAsync(["profile.created"]);
        var profiles = new List<string>();
        for (var i = 0; i < 12; i++) profiles.Add(await CreateProfileAsync(i % 2 == 0 ? Server : second));

        await Task.WhenAll(DispatchAsync(Server), DispatchAsync(second), DispatchAsync(Server), DispatchAsync(second));

        var received = await Receiver.WaitForAcceptedAsync(12);
        Assert.Equal(12, received.Count);
        Assert.Equal(12, received.Select(r => r.EventId).Distinct().Count());
        Assert.Equal(profiles.Order(), received.Select(r => r.Profile!).Order());
        var attempts = await Server.WithDbAsync(db => db.WebhookAttempts.CountAsync(Ct));
        Assert.Equal(12, attempts);
    }

    [Fact]
    public async Task AnEventCommittedJustBeforeACrashIsDeliveredByTheNextInstance()
    {
        await StartAsync();
        await SubscribeAsync(["profile.created"]);
        var profileId = await CreateProfileAsync();
        await StopServerAsync(Server); // before any dispatch: the event exists only in the database
        Assert.Empty(Receiver.Requests);

        // The next instance delivers it on its own (its background dispatcher runs).
        var next = await StartServerAsync(Manual, Settings, new Dictionary<string, string?> { ["Webhooks:BackgroundDispatch"] = "true" });
        var received = Assert.Single(await Receiver.WaitForAcceptedAsync(1));
        Assert.Equal(profileId, received.Profile);
        Assert.NotNull(next);
    }

    [Fact]
    public async Task AClaimedDeliveryOfAnInstanceThatDiedIsSentOnceItsClaimExpires()
    {
        await StartAsync();
        await SubscribeAsync(["profile.created"]);
        await CreateProfileAsync();
        // The dead instance fanned the event out and claimed the delivery, then died before sending.
        await Server.WithDbAsync(async db =>
        {
            await Server.Services.GetRequiredService<WebhookDispatcher>().FanOutAsync(Ct);
            var until = Clock.GetUtcNow().UtcDateTime.AddMinutes(2);
            return await db.WebhookDeliveries.ExecuteUpdateAsync(s => s.SetProperty(d => d.LockedBy, "dead").SetProperty(d => d.LockedUntil, until), Ct);
        });
        await StopServerAsync(Server);
        var next = await StartServerAsync(Manual, Settings);
        await DispatchAsync(next);
        Assert.Empty(Receiver.Requests);
        Clock.Advance(TimeSpan.FromMinutes(2).Add(TimeSpan.FromSeconds(1)));
        await DispatchAsync(next);
        Assert.Single(await Receiver.WaitForAcceptedAsync(1));
    }

    [Fact]
    public async Task ASubscriptionFailingForThreeDaysIsDisabledWithAReason()
    {
        await StartAsync();
        Receiver.Respond = (_, _) => Task.FromResult(503);
        var (subscription, _) = await SubscribeAsync(["profile"]);
        await CreateProfileAsync();
        await DispatchAsync(Server);
        var firstFailure = Clock.GetUtcNow();

        var disabledAfter = TimeSpan.Zero;
        for (var step = 0; step < 40; step++)
        {
            Clock.Advance(TimeSpan.FromHours(3));
            await CreateProfileAsync(); // deliveries are given up after a day (RetryFor): new events keep the failures coming
            await DispatchAsync(Server);
            var state = await Server.WithDbAsync(db => db.WebhookSubscriptions.AsNoTracking().SingleAsync(s => s.Id == subscription, Ct));
            if (state.Disabled)
            {
                disabledAfter = Clock.GetUtcNow() - firstFailure;
                break;
            }
        }
        Assert.InRange(disabledAfter, TimeSpan.FromDays(3), TimeSpan.FromDays(3) + TimeSpan.FromHours(3));

        var view = await (await Server.SendAsync(HttpMethod.Get, $"/v1/webhooks/subscriptions/{subscription}", ApiSecret)).JsonAsync();
        Assert.True(view.GetProperty("disabled").GetBoolean());
        Assert.Contains("failed for 3 days", view.Str("disabledReason"));

        // Disabled: no more attempts, and new events are not queued for it.
        var requests = Receiver.Requests.Count;
        await CreateProfileAsync();
        Clock.Advance(TimeSpan.FromHours(2));
        await DispatchAsync(Server);
        Assert.Equal(requests, Receiver.Requests.Count);
    }

    [Fact]
    public async Task AGivenUpDeliveryCanBeReplayedAndIsSentAgain()
    {
        await StartAsync();
        Receiver.Respond = (_, _) => Task.FromResult(500);
        var (subscription, _) = await SubscribeAsync(["profile"]);
        await CreateProfileAsync();
        await DispatchAsync(Server);
        for (var step = 0; step < 40 && (await DeliveriesAsync(subscription))[0].Str("status") == "pending"; step++)
        {
            Clock.Advance(TimeSpan.FromHours(3));
            await DispatchAsync(Server);
        }
        var failed = (await DeliveriesAsync(subscription))[0];
        Assert.Equal("failed", failed.Str("status"));
        Assert.Contains("gave up", failed.Str("lastError"));

        Receiver.Respond = (_, _) => Task.FromResult(200);
        var replay = await Server.SendAsync(HttpMethod.Post, $"/v1/webhooks/subscriptions/{subscription}/deliveries/{failed.Str("id")}/replay", ApiSecret);
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        Assert.Equal(failed.Str("id"), (await replay.JsonAsync()).Str("replayOf"));
        await DispatchAsync(Server);
        var accepted = Assert.Single(await Receiver.WaitForAcceptedAsync(1));
        Assert.Equal(failed.Str("eventId"), accepted.EventId);

        var unknown = await Server.SendAsync(HttpMethod.Post, $"/v1/webhooks/subscriptions/{subscription}/deliveries/dlv_nope/replay", ApiSecret);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}

public sealed class WebhookDeliveryTestsOnSqlite(PostgresServer postgres) : WebhookDeliveryTests(Backend.Sqlite, postgres);
public sealed class WebhookDeliveryTestsOnPostgres(PostgresServer postgres) : WebhookDeliveryTests(Backend.Postgres, postgres);
