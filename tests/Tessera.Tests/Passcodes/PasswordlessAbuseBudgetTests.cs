using System.Net;
using Tessera.Clients;
using Tessera.Environments;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Passcodes;

/// <summary>The per-network budgets of wrong answers and of sign-ups, and the per-environment sign-up budget, at their edges.</summary>
public abstract class PasswordlessAbuseBudgetTests(Backend backend, PostgresServer postgres) : PasswordlessTestBase(backend, postgres)
{
    private const int FailuresPerNetwork = 6, SignupsPerNetwork = 3, SignupsPerEnvironment = 5;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Passcodes:MaxFailuresPerIpPerHour"] = $"{FailuresPerNetwork}",
        ["Passcodes:MaxSignupsPerIpPerHour"] = $"{SignupsPerNetwork}",
        ["Passcodes:MaxSignupsPerEnvironmentPerHour"] = $"{SignupsPerEnvironment}",
    };

    private async Task<Client> DevelopmentClientAsync()
    {
        var (environment, _, _) = await Server.CreateEnvironmentAsync($"Budgets {Guid.NewGuid():N}", EnvironmentMode.Development);
        return await CreateClientAsync(AuthStrategy.Email, environment.Id);
    }

    private Task<HttpResponseMessage> SignUpAsync(Client client, string email, string ip) =>
        PostSessionAsync(new { session = new { clientId = client.Id, email } }, ip);

    private static int RetryAfter(HttpResponseMessage response) => int.Parse(response.Headers.GetValues("Retry-After").Single());

    [Fact]
    public async Task OneNetworkSprayingWrongAnswersAcrossIdentifiersIsStoppedAtItsBudget()
    {
        var client = await DevelopmentClientAsync();
        // Live challenges for several people (from their own networks), so every guess is a real guess.
        var targets = Enumerable.Range(0, 4).Select(i => $"target{i}@example.com").ToList();
        for (var i = 0; i < targets.Count; i++)
        {
            await SignUpAsync(client, targets[i], $"192.0.2.{i + 1}");
            Clock.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(HttpStatusCode.Accepted, (await SignUpAsync(client, targets[i], $"192.0.2.{i + 1}")).StatusCode);
        }
        var codes = new Dictionary<string, string>();
        foreach (var target in targets) codes[target] = await LatestPasscodeAsync(target);
        string WrongFor(string target) => codes[target] == "123456" ? "654321" : "123456";

        // One host walks its /64: every address counts against the same budget.
        for (var i = 0; i < FailuresPerNetwork; i++)
        {
            var target = targets[i % targets.Count];
            var answer = await PutSessionAsync(new { session = new { clientId = client.Id, email = target, passcode = WrongFor(target) } }, ip: $"2001:db8:abcd:12::{i + 1:x}");
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        }
        var stopped = await PutSessionAsync(new { session = new { clientId = client.Id, email = targets[3], passcode = codes[targets[3]] } }, ip: "2001:db8:abcd:12:ffff::1");
        Assert.Equal(HttpStatusCode.TooManyRequests, stopped.StatusCode);
        Assert.InRange(RetryAfter(stopped), 1, 3600);

        // Another network is not affected, and the owner's right code still works from the owner's network.
        Assert.Equal(HttpStatusCode.Unauthorized, (await PutSessionAsync(new { session = new { clientId = client.Id, email = targets[0], passcode = WrongFor(targets[0]) } }, ip: "2001:db8:abcd:13::1")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PutSessionAsync(new { session = new { clientId = client.Id, email = targets[1], passcode = codes[targets[1]] } }, ip: "192.0.2.2")).StatusCode);

        // The budget is a rolling hour.
        Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await PutSessionAsync(new { session = new { clientId = client.Id, email = targets[2], passcode = "000001" } }, ip: "2001:db8:abcd:12::99")).StatusCode);
    }

    [Fact]
    public async Task SignUpsFromOneNetworkStopAtItsBudgetWithRetryAfterAndIPv6CountsBySlash64()
    {
        var client = await DevelopmentClientAsync();
        for (var i = 0; i < SignupsPerNetwork; i++)
            Assert.Equal(HttpStatusCode.Created, (await SignUpAsync(client, $"flood{i}@example.com", $"2001:db8:5:1::{i + 1:x}")).StatusCode);

        var refused = await SignUpAsync(client, "flood-next@example.com", "2001:db8:5:1:8000::1");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        // Room comes back when the oldest counted window (of WindowSeconds) leaves the hour.
        Assert.InRange(RetryAfter(refused), 1, 3600 + Tessera.Passcodes.PasscodeSendCounts.WindowSeconds);
        // Nothing was made for the refused one: no profile, no session, no audit row.
        Assert.Equal(SignupsPerNetwork, await CountAsync(db => db.Profiles.Where(p => p.EnvironmentId == client.EnvironmentId)));
        Assert.Equal(0, await CountAsync(db => db.Profiles.Where(p => p.Email == "flood-next@example.com")));

        // The next /64 has its own budget; an hour later the first one has room again.
        Assert.Equal(HttpStatusCode.Created, (await SignUpAsync(client, "neighbour@example.com", "2001:db8:5:2::1")).StatusCode);
        Clock.Advance(TimeSpan.FromSeconds(RetryAfter(refused)));
        Assert.Equal(HttpStatusCode.Created, (await SignUpAsync(client, "flood-next@example.com", "2001:db8:5:1::77")).StatusCode);
    }

    [Fact]
    public async Task SignUpsInAnEnvironmentStopAtItsBudgetFromEveryNetwork()
    {
        var client = await DevelopmentClientAsync();
        for (var i = 0; i < SignupsPerEnvironment; i++)
            Assert.Equal(HttpStatusCode.Created, (await SignUpAsync(client, $"env{i}@example.com", $"198.51.100.{i + 1}")).StatusCode);
        var refused = await SignUpAsync(client, "env-next@example.com", "198.51.100.200");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.Contains("Retry-After"));

        // Known users still sign in meanwhile (a sign-in is not a sign-up), and another environment has its own budget.
        Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Accepted, (await SignUpAsync(client, "env0@example.com", "198.51.100.1")).StatusCode);
        var other = await DevelopmentClientAsync();
        Assert.Equal(HttpStatusCode.Created, (await SignUpAsync(other, "env-next@example.com", "198.51.100.201")).StatusCode);
    }
}

public sealed class PasswordlessAbuseBudgetTestsOnSqlite(PostgresServer postgres) : PasswordlessAbuseBudgetTests(Backend.Sqlite, postgres);
public sealed class PasswordlessAbuseBudgetTestsOnPostgres(PostgresServer postgres) : PasswordlessAbuseBudgetTests(Backend.Postgres, postgres);
