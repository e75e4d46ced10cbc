using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Clients;
using Tessera.Maintenance;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Passcodes;

/// <summary>
/// The per-IP and per-environment send limits read per-window send counts first and count challenges only near a
/// limit: the limits must stay rolling hours to the second, shared by every instance.
/// </summary>
public abstract class PasscodeSendLimitTests(Backend backend, PostgresServer postgres) : PasswordlessTestBase(backend, postgres)
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Passcodes:MaxSendsPerIpPerHour"] = "4",
        ["Passcodes:MaxSendsPerEnvironmentPerHour"] = "6",
    };

    private Client _client = null!;

    private async Task KnownUsersAsync(int count)
    {
        _client = await CreateClientAsync(AuthStrategy.Email);
        for (var i = 0; i < count; i++)
            Assert.Equal(HttpStatusCode.Created, (await Server.SendAsync(HttpMethod.Post, "/v1/profiles", ApiSecret, new { email = $"u{i}@example.com" })).StatusCode);
    }

    private Task<HttpResponseMessage> IdentifyAsync(int user, string ip, TesseraInstance? server = null) =>
        PostSessionAsync(new { session = new { clientId = _client.Id, email = $"u{user}@example.com" } }, ip, server: server);

    [Fact]
    public async Task TheIpLimitIsARollingHourToTheSecondEvenWhileItsCountWindowLastsLonger()
    {
        await KnownUsersAsync(5);
        // Mid-way through a 5-minute count window, so an hour later that window still overlaps the hour.
        Clock.Set(new DateTimeOffset(2026, 11, 22, 12, 3, 20, TimeSpan.Zero));
        for (var i = 0; i < 4; i++) Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(i, "198.51.100.7")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await IdentifyAsync(4, "198.51.100.7")).StatusCode);

        Clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await IdentifyAsync(4, "198.51.100.7")).StatusCode);
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(4, "198.51.100.7")).StatusCode);
    }

    [Fact]
    public async Task SendsThroughEveryInstanceCountTowardsTheIpAndEnvironmentLimits()
    {
        await KnownUsersAsync(7);
        var other = await StartSecondInstanceAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(0, "198.51.100.7")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(1, "198.51.100.7", other)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(2, "198.51.100.7")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(3, "198.51.100.7", other)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await IdentifyAsync(4, "198.51.100.7")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await IdentifyAsync(4, "198.51.100.7", other)).StatusCode);

        // Environment: 4 sent, 2 more from elsewhere, then the seventh is refused on either instance.
        Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(4, "198.51.100.8", other)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(5, "198.51.100.9")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await IdentifyAsync(6, "198.51.100.10")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await IdentifyAsync(6, "198.51.100.11", other)).StatusCode);
        Assert.Equal(6, await CountAsync(db => db.OutboxMessages));
    }

    [Fact]
    public async Task SendCountsArePrunedOnceTheirHourIsOver()
    {
        await KnownUsersAsync(2);
        Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(0, "198.51.100.7")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(1, "198.51.100.8")).StatusCode);
        var pruner = Server.Services.GetRequiredService<Pruner>();
        Assert.Equal(0, (await pruner.PruneOnceAsync(TestContext.Current.CancellationToken))["passcode_send_counts"]);

        Clock.Advance(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(10));
        Assert.True((await pruner.PruneOnceAsync(TestContext.Current.CancellationToken))["passcode_send_counts"] > 0);
        Assert.Equal(0, await CountAsync(db => db.PasscodeSendCounts));
    }
}

public sealed class PasscodeSendLimitTestsOnSqlite(PostgresServer postgres) : PasscodeSendLimitTests(Backend.Sqlite, postgres);
public sealed class PasscodeSendLimitTestsOnPostgres(PostgresServer postgres) : PasscodeSendLimitTests(Backend.Postgres, postgres);
