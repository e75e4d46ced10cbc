using System.Net;
using Microsoft.EntityFrameworkCore;
using Tessera.Clients;
using Tessera.Delivery;
using Tessera.Sessions;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Passcodes;

/// <summary>
/// Passwordless sign-in for profiles whose identifier is already verified, the most frequent case: the rows it writes
/// and its guarantees under concurrency, the same on both databases.
/// </summary>
public abstract class VerifiedProfileSignInTests(Backend backend, PostgresServer postgres) : PasswordlessTestBase(backend, postgres)
{
    private Client _client = null!;

    /// <summary>A profile signed up and verified by a first passcode sign-in, past the resend cooldown.</summary>
    private async Task<string> VerifiedUserAsync(string email, string? ip = null)
    {
        _client ??= await CreateClientAsync(AuthStrategy.Email);
        Assert.Equal(HttpStatusCode.Created, (await IdentifyAsync(email, ip)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(email, ip)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await AnswerAsync(email, await LatestPasscodeAsync(email))).StatusCode);
        Clock.Advance(TimeSpan.FromMinutes(1));
        return email;
    }

    /// <summary>A distinct client network per index.</summary>
    private static string Ip(int i) => $"198.51.100.{10 + i}";

    private Task<HttpResponseMessage> IdentifyAsync(string email, string? ip = null) => PostSessionAsync(new { session = new { clientId = _client.Id, email } }, ip);

    private Task<HttpResponseMessage> AnswerAsync(string email, string passcode) =>
        PutSessionAsync(new { session = new { clientId = _client.Id, email, passcode } });

