using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Delivery;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Delivery;

/// <summary>SMS through a Twilio-shaped API on loopback: the request, retries with backoff, dead letters, expiry.</summary>
public abstract class SmsDeliveryTests(Backend backend, PostgresServer postgres) : DeliveryTestBase(backend, postgres)
{
    private const string Phone = "+15555550100";

    private static MessageContent Passcode(string code) => MessageTemplates.PasscodeSms("Acme", code, TimeSpan.FromMinutes(10));

    private DateTime InTenMinutes => Clock.GetUtcNow().UtcDateTime.AddMinutes(10);

    private static string TwilioError(int code, string message) => $$"""{"code": {{code}}, "message": "{{message}}", "more_info": "https://www.twilio.com/docs/errors/{{code}}", "status": 500}""";

    [Fact]
    public async Task APasscodeSmsIsPostedToTheAccountsMessagesResourceWithBasicAuth()
    {
        var twilio = await OwnAsync(FakeTwilio.StartAsync());
        var server = await StartServerAsync(FastPoll, twilio.Settings);
        var (environment, _, _) = await server.CreateEnvironmentAsync();

        var id = await EnqueueAsync(server, environment.Id, OutboxChannel.Sms, Phone, Passcode("482913"), InTenMinutes);

        var row = await RowWhenAsync(server, id, m => m.Status == OutboxStatus.Sent, "the SMS to be sent");
        var request = Assert.Single(twilio.Requests);
        Assert.Equal($"/2010-04-01/Accounts/{FakeTwilio.AccountSid}/Messages.json", request.Path);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{FakeTwilio.AccountSid}:{FakeTwilio.AuthToken}")), request.Authorization);
        Assert.Equal(Phone, request.Form["To"]);
        Assert.Equal(FakeTwilio.From, request.Form["From"]);
        Assert.Equal("482913 is your Acme sign-in code. It expires in 10 minutes.", request.Form["Body"]);
        Assert.False(request.Form.ContainsKey("MessagingServiceSid"));
        Assert.Null(row.ProtectedContent);
        Assert.NotNull(row.SentAt);
        Assert.Equal(1, row.Attempts);
    }

    [Fact]
    public async Task AMessagingServiceSidIsSentInsteadOfFrom()
    {
        var twilio = await OwnAsync(FakeTwilio.StartAsync());
        var settings = twilio.Settings;
        settings["Sms:Twilio:From"] = null;
        settings["Sms:Twilio:MessagingServiceSid"] = "MG0123456789abcdef0123456789abcdef";
        var server = await StartServerAsync(FastPoll, settings);
        var (environment, _, _) = await server.CreateEnvironmentAsync();

        var id = await EnqueueAsync(server, environment.Id, OutboxChannel.Sms, Phone, Passcode("111222"), InTenMinutes);

        await RowWhenAsync(server, id, m => m.Status == OutboxStatus.Sent, "the SMS to be sent");
        var request = Assert.Single(twilio.Requests);
        Assert.Equal("MG0123456789abcdef0123456789abcdef", request.Form["MessagingServiceSid"]);
        Assert.False(request.Form.ContainsKey("From"));
    }

    [Fact]
    public async Task ServerErrorsAndRateLimitsAreRetriedWithExponentialBackoffUntilDelivered()
    {
        var twilio = await OwnAsync(FakeTwilio.StartAsync());
        twilio.Respond = n => n switch
        {
            1 => (500, TwilioError(20500, "Internal Server Error")),
            2 => (429, TwilioError(20429, "Too Many Requests")),
            _ => (201, """{"sid": "SM1"}"""),
        };
        var server = await StartServerAsync(FastPoll, twilio.Settings);
        var (environment, _, _) = await server.CreateEnvironmentAsync();

        var id = await EnqueueAsync(server, environment.Id, OutboxChannel.Sms, Phone, Passcode("482913"), InTenMinutes);

        var first = await RowWhenAsync(server, id, m => m.Attempts == 1, "the first attempt");
        Assert.Equal(OutboxStatus.Pending, first.Status);
        Assert.Equal("Twilio 500 code 20500: Internal Server Error", first.LastError);
        Assert.InRange(first.NextAttemptAt - Clock.GetUtcNow().UtcDateTime, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(6));
        Assert.Null(first.LockedUntil);

        // Not due yet: polls come and go without a second request.
        await PollsPassAsync(server);
        Assert.Single(twilio.Requests);
        Clock.Set(first.NextAttemptAt.AddMilliseconds(-1));
        await PollsPassAsync(server);
        Assert.Single(twilio.Requests);

        Clock.Set(first.NextAttemptAt);
        var second = await RowWhenAsync(server, id, m => m.Attempts == 2, "the second attempt");
        Assert.Equal("Twilio 429 code 20429: Too Many Requests", second.LastError);
        Assert.InRange(second.NextAttemptAt - Clock.GetUtcNow().UtcDateTime, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(12));

        Clock.Set(second.NextAttemptAt);
        var sent = await RowWhenAsync(server, id, m => m.Status == OutboxStatus.Sent, "the third attempt to succeed");
        Assert.Equal(3, sent.Attempts);
        Assert.Null(sent.ProtectedContent);
        Assert.Equal(3, twilio.Requests.Count);
        Assert.All(twilio.Requests, r => Assert.Equal("482913 is your Acme sign-in code. It expires in 10 minutes.", r.Form["Body"]));
    }

