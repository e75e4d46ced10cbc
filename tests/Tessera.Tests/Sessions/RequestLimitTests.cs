using System.Net;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Sessions;

/// <summary><c>Limits:Requests:PerMinute</c> for a session token: whole clock minutes, at the boundary.</summary>
public abstract class RequestLimitTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Limits:Requests:PerMinute"] = "3" };

    [Fact]
    public async Task ASessionMakesItsPerMinuteBudgetOfRequestsThenGets429UntilTheNextMinute()
    {
        // Ten seconds into a minute: the budget refills in 50 s.
        Clock.Set(DateTimeOffset.FromUnixTimeSeconds((Clock.GetUtcNow().ToUnixTimeSeconds() / 60 + 1) * 60 + 10));
        var token = (await (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { })).JsonAsync()).Str("token");
        var other = (await (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { })).JsonAsync()).Str("token");

        for (var remaining = 2; remaining >= 0; remaining--)
        {
            var ok = await Server.SendAsync(HttpMethod.Get, "/v1/users/session", token);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("3", ok.Headers.GetValues("Ratelimit-Limit").Single());
            Assert.Equal(remaining.ToString(System.Globalization.CultureInfo.InvariantCulture), ok.Headers.GetValues("Ratelimit-Remaining").Single());
            Assert.Equal("50", ok.Headers.GetValues("Ratelimit-Reset").Single());
        }
        var refused = await Server.SendAsync(HttpMethod.Get, "/v1/users/session", token);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("50", refused.Headers.GetValues("Retry-After").Single());
        Assert.Equal("0", refused.Headers.GetValues("Ratelimit-Remaining").Single());
        Assert.False(string.IsNullOrEmpty((await refused.JsonAsync()).Str("message")));

        // Another session has its own budget.
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", other)).StatusCode);

        Clock.Advance(TimeSpan.FromSeconds(49));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", token)).StatusCode);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var refilled = await Server.SendAsync(HttpMethod.Get, "/v1/users/session", token);
        Assert.Equal(HttpStatusCode.OK, refilled.StatusCode);
        Assert.Equal("2", refilled.Headers.GetValues("Ratelimit-Remaining").Single());
        Assert.Equal("60", refilled.Headers.GetValues("Ratelimit-Reset").Single());
    }
}

public sealed class RequestLimitTestsOnSqlite(PostgresServer postgres) : RequestLimitTests(Backend.Sqlite, postgres);
public sealed class RequestLimitTestsOnPostgres(PostgresServer postgres) : RequestLimitTests(Backend.Postgres, postgres);
