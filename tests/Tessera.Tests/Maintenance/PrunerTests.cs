using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Maintenance;
using Tessera.Passcodes;
using Tessera.Sessions;
using Tessera.Tests.Infrastructure;
using Tessera.Webhooks;
using Xunit;

namespace Tessera.Tests.Maintenance;

public abstract class PrunerTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    // No background dispatch: the webhook test's pending delivery is due, and a send attempt racing the pruner would
    // add the attempt row the test counts.
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Maintenance:BatchSize"] = "3",
        ["Webhooks:BackgroundDispatch"] = "false",
        // The webhook test subscribes to a loopback port.
        ["Webhooks:AllowPrivateTargets"] = "true",
    };

    [Fact]
    public async Task OldRowsArePrunedInBoundedBatchesAndLiveOnesKept()
    {
        // Eight sessions now; they expire in 24 h and leave after the 7-day retention.
        var profileId = (await (await Server.SendAsync(HttpMethod.Post, "/v1/profiles", ApiSecret, new { })).JsonAsync()).Str("id");
        for (var i = 0; i < 8; i++) await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { userId = profileId });
        var revoked = (await (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { })).JsonAsync()).Str("token");
        await Server.SendAsync(HttpMethod.Delete, "/v1/users/session", revoked);
        await Server.WithDbAsync(async db =>
        {
            var at = Clock.GetUtcNow().UtcDateTime;
            db.PasscodeFailures.Add(new PasscodeFailure { EnvironmentId = Environment.Id, Identifier = "old@example.com", At = at });
            return await db.SaveChangesAsync();
        });
        var pruner = Server.Services.GetRequiredService<Pruner>();

        var early = await pruner.PruneOnceAsync(TestContext.Current.CancellationToken);
        Assert.All(early.Values, n => Assert.Equal(0, n));

        Clock.Advance(TimeSpan.FromDays(8) + TimeSpan.FromHours(2));
        // The profile gets one fresh session that must survive.
        await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { userId = profileId });
        var pruned = await pruner.PruneOnceAsync(TestContext.Current.CancellationToken);

        Assert.Equal(9, pruned["sessions"]);
        Assert.Equal(1, pruned["passcode_failures"]);
        Assert.Equal(1, pruned["revocations"]);
        Assert.Equal(1, await Server.WithDbAsync(db => db.Sessions.CountAsync()));
        Assert.Equal(0, await Server.WithDbAsync(db => db.Revocations.CountAsync()));
    }

    [Fact]
    public async Task EventsAndFinishedWebhookDeliveriesLeaveAfterRetentionButNotWhatAPendingDeliveryNeeds()
    {
        var created = await Server.SendAsync(HttpMethod.Post, "/v1/webhooks/subscriptions", ApiSecret,
            new { name = "Ops", targetUrl = "http://127.0.0.1:9/hook", eventTypes = new[] { "profile" } });
        var subscriptionId = (await created.JsonAsync()).Str("id");
        var start = Clock.GetUtcNow().UtcDateTime;
        await Server.WithDbAsync(async db =>
        {
            // Four old events: three delivered, one still pending (a receiver down for days must not lose it).
            for (var i = 0; i < 4; i++)
            {
                var eventId = $"evt_prune{i}";
                db.WebhookEvents.Add(new WebhookEvent { Id = eventId, EnvironmentId = Environment.Id, Type = "profile.created", RecordJson = "{}", OccurredAt = start, FannedOutAt = start });
                var delivery = WebhookDispatcher.NewDelivery(subscriptionId, Environment.Id, eventId, "profile.created", eventId, start, replayOf: null);
                if (i < 3) { delivery.Status = WebhookDeliveryStatus.Succeeded; delivery.CompletedAt = start; }
                db.WebhookDeliveries.Add(delivery);
                db.WebhookAttempts.Add(new WebhookAttempt { DeliveryId = delivery.Id, At = start, StatusCode = i < 3 ? 200 : 500, Instance = "test" });
            }
            return await db.SaveChangesAsync();
        });
        var pruner = Server.Services.GetRequiredService<Pruner>();

        Clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromMinutes(1));
        var early = await pruner.PruneOnceAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, early["events"] + early["webhook_deliveries"] + early["webhook_attempts"]);

        Clock.Advance(TimeSpan.FromMinutes(2));
        var pruned = await pruner.PruneOnceAsync(TestContext.Current.CancellationToken);

        Assert.Equal(3, pruned["events"]);
        Assert.Equal(3, pruned["webhook_deliveries"]);
        Assert.Equal(3, pruned["webhook_attempts"]);
        Assert.Equal(["evt_prune3"], await Server.WithDbAsync(db => db.WebhookEvents.Where(e => e.Id.StartsWith("evt_prune")).Select(e => e.Id).ToListAsync()));
        Assert.Equal(1, await Server.WithDbAsync(db => db.WebhookDeliveries.CountAsync(d => d.Status == WebhookDeliveryStatus.Pending)));
        Assert.Equal(1, await Server.WithDbAsync(db => db.WebhookAttempts.CountAsync()));
    }
}

public sealed class PrunerTestsOnSqlite(PostgresServer postgres) : PrunerTests(Backend.Sqlite, postgres);
public sealed class PrunerTestsOnPostgres(PostgresServer postgres) : PrunerTests(Backend.Postgres, postgres);
