using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Data;
using Tessera.Delivery;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Delivery;

/// <summary>The outbox across restarts and instances: nothing queued is lost, nothing is sent twice.</summary>
public abstract class OutboxRecoveryTests(Backend backend, PostgresServer postgres) : DeliveryTestBase(backend, postgres)
{
    private static MessageContent Passcode(string code) => MessageTemplates.PasscodeSms("Acme", code, TimeSpan.FromMinutes(10));

    private DateTime InTenMinutes => Clock.GetUtcNow().UtcDateTime.AddMinutes(10);

    [Fact]
    public async Task AMessageQueuedBeforeARestartIsSentByTheNextServer()
    {
        var twilio = await OwnAsync(FakeTwilio.StartAsync());
        // The first server has no SMS provider: the message waits in the table, untouched.
        var first = await StartServerAsync(FastPoll);
        var (environment, _, _) = await first.CreateEnvironmentAsync();
        var id = await EnqueueAsync(first, environment.Id, OutboxChannel.Sms, "+15555550100", Passcode("482913"), InTenMinutes);
        await PollsPassAsync(first);
        var waiting = await RowAsync(first, id);
        Assert.Equal(OutboxStatus.Pending, waiting.Status);
        Assert.Equal(0, waiting.Attempts);
        Assert.Null(waiting.LockedBy);
        await StopServerAsync(first);

        var second = await StartServerAsync(FastPoll, twilio.Settings);

        await RowWhenAsync(second, id, m => m.Status == OutboxStatus.Sent, "the restarted server to send");
        Assert.Equal("482913 is your Acme sign-in code. It expires in 10 minutes.", Assert.Single(twilio.Requests).Form["Body"]);
    }

    [Fact]
    public async Task AMessageLockedByACrashedInstanceIsSentOnceTheLockExpires()
    {
        var twilio = await OwnAsync(FakeTwilio.StartAsync());
        var first = await StartServerAsync(FastPoll);
        var (environment, _, _) = await first.CreateEnvironmentAsync();
        var id = await EnqueueAsync(first, environment.Id, OutboxChannel.Sms, "+15555550100", Passcode("482913"), InTenMinutes);
        // As if an instance had claimed it and died mid-send.
        var lockedUntil = Clock.GetUtcNow().UtcDateTime.AddMinutes(2);
        await first.WithDbAsync(db => db.OutboxMessages.Where(m => m.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.LockedBy, "crashed-instance").SetProperty(m => m.LockedUntil, lockedUntil), TestContext.Current.CancellationToken));
        await StopServerAsync(first);

        var second = await StartServerAsync(FastPoll, twilio.Settings);
        await PollsPassAsync(second);
        Assert.Empty(twilio.Requests);
        Assert.Equal("crashed-instance", (await RowAsync(second, id)).LockedBy);

        Clock.Set(lockedUntil.AddSeconds(1));
        var sent = await RowWhenAsync(second, id, m => m.Status == OutboxStatus.Sent, "the lock to expire and the message to go");
        Assert.Equal(second.Services.GetRequiredService<OutboxDispatcher>().InstanceId, sent.LockedBy);
        Assert.Single(twilio.Requests);
    }

    [Fact]
    public async Task TwoInstancesOnOneDatabaseNeverSendAMessageTwice()
    {
        const int count = 40;
        var twilio = await OwnAsync(FakeTwilio.StartAsync());
        twilio.Delay = TimeSpan.FromMilliseconds(15); // so both instances are mid-send at the same time
        var seed = await StartServerAsync(FastPoll);
        var (environment, _, _) = await seed.CreateEnvironmentAsync();
        await using (var scope = seed.Services.CreateAsyncScope())
        {
            var outbox = scope.ServiceProvider.GetRequiredService<Outbox>();
            for (var i = 0; i < count; i++)
                outbox.Enqueue(environment.Id, OutboxChannel.Sms, $"+1555555{i:0000}", "passcode", Passcode($"{i:000000}"), InTenMinutes, captureOnly: false);
            await scope.ServiceProvider.GetRequiredService<TesseraDbContext>().SaveChangesAsync(TestContext.Current.CancellationToken);
        }
        await StopServerAsync(seed);

        var servers = await Task.WhenAll(StartServerAsync(FastPoll, twilio.Settings), StartServerAsync(FastPoll, twilio.Settings));

        await EventuallyAsync(async () => await servers[0].WithDbAsync(db => db.OutboxMessages.CountAsync(m => m.Status == OutboxStatus.Sent, TestContext.Current.CancellationToken)) == count,
            $"all {count} messages to be sent", seconds: 60);
        // A duplicate would be sent by a poll still to come: let each instance finish two more.
        await Task.WhenAll(servers.Select(s => PollsPassAsync(s)));
        var requests = twilio.Requests;
        Assert.Equal(count, requests.Count);
        Assert.Equal(count, requests.Select(r => r.Form["To"]).Distinct().Count());
        var senders = await servers[0].WithDbAsync(db => db.OutboxMessages.Select(m => m.LockedBy).Distinct().ToListAsync(TestContext.Current.CancellationToken));
        Assert.All(senders, s => Assert.Contains(s, servers.Select(x => x.Services.GetRequiredService<OutboxDispatcher>().InstanceId)));
    }
}

public sealed class OutboxRecoveryTestsOnSqlite(PostgresServer postgres) : OutboxRecoveryTests(Backend.Sqlite, postgres);
public sealed class OutboxRecoveryTestsOnPostgres(PostgresServer postgres) : OutboxRecoveryTests(Backend.Postgres, postgres);
