using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Clients;
using Tessera.Maintenance;
using Tessera.Passcodes;
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
    public async Task ConcurrentSendsFromOneIpThroughTwoInstancesStopExactlyAtTheLimit()
    {
        await KnownUsersAsync(12);
        var other = await StartSecondInstanceAsync();
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => IdentifyAsync(i, "198.51.100.7", i % 2 == 0 ? null : other)));
        Assert.Equal(4, answers.Count(a => a.StatusCode == HttpStatusCode.Accepted));
        Assert.Equal(8, answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.Equal(4, await CountAsync(db => db.OutboxMessages));
    }

    [Fact]
    public async Task ConcurrentSendsFromManyIpsStopExactlyAtTheEnvironmentLimit()
    {
        await KnownUsersAsync(12);
        var other = await StartSecondInstanceAsync();
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => IdentifyAsync(i, $"198.51.100.{i + 1}", i % 2 == 0 ? null : other)));
        Assert.Equal(6, answers.Count(a => a.StatusCode == HttpStatusCode.Accepted));
        Assert.Equal(6, answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.Equal(6, await CountAsync(db => db.PasscodeChallenges));
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

/// <summary>
/// A limit larger than the transactions PostgreSQL can have open at once (the test server's <c>max_connections</c> is
/// 400) is locked shared while far off, and a send that finds it near starts again under the exclusive lock.
/// </summary>
public abstract class PasscodeSendLimitNearTests(Backend backend, PostgresServer postgres) : PasswordlessTestBase(backend, postgres)
{
    private const int Limit = 404;
    private const string Ip = "198.51.100.7";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Passcodes:MaxSendsPerIpPerHour"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task ConcurrentSendsNearALimitLargerThanMaxConnectionsStopExactlyAtIt()
    {
        if (Backend == Backend.Postgres)
            Assert.Equal(400, await Server.WithDbAsync(db => db.Database.SqlQueryRaw<int>("SELECT current_setting('max_connections')::int AS \"Value\"").SingleAsync()));
        var client = await CreateClientAsync(AuthStrategy.Email);
        for (var i = 0; i < 12; i++)
            Assert.Equal(HttpStatusCode.Created, (await Server.SendAsync(HttpMethod.Post, "/v1/profiles", ApiSecret, new { email = $"u{i}@example.com" })).StatusCode);

        // 400 sends from the IP in the last 10 minutes, as identify would have written them: challenges and their counts.
        var now = Clock.GetUtcNow().UtcDateTime;
        await Server.WithDbAsync(async db =>
        {
            for (var i = 0; i < Limit - 4; i++)
                db.PasscodeChallenges.Add(new PasscodeChallenge
                {
                    Id = Guid.NewGuid(), EnvironmentId = Environment.Id, ClientId = client.Id, Identifier = $"earlier{i}@example.com",
                    CreatedAt = now.AddMinutes(-10), ExpiresAt = now, IpAddress = Ip, CodeHash = new byte[32],
                });
            db.PasscodeSendCounts.Add(new PasscodeSendCount { Scope = PasscodeSendCounts.IpScope(Ip), WindowIndex = PasscodeSendCounts.WindowOf(now.AddMinutes(-10)), Shard = 0, Sends = Limit - 4 });
            return await db.SaveChangesAsync();
        });

        var other = await StartSecondInstanceAsync();
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            PostSessionAsync(new { session = new { clientId = client.Id, email = $"u{i}@example.com" } }, Ip, server: i % 2 == 0 ? null : other)));
        Assert.Equal(4, answers.Count(a => a.StatusCode == HttpStatusCode.Accepted));
        Assert.Equal(8, answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.Equal(Limit, await CountAsync(db => db.PasscodeChallenges.Where(c => c.IpAddress == Ip)));
    }
}

public sealed class PasscodeSendLimitNearTestsOnSqlite(PostgresServer postgres) : PasscodeSendLimitNearTests(Backend.Sqlite, postgres);
public sealed class PasscodeSendLimitNearTestsOnPostgres(PostgresServer postgres) : PasscodeSendLimitNearTests(Backend.Postgres, postgres);
