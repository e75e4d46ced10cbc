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
