using System.Net;
using Tessera.Clients;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Passcodes;

public abstract class PasscodeSecurityTests(Backend backend, PostgresServer postgres) : PasswordlessTestBase(backend, postgres)
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Passcodes:MaxSendsPerIpPerHour"] = "4",
        ["Passcodes:MaxSendsPerEnvironmentPerHour"] = "6",
    };

    private Client _client = null!;

    private async Task<string> KnownUserAsync(string email)
    {
        _client ??= await CreateClientAsync(AuthStrategy.Email);
        await PostSessionAsync(new { session = new { clientId = _client.Id, email } });
        Clock.Advance(TimeSpan.FromMinutes(1));
        return email;
    }

    private Task<HttpResponseMessage> IdentifyAsync(string email, string? ip = null) =>
        PostSessionAsync(new { session = new { clientId = _client.Id, email } }, ip);

    private Task<HttpResponseMessage> AnswerAsync(string email, string passcode, TesseraInstance? server = null) =>
        PutSessionAsync(new { session = new { clientId = _client.Id, email, passcode } }, server: server);

    private static string Wrong(string code) => code == "123456" ? "654321" : "123456";

    [Fact]
    public async Task APasscodeWorksUpToItsTenthMinuteAndNotAtIt()
    {
        var email = await KnownUserAsync("expiry@example.com");
        await IdentifyAsync(email);
        var code = await LatestPasscodeAsync(email);

        Clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Created, (await AnswerAsync(email, code)).StatusCode);

        Clock.Advance(TimeSpan.FromMinutes(1));
        await IdentifyAsync(email);
        var second = await LatestPasscodeAsync(email);
        Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.Unauthorized, (await AnswerAsync(email, second)).StatusCode);
    }

    [Fact]
    public async Task APasscodeIsSingleUseEvenUnderConcurrency()
    {
        var email = await KnownUserAsync("race@example.com");
        await IdentifyAsync(email);
        var code = await LatestPasscodeAsync(email);

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => AnswerAsync(email, code)));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        // The losers are wrong answers (401); past the identifier's hourly budget of 10 they are throttled (429).
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created),
            a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }));
    }

    [Fact]
    public async Task APasscodeIsSingleUseAcrossTwoInstances()
    {
        var other = await StartSecondInstanceAsync();
        var email = await KnownUserAsync("race2@example.com");
        await IdentifyAsync(email);
        var code = await LatestPasscodeAsync(email);

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => AnswerAsync(email, code, i % 2 == 0 ? Server : other)));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
    }

    [Fact]
    public async Task OnlyTheNewestChallengeCounts()
    {
        var email = await KnownUserAsync("newest@example.com");
        await IdentifyAsync(email);
        var first = await LatestPasscodeAsync(email);
        Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(email)).StatusCode);
        var second = await LatestPasscodeAsync(email);
        if (first == second) return; // one in a million: the same code twice proves nothing here

        Assert.Equal(HttpStatusCode.Unauthorized, (await AnswerAsync(email, first)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await AnswerAsync(email, second)).StatusCode);
    }

    [Fact]
    public async Task FiveWrongTriesKillAChallenge()
    {
        var email = await KnownUserAsync("five@example.com");
        await IdentifyAsync(email);
        var code = await LatestPasscodeAsync(email);

        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await AnswerAsync(email, Wrong(code))).StatusCode);
        var dead = await AnswerAsync(email, code);
        Assert.Equal(HttpStatusCode.TooManyRequests, dead.StatusCode);
        Assert.True(dead.Headers.Contains("Retry-After"));

        // A new challenge works again.
        Clock.Advance(TimeSpan.FromSeconds(30));
        await IdentifyAsync(email);
        Assert.Equal(HttpStatusCode.Created, (await AnswerAsync(email, await LatestPasscodeAsync(email))).StatusCode);
    }

    [Fact]
    public async Task FourWrongTriesLeaveTheChallengeAlive()
    {
        var email = await KnownUserAsync("four@example.com");
        await IdentifyAsync(email);
        var code = await LatestPasscodeAsync(email);
        for (var i = 0; i < 4; i++) await AnswerAsync(email, Wrong(code));
        Assert.Equal(HttpStatusCode.Created, (await AnswerAsync(email, code)).StatusCode);
    }

    [Fact]
    public async Task ResendsDoNotResetTheHourlyBudgetOfWrongTries()
    {
        var email = await KnownUserAsync("budget@example.com");
        for (var round = 0; round < 3; round++)
        {
            await IdentifyAsync(email);
            var code = await LatestPasscodeAsync(email);
            var tries = round < 2 ? 4 : 2; // 4 + 4 + 2 = 10 wrong answers, each challenge still alive
            for (var i = 0; i < tries; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await AnswerAsync(email, Wrong(code))).StatusCode);
            Clock.Advance(TimeSpan.FromSeconds(30));
        }
        await IdentifyAsync(email);
        var fresh = await LatestPasscodeAsync(email);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await AnswerAsync(email, fresh)).StatusCode);

        // The budget is a rolling hour from the first wrong answer.
        Clock.Advance(TimeSpan.FromMinutes(59));
        await IdentifyAsync(email);
        Assert.Equal(HttpStatusCode.Created, (await AnswerAsync(email, await LatestPasscodeAsync(email))).StatusCode);
    }

    [Fact]
    public async Task AnIdentifierGetsOnePasscodeEveryThirtySeconds()
    {
        var email = await KnownUserAsync("cooldown@example.com");
        Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(email)).StatusCode);

        Clock.Advance(TimeSpan.FromSeconds(29));
        var tooSoon = await IdentifyAsync(email);
        Assert.Equal(HttpStatusCode.Accepted, tooSoon.StatusCode); // answered as a send, nothing sent
        Assert.Equal(1, await CountAsync(db => db.OutboxMessages));

        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(email)).StatusCode);
        Assert.Equal(2, await CountAsync(db => db.OutboxMessages));
    }

    [Fact]
    public async Task OneAddressCannotTriggerMorePasscodesThanTheLimitAndForgedForwardedForDoesNotHelp()
    {
        _client = await CreateClientAsync(AuthStrategy.Email);
        for (var i = 0; i < 5; i++) await KnownUserAsync($"ip{i}@example.com");

        for (var i = 0; i < 4; i++) Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync($"ip{i}@example.com", ip: "198.51.100.7")).StatusCode);
        var forged = await PostSessionAsync(new { session = new { clientId = _client.Id, email = "ip4@example.com" } }, ip: "198.51.100.7",
            headers: new Dictionary<string, string> { ["X-Forwarded-For"] = "192.0.2.99" });
        Assert.Equal(HttpStatusCode.TooManyRequests, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync("ip4@example.com", ip: "198.51.100.8")).StatusCode);
    }

    [Fact]
    public async Task AnEnvironmentCannotSendMorePasscodesAnHourThanItsLimit()
    {
        _client = await CreateClientAsync(AuthStrategy.Email);
        for (var i = 0; i < 7; i++) await KnownUserAsync($"env{i}@example.com");

        for (var i = 0; i < 6; i++) Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync($"env{i}@example.com", ip: $"198.51.100.{i + 20}")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await IdentifyAsync("env6@example.com", ip: "198.51.100.99")).StatusCode);
        Assert.Equal(6, await CountAsync(db => db.OutboxMessages));
    }

    [Fact]
    public async Task MalformedPasscodesAreWrongAnswersNotErrors()
    {
        var email = await KnownUserAsync("garbage@example.com");
        await IdentifyAsync(email);
        foreach (var garbage in new[] { "", "12345", "1234567", "abcdef", "１２３４５６" })
            Assert.Equal(HttpStatusCode.Unauthorized, (await AnswerAsync(email, garbage)).StatusCode);
    }
}

public sealed class PasscodeSecurityTestsOnSqlite(PostgresServer postgres) : PasscodeSecurityTests(Backend.Sqlite, postgres);
public sealed class PasscodeSecurityTestsOnPostgres(PostgresServer postgres) : PasscodeSecurityTests(Backend.Postgres, postgres);
