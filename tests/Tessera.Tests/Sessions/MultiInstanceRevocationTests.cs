using System.Diagnostics;
using System.Net;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Sessions;

/// <summary>Two server instances on one database, as behind a load balancer.</summary>
public abstract class MultiInstanceRevocationTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    private static async Task<TimeSpan> TimeUntilRefusedAsync(TesseraInstance instance, string token)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(3))
        {
            if ((await instance.SendAsync(HttpMethod.Get, "/v1/users/session", token)).StatusCode == HttpStatusCode.Unauthorized) return watch.Elapsed;
            await Task.Delay(20);
        }
        return TimeSpan.MaxValue;
    }

    [Fact]
    public async Task ASessionRevokedOnOneInstanceIsRefusedByTheOtherWithinASecond()
    {
        var other = await StartSecondInstanceAsync();
        var token = (await (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { })).JsonAsync()).Str("token");
        Assert.Equal(HttpStatusCode.OK, (await other.SendAsync(HttpMethod.Get, "/v1/users/session", token)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, "/v1/users/session", token)).StatusCode);

        Assert.True(await TimeUntilRefusedAsync(other, token) < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task AProfileDeletedOnOneInstanceHasItsTokensRefusedByTheOtherWithinASecond()
    {
        var other = await StartSecondInstanceAsync();
        var issued = await (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { })).JsonAsync();
        Assert.Equal(HttpStatusCode.OK, (await other.SendAsync(HttpMethod.Get, "/v1/users/session", issued.Str("token"))).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await other.SendAsync(HttpMethod.Delete, $"/v1/profiles/{issued.Str("userId")}", ApiSecret)).StatusCode);

        Assert.True(await TimeUntilRefusedAsync(Server, issued.Str("token")) < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task ARestartedInstanceStillRefusesRevokedTokens()
    {
        var token = (await (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { })).JsonAsync()).Str("token");
        await Server.SendAsync(HttpMethod.Delete, "/v1/users/session", token);

        var fresh = await StartSecondInstanceAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await fresh.SendAsync(HttpMethod.Get, "/v1/users/session", token)).StatusCode);
    }
}

public sealed class MultiInstanceRevocationTestsOnSqlite(PostgresServer postgres) : MultiInstanceRevocationTests(Backend.Sqlite, postgres);
public sealed class MultiInstanceRevocationTestsOnPostgres(PostgresServer postgres) : MultiInstanceRevocationTests(Backend.Postgres, postgres);

/// <summary>
/// PostgreSQL: a revocation reaches the other instance by LISTEN/NOTIFY, not by waiting for the next poll. The poll
/// interval is set to its 1 s maximum so that polling alone would take 500 ms on average.
/// </summary>
public sealed class RevocationNotificationTestsOnPostgres(PostgresServer postgres) : TesseraTestBase(Backend.Postgres, postgres)
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Revocation:PollInterval"] = "00:00:01" };

    [Fact]
    public async Task EveryRevocationReachesTheOtherInstanceFarSoonerThanThePollInterval()
    {
        var other = await StartSecondInstanceAsync();
        await Task.Delay(500, TestContext.Current.CancellationToken); // both listeners connected
        var delays = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            var token = (await (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { email = $"notify{i}@example.com" })).JsonAsync()).Str("token");
            Assert.Equal(HttpStatusCode.OK, (await other.SendAsync(HttpMethod.Get, "/v1/users/session", token)).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, "/v1/users/session", token)).StatusCode);
            var watch = Stopwatch.StartNew();
            while ((await other.SendAsync(HttpMethod.Get, "/v1/users/session", token)).StatusCode != HttpStatusCode.Unauthorized && watch.Elapsed < TimeSpan.FromSeconds(3))
                await Task.Delay(5, TestContext.Current.CancellationToken);
            delays.Add(watch.Elapsed);
        }
        // Polling alone would land five in a row under 300 ms with probability 0.3^5 ≈ 0.2%.
        Assert.All(delays, d => Assert.True(d < TimeSpan.FromMilliseconds(300), $"took {d.TotalMilliseconds:F0} ms: {string.Join(", ", delays.Select(x => x.TotalMilliseconds.ToString("F0")))}"));
    }
}
