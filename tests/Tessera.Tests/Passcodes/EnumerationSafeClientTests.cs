using System.Net;
using Tessera.Clients;
using Tessera.Environments;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Passcodes;

/// <summary>
/// An enumeration-safe client answers known, unknown and disabled identifiers alike, so nobody can learn from it who is
/// registered; a client that is not says so by design (201/202, or 403 with sign-ups off).
/// </summary>
public abstract class EnumerationSafeClientTests(Backend backend, PostgresServer postgres) : PasswordlessTestBase(backend, postgres)
{
    private const string Known = "known@example.com", Unknown = "unknown@example.com", Disabled = "disabled@example.com";

    private async Task<Client> ClientWithUsersAsync(bool signups)
    {
        var (environment, secret, _) = await Server.CreateEnvironmentAsync("Private bank", EnvironmentMode.Development);
        var client = await CreateClientAsync(AuthStrategy.Email, environment.Id, signups: signups, enumerationSafe: true);
        foreach (var email in new[] { Known, Disabled })
            Assert.Equal(HttpStatusCode.Created, (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", secret, new { email })).StatusCode);
        var disabled = await Server.WithDbAsync(db => Task.FromResult(db.Profiles.Single(p => p.Email == Disabled).Id));
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Patch, $"/v1/profiles/{disabled}", secret, new { disabled = true })).StatusCode);
        return client;
    }

    private Task<HttpResponseMessage> IdentifyAsync(Client client, string email) =>
        PostSessionAsync(new { session = new { clientId = client.Id, email } }, ip: $"192.0.2.{(uint)email.GetHashCode() % 200 + 1}");

    private static async Task<string> ShapeAsync(HttpResponseMessage response)
    {
        var headers = string.Join(";", response.Headers.Where(h => h.Key is "Retry-After" or "Authorization").Select(h => $"{h.Key}={string.Join(",", h.Value)}"));
        return $"{(int)response.StatusCode} {headers} {await response.Content.ReadAsStringAsync()}";
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task KnownUnknownAndDisabledIdentifiersGetTheSameAnswerAndOnlyTheKnownOneGetsACode(bool signups)
    {
        var client = await ClientWithUsersAsync(signups);
        var first = new List<string>();
        foreach (var email in new[] { Known, Unknown, Disabled }) first.Add(await ShapeAsync(await IdentifyAsync(client, email)));
        Assert.All(first, shape => Assert.Equal(first[0], shape));
        Assert.StartsWith("202", first[0]);

        // The cooldown answers alike too.
        Clock.Advance(TimeSpan.FromSeconds(10));
        var again = new List<string>();
        foreach (var email in new[] { Known, Unknown, Disabled }) again.Add(await ShapeAsync(await IdentifyAsync(client, email)));
        Assert.All(again, shape => Assert.Equal(again[0], shape));
        Assert.Equal(first[0], again[0]); // a suppressed resend reads as a send

        // A code went to the known address only, and to the unknown one only where it may sign up.
        Assert.Equal(1, await CountAsync(db => db.OutboxMessages.Where(m => m.Recipient == Known)));
        Assert.Equal(signups ? 1 : 0, await CountAsync(db => db.OutboxMessages.Where(m => m.Recipient == Unknown)));
        Assert.Equal(0, await CountAsync(db => db.OutboxMessages.Where(m => m.Recipient == Disabled)));

        // Wrong answers read alike as well.
        var wrong = new List<string>();
        foreach (var email in new[] { Known, Unknown, Disabled })
            wrong.Add(await ShapeAsync(await PutSessionAsync(new { session = new { clientId = client.Id, email, passcode = "000001" } })));
        Assert.All(wrong, shape => Assert.Equal(wrong[0], shape));
        Assert.StartsWith("401", wrong[0]);

        // The known user signs in; with sign-ups on, the unknown one proves the address and gets a new profile.
        var known = await PutSessionAsync(new { session = new { clientId = client.Id, email = Known, passcode = await LatestPasscodeAsync(Known) } });
        Assert.Equal(HttpStatusCode.Created, known.StatusCode);
        if (signups)
        {
            Assert.Equal(0, await CountAsync(db => db.Profiles.Where(p => p.Email == Unknown)));
            var created = await PutSessionAsync(new { session = new { clientId = client.Id, email = Unknown, passcode = await LatestPasscodeAsync(Unknown) } });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal(1, await CountAsync(db => db.Profiles.Where(p => p.Email == Unknown && p.EmailVerifiedAt != null)));
        }
        else Assert.Equal(0, await CountAsync(db => db.Profiles.Where(p => p.Email == Unknown)));
    }

    [Fact]
    public async Task AClientThatIsNotEnumerationSafeStillTellsAsDocumented()
    {
        var (environment, _, _) = await Server.CreateEnvironmentAsync("Open", EnvironmentMode.Development);
        var closed = await CreateClientAsync(AuthStrategy.Email, environment.Id, signups: false);
        Assert.Equal(HttpStatusCode.Forbidden, (await IdentifyAsync(closed, Unknown)).StatusCode);
        var open = await CreateClientAsync(AuthStrategy.Email, environment.Id);
        Assert.Equal(HttpStatusCode.Created, (await IdentifyAsync(open, Unknown)).StatusCode);
    }
}

public sealed class EnumerationSafeClientTestsOnSqlite(PostgresServer postgres) : EnumerationSafeClientTests(Backend.Sqlite, postgres);
public sealed class EnumerationSafeClientTestsOnPostgres(PostgresServer postgres) : EnumerationSafeClientTests(Backend.Postgres, postgres);