    [Fact]
    public async Task ASendAndASignInWriteTheChallengeMessageCountsSessionAndAuditEvents()
    {
        var email = await VerifiedUserAsync("steady@example.com");
        var profile = await Server.WithDbAsync(db => db.Profiles.AsNoTracking().SingleAsync(p => p.Email == email));
        var sendsBefore = await Server.WithDbAsync(db => db.PasscodeSendCounts.SumAsync(c => c.Sends));

        Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(email)).StatusCode);
        var challenge = await Server.WithDbAsync(db => db.PasscodeChallenges.AsNoTracking().Where(c => c.Identifier == email).OrderByDescending(c => c.CreatedAt).FirstAsync());
        Assert.Equal(profile.Id, challenge.ProfileId);
        Assert.Equal(_client.Id, challenge.ClientId);
        Assert.Equal(Environment.Id, challenge.EnvironmentId);
        Assert.Equal("203.0.113.10", challenge.IpAddress);
        Assert.Equal(Clock.GetUtcNow().UtcDateTime, challenge.CreatedAt);
        Assert.Equal(challenge.CreatedAt.AddMinutes(10), challenge.ExpiresAt);
        Assert.Equal(32, challenge.CodeHash.Length);
        Assert.Equal(0, challenge.FailedAttempts);
        Assert.Null(challenge.ConsumedAt);
        var message = await Server.WithDbAsync(db => db.OutboxMessages.AsNoTracking().OrderByDescending(m => m.CreatedAt).FirstAsync(m => m.Recipient == email));
        Assert.Equal((OutboxChannel.Email, "passcode", OutboxStatus.Captured), (message.Channel, message.Purpose, message.Status));
        Assert.Equal(challenge.ExpiresAt, message.ExpiresAt);
        // Both scopes (the environment and the client IP) counted the send.
        Assert.Equal(sendsBefore + 2, await Server.WithDbAsync(db => db.PasscodeSendCounts.SumAsync(c => c.Sends)));
        Assert.Equal(1, await CountAsync(db => db.AuditEvents.Where(e => e.Action == "passcode.sent" && e.ProfileId == profile.Id && e.At == challenge.CreatedAt)));

        var code = await LatestPasscodeAsync(email);
        var answer = await AnswerAsync(email, code);
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        var token = answer.Headers.GetValues("Authorization").Single()["Bearer ".Length..];
        var introspected = await Server.SendAsync(HttpMethod.Get, "/v1/users/session", token);
        Assert.Equal(HttpStatusCode.OK, introspected.StatusCode);

        var consumed = await Server.WithDbAsync(db => db.PasscodeChallenges.AsNoTracking().SingleAsync(c => c.Id == challenge.Id));
        Assert.Equal(Clock.GetUtcNow().UtcDateTime, consumed.ConsumedAt);
        var session = await Server.WithDbAsync(db => db.Sessions.AsNoTracking().Where(s => s.ProfileId == profile.Id).OrderByDescending(s => s.IssuedAt).FirstAsync());
        Assert.Equal((SessionKind.Passwordless, _client.Id, _client.Id, "203.0.113.10"), (session.Kind, session.IssuedBy, session.ClientId, session.IpAddress));
        Assert.Null(session.RevokedAt);
        Assert.Equal(1, await CountAsync(db => db.AuditEvents.Where(e => e.Action == "session.issued" && e.Subject == session.Id.ToString("D") && e.Detail == "passcode")));
    }

    [Fact]
    public async Task ARightPasscodeIsSingleUseEvenUnderConcurrency()
    {
        var email = await VerifiedUserAsync("steady-race@example.com");
        Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(email)).StatusCode);
        var code = await LatestPasscodeAsync(email);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => AnswerAsync(email, code)));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode));
        // Every loser is a wrong answer counted against the identifier.
        Assert.Equal(7, await CountAsync(db => db.PasscodeFailures.Where(f => f.Identifier == email)));
    }

    [Fact]
    public async Task WrongPasscodesAreCountedAndFiveKillTheChallenge()
    {
        var email = await VerifiedUserAsync("steady-wrong@example.com");
        Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(email)).StatusCode);
        var code = await LatestPasscodeAsync(email);
        var wrong = code == "123456" ? "654321" : "123456";

        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await AnswerAsync(email, wrong)).StatusCode);

        Assert.Equal(HttpStatusCode.TooManyRequests, (await AnswerAsync(email, code)).StatusCode);
        Assert.Equal(5, await CountAsync(db => db.PasscodeFailures.Where(f => f.Identifier == email)));
        Assert.Equal(5, await Server.WithDbAsync(db => db.PasscodeChallenges.Where(c => c.Identifier == email).OrderByDescending(c => c.CreatedAt).Select(c => c.FailedAttempts).FirstAsync()));
    }

    [Fact]
    public async Task TheCooldownStillHoldsAndTheSandboxCodeSignsIn()
    {
        var email = await VerifiedUserAsync("steady-cooldown@example.com");
        Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(email)).StatusCode);
        var again = await IdentifyAsync(email);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(1, await CountAsync(db => db.PasscodeChallenges.Where(c => c.Identifier == email && c.CreatedAt == Clock.GetUtcNow().UtcDateTime)));

        var answer = await AnswerAsync(email, "000000");
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        Assert.Equal(1, await CountAsync(db => db.AuditEvents.Where(e => e.Action == "session.issued" && e.Detail == "sandbox passcode")));
        // The sandbox code leaves the challenge as it was.
        Assert.Equal(0, await CountAsync(db => db.PasscodeChallenges.Where(c => c.Identifier == email && c.ConsumedAt != null && c.CreatedAt == Clock.GetUtcNow().UtcDateTime)));
    }

    [Fact]
    public async Task ADisabledProfileGets403AndItsPasscodeStaysUnused()
    {
        var email = await VerifiedUserAsync("steady-disabled@example.com");
        Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(email)).StatusCode);
        var code = await LatestPasscodeAsync(email);
        await Server.WithDbAsync(db => db.Profiles.Where(p => p.Email == email).ExecuteUpdateAsync(p => p.SetProperty(x => x.DisabledAt, Clock.GetUtcNow().UtcDateTime)));

        Assert.Equal(HttpStatusCode.Forbidden, (await AnswerAsync(email, code)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await IdentifyAsync(email)).StatusCode);
        Assert.Equal(0, await CountAsync(db => db.PasscodeChallenges.Where(c => c.Identifier == email && c.ConsumedAt != null && c.CreatedAt == Clock.GetUtcNow().UtcDateTime)));
    }

    [Fact]
    public async Task ManyConcurrentRoundTripsAllSucceed()
    {
        var emails = new List<string>();
        // One address each: twelve users behind one address would pass its hourly limit of 20 sends.
        for (var i = 0; i < 12; i++) emails.Add(await VerifiedUserAsync($"steady-many-{i}@example.com", Ip(i)));
        Clock.Advance(TimeSpan.FromMinutes(1));
        var challengesBefore = await CountAsync(db => db.PasscodeChallenges);
        var sessionsBefore = await CountAsync(db => db.Sessions);

        var sends = await Task.WhenAll(emails.Select((email, i) => IdentifyAsync(email, Ip(i))));
        Assert.All(sends, s => Assert.Equal(HttpStatusCode.Accepted, s.StatusCode));
        var codes = new List<string>();
        foreach (var email in emails) codes.Add(await LatestPasscodeAsync(email));
        var answers = await Task.WhenAll(emails.Select((email, i) => AnswerAsync(email, codes[i])));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
        Assert.Equal(challengesBefore + emails.Count, await CountAsync(db => db.PasscodeChallenges));
        Assert.Equal(sessionsBefore + emails.Count, await CountAsync(db => db.Sessions));
    }

    [Fact]
    public async Task SignUpsRacingApiCreationsOfTheSameIdentifierNeverAnswer500AndLeaveOneProfileEach()
    {
        _client ??= await CreateClientAsync(AuthStrategy.Email);
        var emails = Enumerable.Range(0, 12).Select(i => $"race{i}@example.com").ToArray();

        // Each identifier is signed up by identify and created through the API at once: whichever commits second
        // meets the unique index and must answer clearly, never a 500: identify decides again as for a known identifier
        // (202, a passcode: the SDK's hooks have no answer for a 409), the API answers its conflict.
        // Each from its own network, so the sign-up budget per network (10 an hour) stays out of the way.
        var pairs = emails.Select((email, i) => (
            Identify: IdentifyAsync(email, Ip(i)),
            Create: Server.SendAsync(HttpMethod.Post, "/v1/profiles", ApiSecret, new { email }))).ToArray();
        await Task.WhenAll(pairs.SelectMany(p => new[] { p.Identify, p.Create }));

        Assert.All(pairs, p => Assert.Contains(p.Identify.Result.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Accepted }));
        Assert.All(pairs, p => Assert.Contains(p.Create.Result.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        foreach (var email in emails)
            Assert.Equal(1, await CountAsync(db => db.Profiles.Where(p => p.Email == email)));
    }
}

public sealed class VerifiedProfileSignInTestsOnSqlite(PostgresServer postgres) : VerifiedProfileSignInTests(Backend.Sqlite, postgres);
public sealed class VerifiedProfileSignInTestsOnPostgres(PostgresServer postgres) : VerifiedProfileSignInTests(Backend.Postgres, postgres);
