using System.Net;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.DataApi;

/// <summary>
/// <c>Limits:Requests:PerMinute</c> on <c>/v1/graphql</c>: a session (Bearer) and an API key (Basic) spend the same
/// budget there as on the REST endpoints, with the same headers and the same 429.
/// </summary>
public abstract class GraphQLRequestLimitTests(Backend backend, PostgresServer postgres) : GraphQLTestBase(backend, postgres)
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Limits:Requests:PerMinute"] = "3" };

    /// <summary>Ten seconds into the next whole minute: every budget is full and refills in 50 s.</summary>
    private void StartAFreshMinute() =>
        Clock.Set(DateTimeOffset.FromUnixTimeSeconds((Clock.GetUtcNow().ToUnixTimeSeconds() / 60 + 1) * 60 + 10));

    private async Task AssertBudgetSpentThenRefusedAsync(Func<Task<HttpResponseMessage>> send, string message)
    {
        for (var remaining = 2; remaining >= 0; remaining--)
        {
            var ok = await send();
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("3", ok.Headers.GetValues("Ratelimit-Limit").Single());
            Assert.Equal(remaining.ToString(System.Globalization.CultureInfo.InvariantCulture), ok.Headers.GetValues("Ratelimit-Remaining").Single());
            Assert.Equal("50", ok.Headers.GetValues("Ratelimit-Reset").Single());
        }
        var refused = await send();
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("50", refused.Headers.GetValues("Retry-After").Single());
        Assert.Equal("0", refused.Headers.GetValues("Ratelimit-Remaining").Single());
        Assert.Equal("application/json", refused.Content.Headers.ContentType?.MediaType);
        var body = await refused.JsonAsync();
        Assert.Equal(message, body.Str("message"));
        Assert.Equal("Retry after 50 seconds.", body.Str("instruction"));
        Assert.False(body.TryGetProperty("data", out _));
    }

    [Fact]
    public async Task ASessionGets429OnGraphQLOnceItsPerMinuteBudgetIsSpentAndTheBudgetIsSharedWithRest()
    {
        var seeded = await SeedProfileAsync(1);
        var other = await SeedProfileAsync(1);
        StartAFreshMinute();
        await AssertBudgetSpentThenRefusedAsync(() => PostGraphQLAsync(new { query = "{ profile { id } }" }, seeded.Token), "Too many requests for this session");

        // GET is counted too, and so is the session's REST: one budget.
        var get = new HttpRequestMessage(HttpMethod.Get, "/v1/graphql?query=" + Uri.EscapeDataString("{ profile { id } }")) { Headers = { { "Authorization", "Bearer " + seeded.Token } } };
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Server.Http.SendAsync(get, TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", seeded.Token)).StatusCode);
        // Another session has its own budget; a bad token is still a 401, not a 429.
        Assert.Equal(HttpStatusCode.OK, (await PostGraphQLAsync(new { query = "{ profile { id } }" }, other.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostGraphQLAsync(new { query = "{ profile { id } }" }, "garbage")).StatusCode);

        Clock.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal(HttpStatusCode.OK, (await PostGraphQLAsync(new { query = "{ profile { id } }" }, seeded.Token)).StatusCode);
    }

    [Fact]
    public async Task AnApiKeyGets429OnGraphQLOnceItsPerMinuteBudgetIsSpentAndTheBudgetIsSharedWithRest()
    {
        var seeded = await SeedProfileAsync(1);
        StartAFreshMinute();
        var basic = $"{seeded.ProfileId}:{ApiSecret}";
        await AssertBudgetSpentThenRefusedAsync(() => PostGraphQLAsync(new { query = "{ profile { id } }" }, null, basic: basic), "Too many requests for this API key");

        Assert.Equal(HttpStatusCode.TooManyRequests, (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { })).StatusCode);
        // The user's own session is another credential with its own budget.
        Assert.Equal(HttpStatusCode.OK, (await PostGraphQLAsync(new { query = "{ profile { id } }" }, seeded.Token)).StatusCode);

        Clock.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal(HttpStatusCode.OK, (await PostGraphQLAsync(new { query = "{ profile { id } }" }, null, basic: basic)).StatusCode);
    }
}

public sealed class GraphQLRequestLimitTestsOnSqlite(PostgresServer postgres) : GraphQLRequestLimitTests(Backend.Sqlite, postgres);
public sealed class GraphQLRequestLimitTestsOnPostgres(PostgresServer postgres) : GraphQLRequestLimitTests(Backend.Postgres, postgres);
