using System.Net;
using Microsoft.EntityFrameworkCore;
using Tessera.Audit;
using Tessera.Clients;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Passcodes;

/// <summary>
/// The official SDK (<c>@quiltt/core</c> 6.1.0) retries a 429 ten times, 150 ms to 1.5 s apart, and ignores
/// <c>Retry-After</c>; its hooks then reject. So identify inside the resend cooldown answers 202 as a send does, sends
/// nothing and leaves the passcode already out valid; the real limits still answer 429, and the SDK's retries of them
/// neither send anything nor move any limit.
/// </summary>
public abstract class ResendCooldownTests(Backend backend, PostgresServer postgres) : PasswordlessTestBase(backend, postgres)
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Passcodes:MaxSendsPerIpPerHour"] = "3",
    };

    /// <summary>What the SDK makes of one refused call: the first request and its ten retries.</summary>
    private const int SdkAttempts = 11;

    private Client _client = null!;

    private async Task<string> KnownUserAsync(string email)
    {
        _client ??= await CreateClientAsync(AuthStrategy.Email);
        Assert.Equal(HttpStatusCode.Created, (await IdentifyAsync(email, ip: "192.0.2.200")).StatusCode);
        Clock.Advance(TimeSpan.FromMinutes(1));
        return email;
    }

    private Task<HttpResponseMessage> IdentifyAsync(string email, string? ip = null) =>
        PostSessionAsync(new { session = new { clientId = _client.Id, email } }, ip);

    private Task<HttpResponseMessage> AnswerAsync(string email, string passcode) =>
        PutSessionAsync(new { session = new { clientId = _client.Id, email, passcode } });

    private static async Task<string> ShapeAsync(HttpResponseMessage response)
    {
        var headers = string.Join(";", response.Headers.Where(h => h.Key is "Retry-After" or "Authorization").Select(h => $"{h.Key}={string.Join(",", h.Value)}"));
        return $"{(int)response.StatusCode} {headers} {await response.Content.ReadAsStringAsync()}";
    }

    private Task<int> AuditCountAsync(string action) =>
        CountAsync(db => db.AuditEvents.Where(e => e.Action == action && e.EnvironmentId == Environment.Id));

    [Fact]
    public async Task IdentifyInsideTheCooldownAnswers202LikeASendSendsNothingAndTheFirstPasscodeStillSignsIn()
    {
        var email = await KnownUserAsync("again@example.com");
        var first = await IdentifyAsync(email);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var code = await LatestPasscodeAsync(email);

        Clock.Advance(TimeSpan.FromSeconds(29));
        var again = await IdentifyAsync(email);

        Assert.Equal(await ShapeAsync(first), await ShapeAsync(again));
        Assert.Equal(1, await CountAsync(db => db.OutboxMessages.Where(m => m.Recipient == email)));
        Assert.Equal(1, await CountAsync(db => db.PasscodeChallenges.Where(c => c.Identifier == email)));
        Assert.Equal(1, await AuditCountAsync(AuditActions.PasscodeSent));
        Assert.Equal(1, await AuditCountAsync(AuditActions.PasscodeResendSuppressed));
        Assert.Equal(0, await AuditCountAsync(AuditActions.LimitHit));

        Assert.Equal(HttpStatusCode.Created, (await AnswerAsync(email, code)).StatusCode);
    }

    [Fact]
    public async Task AtTheSecondTheCooldownEndsANewPasscodeIsSentAndSupersedesTheFirst()
    {
        var email = await KnownUserAsync("boundary@example.com");
        await IdentifyAsync(email);
        var first = await LatestPasscodeAsync(email);

        Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(email)).StatusCode);
        Assert.Equal(1, await CountAsync(db => db.OutboxMessages.Where(m => m.Recipient == email)));

        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(email)).StatusCode);
        Assert.Equal(2, await CountAsync(db => db.OutboxMessages.Where(m => m.Recipient == email)));
        var second = await LatestPasscodeAsync(email);
        if (second != first) Assert.Equal(HttpStatusCode.Unauthorized, (await AnswerAsync(email, first)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await AnswerAsync(email, second)).StatusCode);
    }

    [Fact]
    public async Task SuppressedResendsSpendNoSendBudget()
    {
        var users = new List<string>();
        for (var i = 0; i < 4; i++) users.Add(await KnownUserAsync($"budget{i}@example.com"));

        Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(users[0])).StatusCode);
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(users[0])).StatusCode);
        // The network's budget (3 an hour) still has room for two real sends, and only two.
        Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(users[1])).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(users[2])).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await IdentifyAsync(users[3])).StatusCode);
        Assert.Equal(3, await CountAsync(db => db.OutboxMessages));
        Assert.Equal(5, await AuditCountAsync(AuditActions.PasscodeResendSuppressed));
    }

    [Fact]
    public async Task ACallerPastItsSendLimitIsRefusedEvenWhereAnotherCallerJustGotAPasscode()
    {
        var users = new List<string>();
        for (var i = 0; i < 4; i++) users.Add(await KnownUserAsync($"past{i}@example.com"));
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(users[i], ip: "198.51.100.66")).StatusCode);
        var refused = await ShapeAsync(await IdentifyAsync(users[3], ip: "198.51.100.66"));
        Assert.StartsWith("429", refused);

        // The owner asks for a code from elsewhere; the caller past its limit cannot tell from its answer.
        Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(users[3], ip: "203.0.113.77")).StatusCode);
        Assert.Equal(refused, await ShapeAsync(await IdentifyAsync(users[3], ip: "198.51.100.66")));
        Assert.Equal(4, await CountAsync(db => db.OutboxMessages));
    }

    [Fact]
    public async Task TheSdksElevenAttemptsAtARealSendLimitSendNothingAndDoNotMoveTheLimit()
    {
        var users = new List<string>();
        for (var i = 0; i < 4; i++) users.Add(await KnownUserAsync($"storm{i}@example.com"));
        for (var i = 0; i < 3; i++) await IdentifyAsync(users[i], ip: "198.51.100.70");
        var sendsBefore = await Server.WithDbAsync(db => db.PasscodeSendCounts.SumAsync(c => c.Sends));

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < SdkAttempts; i++) answers.Add(await IdentifyAsync(users[3], ip: "198.51.100.70"));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.TooManyRequests, a.StatusCode));
        Assert.Single(answers.Select(a => a.Headers.RetryAfter?.Delta).Distinct());
        Assert.Equal(3, await CountAsync(db => db.OutboxMessages));
        Assert.Equal(sendsBefore, await Server.WithDbAsync(db => db.PasscodeSendCounts.SumAsync(c => c.Sends)));
    }

    [Fact]
    public async Task TheSdksElevenAttemptsAtAChallengeOutOfTriesRecordNoFurtherFailure()
    {
        var email = await KnownUserAsync("tries@example.com");
        await IdentifyAsync(email);
        var code = await LatestPasscodeAsync(email);
        var wrong = code == "123456" ? "654321" : "123456";
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await AnswerAsync(email, wrong)).StatusCode);

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < SdkAttempts; i++) answers.Add(await AnswerAsync(email, wrong));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.TooManyRequests, a.StatusCode));
        Assert.Single(answers.Select(a => a.Headers.RetryAfter?.Delta).Distinct());
        Assert.Equal(5, await CountAsync(db => db.PasscodeFailures.Where(f => f.Identifier == email)));
    }
}

public sealed class ResendCooldownTestsOnSqlite(PostgresServer postgres) : ResendCooldownTests(Backend.Sqlite, postgres);
public sealed class ResendCooldownTestsOnPostgres(PostgresServer postgres) : ResendCooldownTests(Backend.Postgres, postgres);
