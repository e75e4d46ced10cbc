using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Audit;
using Tessera.Environments;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Sessions;

public abstract class SessionManagementTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    private async Task<JsonElement> IssueAsync(object body, TesseraInstance? server = null) =>
        await (await (server ?? Server).SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, body)).JsonAsync();

    private static string Kid(string token) =>
        JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[0])).RootElement.Str("kid");

    [Fact]
    public async Task RotationSignsNewTokensWithTheNewKeyAndRetiresTheOldAtItsSecond()
    {
        var other = await StartSecondInstanceAsync();
        var before = await IssueAsync(new { });
        Assert.Equal(Kid(before.Str("token")), Kid((await IssueAsync(new { uuid = Guid.NewGuid() }, other)).Str("token"))); // cached there
        await using (var scope = Server.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<EnvironmentAdmin>().RotateKeyAsync(Environment.Id, TimeSpan.FromHours(1), TestContext.Current.CancellationToken);

        var after = await IssueAsync(new { });
        Assert.NotEqual(Kid(before.Str("token")), Kid(after.Str("token")));
        // The other instance hears of the rotation through the revocation log and signs with the new key too.
        await other.NextRevocationPollAsync();
        Assert.Equal(Kid(after.Str("token")), Kid((await IssueAsync(new { uuid = Guid.NewGuid() }, other)).Str("token")));

        Clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", before.Str("token"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.SendAsync(HttpMethod.Get, "/v1/users/session", before.Str("token"))).StatusCode);
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", before.Str("token"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.SendAsync(HttpMethod.Get, "/v1/users/session", before.Str("token"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", after.Str("token"))).StatusCode);
    }

    [Fact]
    public async Task ActiveSessionsAreListedAndCanBeRevokedOneOrAll()
    {
        var first = await IssueAsync(new { });
        var profileId = first.Str("userId");
        var second = await IssueAsync(new { userId = profileId });
        var third = await IssueAsync(new { userId = profileId });
        await Server.SendAsync(HttpMethod.Delete, "/v1/users/session", third.Str("token"));

        var list = await (await Server.SendAsync(HttpMethod.Get, $"/v1/profiles/{profileId}/sessions", ApiSecret)).JsonAsync();
        var sessions = list.GetProperty("sessions").EnumerateArray().ToList();
        Assert.Equal(2, sessions.Count);
        Assert.All(sessions, s => Assert.Equal("api", s.Str("kind")));
        Assert.Contains(sessions, s => s.Str("id") == first.Str("id"));
        Assert.All(sessions, s => Assert.Equal(ApiKeyId, s.Str("issuedBy")));

        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, $"/v1/profiles/{profileId}/sessions/{first.Str("id")}", ApiSecret)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", first.Str("token"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", second.Str("token"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Server.SendAsync(HttpMethod.Delete, $"/v1/profiles/{profileId}/sessions/{first.Str("id")}", ApiSecret)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, $"/v1/profiles/{profileId}/sessions", ApiSecret)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", second.Str("token"))).StatusCode);
        var empty = await (await Server.SendAsync(HttpMethod.Get, $"/v1/profiles/{profileId}/sessions", ApiSecret)).JsonAsync();
        Assert.Empty(empty.GetProperty("sessions").EnumerateArray());
    }

    [Fact]
    public async Task SessionsOfAnotherEnvironmentsProfileCannotBeListedOrRevoked()
    {
        var (_, otherSecret, _) = await Server.CreateEnvironmentAsync();
        var theirs = await (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", otherSecret, new { })).JsonAsync();
        var profileId = theirs.Str("userId");

        Assert.Equal(HttpStatusCode.NotFound, (await Server.SendAsync(HttpMethod.Get, $"/v1/profiles/{profileId}/sessions", ApiSecret)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Server.SendAsync(HttpMethod.Delete, $"/v1/profiles/{profileId}/sessions", ApiSecret)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Server.SendAsync(HttpMethod.Delete, $"/v1/profiles/{profileId}/sessions/{theirs.Str("id")}", ApiSecret)).StatusCode);
        // And a session id of their profile, asked through one of ours:
        var ours = (await IssueAsync(new { })).Str("userId");
        Assert.Equal(HttpStatusCode.NotFound, (await Server.SendAsync(HttpMethod.Delete, $"/v1/profiles/{ours}/sessions/{theirs.Str("id")}", ApiSecret)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", theirs.Str("token"))).StatusCode);
    }

    [Fact]
    public async Task ADisabledProfilesTokensStopEverywhereAndNoneAreIssuedUntilEnabled()
    {
        var other = await StartSecondInstanceAsync();
        var issued = await IssueAsync(new { email = "disabled@example.com" });
        var profileId = issued.Str("userId");

        var patched = await Server.SendAsync(HttpMethod.Patch, $"/v1/profiles/{profileId}", ApiSecret, new { disabled = true });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.True((await patched.JsonAsync()).GetProperty("disabled").GetBoolean());

        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", issued.Str("token"))).StatusCode);
        await other.NextRevocationPollAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.SendAsync(HttpMethod.Get, "/v1/users/session", issued.Str("token"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { userId = profileId })).StatusCode);

        // A restarted instance still knows.
        var fresh = await StartSecondInstanceAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await fresh.SendAsync(HttpMethod.Get, "/v1/users/session", issued.Str("token"))).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Patch, $"/v1/profiles/{profileId}", ApiSecret, new { disabled = false })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", issued.Str("token"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { userId = profileId })).StatusCode);

        var bad = await Server.SendAsync(HttpMethod.Patch, $"/v1/profiles/{profileId}", ApiSecret, new { disabled = "yes" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
    }

    [Fact]
    public async Task SecurityEventsAreAuditedWithoutSecrets()
    {
        var issued = await IssueAsync(new { email = "audited@example.com" });
        var profileId = issued.Str("userId");
        await Server.SendAsync(HttpMethod.Delete, "/v1/users/session", issued.Str("token"));
        await Server.SendAsync(HttpMethod.Patch, $"/v1/profiles/{profileId}", ApiSecret, new { disabled = true });

        var events = await Server.WithDbAsync(db => db.AuditEvents.AsNoTracking().Where(e => e.ProfileId == profileId).OrderBy(e => e.Id).ToListAsync());
        Assert.Equal([AuditActions.SessionIssued, AuditActions.SessionRevoked, AuditActions.ProfileDisabled], events.Select(e => e.Action));
        Assert.All(events, e => Assert.Equal(Environment.Id, e.EnvironmentId));
        Assert.Equal(ApiKeyId, events[0].Actor);
        Assert.Equal(issued.Str("id"), events[0].Subject);

        var everything = string.Join("\n", (await Server.WithDbAsync(db => db.AuditEvents.AsNoTracking().ToListAsync()))
            .Select(e => $"{e.Action} {e.Actor} {e.Subject} {e.Detail}"));
        Assert.DoesNotContain(issued.Str("token"), everything);
        Assert.DoesNotContain(ApiSecret, everything);
    }
}

public sealed class SessionManagementTestsOnSqlite(PostgresServer postgres) : SessionManagementTests(Backend.Sqlite, postgres);
public sealed class SessionManagementTestsOnPostgres(PostgresServer postgres) : SessionManagementTests(Backend.Postgres, postgres);
