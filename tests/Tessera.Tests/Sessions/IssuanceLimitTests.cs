using System.Net;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Sessions;

public abstract class IssuanceLimitTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    private Task<HttpResponseMessage> IssueAsync(string userId) =>
        Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { userId });

    private async Task<string> NewProfileAsync() =>
        (await (await Server.SendAsync(HttpMethod.Post, "/v1/profiles", ApiSecret, new { })).JsonAsync()).Str("id");

    [Fact]
    public async Task TheTenthTokenOfAnHourIsIssuedAndTheEleventhGets429WithRetryAfter()
    {
        var profileId = await NewProfileAsync();
        for (var i = 1; i <= 10; i++)
        {
            var ok = await IssueAsync(profileId);
            Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
            Assert.Equal("10", ok.Headers.GetValues("Ratelimit-Limit").Single());
            Assert.Equal((10 - i).ToString(), ok.Headers.GetValues("Ratelimit-Remaining").Single());
            Clock.Advance(TimeSpan.FromSeconds(1));
        }

        var refused = await IssueAsync(profileId);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single());
        Assert.Equal(3600 - 10, retryAfter);
        Assert.Equal("0", refused.Headers.GetValues("Ratelimit-Remaining").Single());
        Assert.False(string.IsNullOrEmpty((await refused.JsonAsync()).Str("message")));
        Assert.Equal(10, await Server.WithDbAsync(db => Task.FromResult(db.Sessions.Count(s => s.ProfileId == profileId))));

        // One second before the first token leaves the window: still refused. At that second: allowed.
        Clock.Advance(TimeSpan.FromSeconds(retryAfter - 1));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await IssueAsync(profileId)).StatusCode);
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Created, (await IssueAsync(profileId)).StatusCode);
    }

    [Fact]
    public async Task RevokedTokensDoNotCountAgainstTheLimit()
    {
        var profileId = await NewProfileAsync();
        string? last = null;
        for (var i = 0; i < 10; i++) last = (await (await IssueAsync(profileId)).JsonAsync()).Str("token");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await IssueAsync(profileId)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, "/v1/users/session", last)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await IssueAsync(profileId)).StatusCode);
    }

    [Fact]
    public async Task TheDailyLimitHoldsAcrossHours()
    {
        var profileId = await NewProfileAsync();
        for (var hour = 0; hour < 2; hour++)
        {
            for (var i = 0; i < 10; i++) Assert.Equal(HttpStatusCode.Created, (await IssueAsync(profileId)).StatusCode);
            Clock.Advance(TimeSpan.FromHours(1));
        }
        // 20 in the last day, none in the last hour: the day budget refuses.
        var refused = await IssueAsync(profileId);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("20", refused.Headers.GetValues("Ratelimit-Limit").Single());
        Assert.Equal(22 * 3600, int.Parse(refused.Headers.GetValues("Retry-After").Single()));

        Clock.Advance(TimeSpan.FromHours(22));
        Assert.Equal(HttpStatusCode.Created, (await IssueAsync(profileId)).StatusCode);
    }

    [Fact]
    public async Task ConcurrentRequestsCannotIssueMoreThanTheLimit()
    {
        var profileId = await NewProfileAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => IssueAsync(profileId)));

        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(6, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task TheLimitsAreConfigurable()
    {
        await using var strict = await TesseraInstance.StartAsync(Provider, ConnectionString, Clock,
            new Dictionary<string, string?> { ["Limits:Issuance:PerHour"] = "2", ["Limits:Issuance:PerDay"] = "3" });
        var profileId = await NewProfileAsync();
        Task<HttpResponseMessage> Issue() => strict.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { userId = profileId });

        Assert.Equal(HttpStatusCode.Created, (await Issue()).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Issue()).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Issue()).StatusCode);
    }
}

public sealed class IssuanceLimitTestsOnSqlite(PostgresServer postgres) : IssuanceLimitTests(Backend.Sqlite, postgres);
public sealed class IssuanceLimitTestsOnPostgres(PostgresServer postgres) : IssuanceLimitTests(Backend.Postgres, postgres);
