using System.Net;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Sessions;

/// <summary>Two server instances on one database, as behind a load balancer.</summary>
public abstract class MultiInstanceRevocationTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    [Fact]
    public async Task ASessionRevokedOnOneInstanceIsRefusedByTheOtherFromItsNextPoll()
    {
        var other = await StartSecondInstanceAsync();
        var token = (await (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { })).JsonAsync()).Str("token");
        Assert.Equal(HttpStatusCode.OK, (await other.SendAsync(HttpMethod.Get, "/v1/users/session", token)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, "/v1/users/session", token)).StatusCode);

        await other.NextRevocationPollAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.SendAsync(HttpMethod.Get, "/v1/users/session", token)).StatusCode);
    }

    [Fact]
    public async Task AProfileDeletedOnOneInstanceHasItsTokensRefusedByTheOtherFromItsNextPoll()
    {
        var other = await StartSecondInstanceAsync();
        var issued = await (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { })).JsonAsync();
        Assert.Equal(HttpStatusCode.OK, (await other.SendAsync(HttpMethod.Get, "/v1/users/session", issued.Str("token"))).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await other.SendAsync(HttpMethod.Delete, $"/v1/profiles/{issued.Str("userId")}", ApiSecret)).StatusCode);

        await Server.NextRevocationPollAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", issued.Str("token"))).StatusCode);
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
/// PostgreSQL: a revocation reaches the other instance by LISTEN/NOTIFY, which wakes its sync without waiting for the
/// end of the poll interval.
/// </summary>
public sealed class RevocationNotificationTestsOnPostgres(PostgresServer postgres) : TesseraTestBase(Backend.Postgres, postgres)
{
    [Fact]
    public async Task EveryRevocationWakesTheOtherInstanceWhoseWokenPollRefusesTheToken()
    {
        var other = await StartSecondInstanceAsync();
        await other.RevocationListenerReadyAsync();
        await other.NextRevocationPollAsync(); // spends the wake sent on connecting, so every later wake is a notification
        for (var i = 0; i < 5; i++)
        {
            var token = (await (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { email = $"notify{i}@example.com" })).JsonAsync()).Str("token");
            Assert.Equal(HttpStatusCode.OK, (await other.SendAsync(HttpMethod.Get, "/v1/users/session", token)).StatusCode);
            // Asked for before the revoke: the notification can wake the other instance before the response is back here.
            var woken = other.NextRevocationPollWokenByANotificationAsync();
            Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, "/v1/users/session", token)).StatusCode);

            await woken;
            Assert.Equal(HttpStatusCode.Unauthorized, (await other.SendAsync(HttpMethod.Get, "/v1/users/session", token)).StatusCode);
        }
    }
}