    [Fact]
    public async Task AfterMaxAttemptsTheMessageIsDeadLetteredAndItsContentWiped()
    {
        var twilio = await OwnAsync(FakeTwilio.StartAsync());
        twilio.Respond = _ => (503, "<html>Service Unavailable</html>");
        var server = await StartServerAsync(FastPoll, twilio.Settings, new Dictionary<string, string?> { ["Delivery:MaxAttempts"] = "3" });
        var (environment, _, _) = await server.CreateEnvironmentAsync();

        var id = await EnqueueAsync(server, environment.Id, OutboxChannel.Sms, Phone, Passcode("482913"), Clock.GetUtcNow().UtcDateTime.AddHours(1));

        for (var attempt = 1; attempt < 3; attempt++)
        {
            var row = await RowWhenAsync(server, id, m => m.Attempts == attempt, $"attempt {attempt}");
            Assert.Equal(OutboxStatus.Pending, row.Status);
            Clock.Set(row.NextAttemptAt);
        }
        var dead = await RowWhenAsync(server, id, m => m.Status == OutboxStatus.Failed, "the dead letter");
        Assert.Equal(3, dead.Attempts);
        Assert.Equal("Twilio 503", dead.LastError);
        Assert.Null(dead.ProtectedContent);
        Assert.Null(dead.SentAt);

        Clock.Advance(TimeSpan.FromHours(2));
        await PollsPassAsync(server);
        Assert.Equal(3, twilio.Requests.Count);
    }

    [Fact]
    public async Task ABadRequestIsNotRetried()
    {
        var twilio = await OwnAsync(FakeTwilio.StartAsync());
        twilio.Respond = _ => (400, """{"code": 21211, "message": "The 'To' number is not a valid phone number.", "status": 400}""");
        var server = await StartServerAsync(FastPoll, twilio.Settings);
        var (environment, _, _) = await server.CreateEnvironmentAsync();

        var id = await EnqueueAsync(server, environment.Id, OutboxChannel.Sms, Phone, Passcode("482913"), InTenMinutes);

        var dead = await RowWhenAsync(server, id, m => m.Status == OutboxStatus.Failed, "the dead letter");
        Assert.Equal(1, dead.Attempts);
        Assert.Equal("Twilio 400 code 21211: The 'To' number is not a valid phone number.", dead.LastError);
        Assert.Null(dead.ProtectedContent);
    }

    [Fact]
    public async Task AMessageWhosePasscodeExpiredIsFailedInsteadOfSent()
    {
        var twilio = await OwnAsync(FakeTwilio.StartAsync());
        twilio.Respond = _ => (500, TwilioError(20500, "Internal Server Error"));
        var server = await StartServerAsync(FastPoll, twilio.Settings);
        var (environment, _, _) = await server.CreateEnvironmentAsync();

        var id = await EnqueueAsync(server, environment.Id, OutboxChannel.Sms, Phone, Passcode("482913"), InTenMinutes);
        var first = await RowWhenAsync(server, id, m => m.Attempts == 1, "the first attempt");

        Clock.Set(first.ExpiresAt.AddSeconds(1));
        var expired = await RowWhenAsync(server, id, m => m.Status == OutboxStatus.Failed, "the message to expire");
        Assert.Equal("expired", expired.LastError);
        Assert.Null(expired.ProtectedContent);
        Assert.Single(twilio.Requests);
    }

    [Fact]
    public async Task AFreshMessageWakesTheDispatcherWithoutWaitingForThePoll()
    {
        var twilio = await OwnAsync(FakeTwilio.StartAsync());
        var server = await StartServerAsync(twilio.Settings, new Dictionary<string, string?> { ["Delivery:PollInterval"] = "00:05:00" });
        var (environment, _, _) = await server.CreateEnvironmentAsync();
        // The first poll, at start, finds nothing; the next one is minutes away.
        var dispatcher = server.Services.GetRequiredService<OutboxDispatcher>();
        await EventuallyAsync(() => Task.FromResult(dispatcher.PollsCompleted >= 1), "the dispatcher's first poll");

        var id = await EnqueueAsync(server, environment.Id, OutboxChannel.Sms, Phone, Passcode("482913"), InTenMinutes);

        await RowWhenAsync(server, id, m => m.Status == OutboxStatus.Sent, "the woken dispatcher to send", seconds: 60);
        Assert.Single(twilio.Requests);
    }
}

public sealed class SmsDeliveryTestsOnSqlite(PostgresServer postgres) : SmsDeliveryTests(Backend.Sqlite, postgres);
public sealed class SmsDeliveryTestsOnPostgres(PostgresServer postgres) : SmsDeliveryTests(Backend.Postgres, postgres);
