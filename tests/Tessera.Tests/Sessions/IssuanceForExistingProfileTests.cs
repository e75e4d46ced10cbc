using System.Net;
using Microsoft.EntityFrameworkCore;
using Tessera.Audit;
using Tessera.Sessions;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Sessions;

/// <summary>
/// Issuance for a profile that exists, with nothing to change: on SQLite the issuance batcher writes it, outside EF,
/// several requests to a transaction. What it writes must read back through every other path exactly as EF's rows do.
/// </summary>
public abstract class IssuanceForExistingProfileTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    private async Task<string> NewProfileAsync(string email)
    {
        var created = await Server.SendAsync(HttpMethod.Post, "/v1/profiles", ApiSecret, new { email });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.JsonAsync()).Str("id");
    }

    [Fact]
    public async Task TheSessionItWritesIsTheOneEveryOtherPathReads()
    {
        var profileId = await NewProfileAsync("batched@example.com");
        var uuid = (await (await Server.SendAsync(HttpMethod.Get, $"/v1/profiles/{profileId}", ApiSecret)).JsonAsync()).Str("uuid");

        var response = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { uuid });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("9", response.Headers.GetValues("Ratelimit-Remaining").Single());
        var issued = await response.JsonAsync();
        Assert.Equal(profileId, issued.Str("userId"));
        Assert.Equal(uuid, issued.Str("userUuid"));

        // The row, as EF reads it back: every column as the general path writes it.
        var sessionId = Guid.Parse(issued.Str("id"));
        var row = await Server.WithDbAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.Id == sessionId));
        Assert.Equal(SessionKind.Api, row.Kind);
        Assert.Equal(ApiKeyId, row.IssuedBy);
        Assert.Equal(Environment.Id, row.EnvironmentId);
        Assert.Equal(Clock.GetUtcNow().UtcDateTime, row.IssuedAt, TimeSpan.FromMilliseconds(1));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(issued.GetProperty("expiration").GetInt64()).UtcDateTime, row.ExpiresAt);
        Assert.Null(row.RevokedAt);
        var audit = await Server.WithDbAsync(db => db.AuditEvents.AsNoTracking().SingleAsync(e => e.Subject == issued.Str("id")));
        Assert.Equal((AuditActions.SessionIssued, ApiKeyId, profileId), (audit.Action, audit.Actor, audit.ProfileId));

        // The token verifies, the profile's session list has it, and revoking it works everywhere.
        var token = issued.Str("token");
        var described = await Server.SendAsync(HttpMethod.Get, "/v1/users/session", token);
        Assert.Equal(HttpStatusCode.OK, described.StatusCode);
        Assert.Equal(issued.Str("id"), (await described.JsonAsync()).Str("id"));
        var listed = await (await Server.SendAsync(HttpMethod.Get, $"/v1/profiles/{profileId}/sessions", ApiSecret)).JsonAsync();
        Assert.Contains(issued.Str("id"), listed.ToString());
        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, "/v1/users/session", token)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", token)).StatusCode);
    }

    [Fact]
    public async Task ManyAtOnceForManyProfilesAllLandEachWithItsOwnSession()
    {
        var profiles = new List<string>();
        for (var i = 0; i < 8; i++) profiles.Add(await NewProfileAsync($"many{i}@example.com"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 64).Select(i =>
            Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { userId = profiles[i % 8] })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var bodies = await Task.WhenAll(responses.Select(r => r.JsonAsync()));
        Assert.Equal(64, bodies.Select(b => b.Str("id")).Distinct().Count());
        Assert.Equal(64, bodies.Select(b => b.Str("token")).Distinct().Count());
        foreach (var profileId in profiles)
        {
            Assert.Equal(8, bodies.Count(b => b.Str("userId") == profileId));
            Assert.Equal(8, await Server.WithDbAsync(db => db.Sessions.CountAsync(s => s.ProfileId == profileId)));
        }
        Assert.All(await Task.WhenAll(bodies.Select(b => Server.SendAsync(HttpMethod.Get, "/v1/users/session", b.Str("token")))),
            r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }

    [Fact]
    public async Task AnUnknownProfileIdIs404AndAnUnknownUuidBecomesANewProfile()
    {
        var unknownId = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { userId = "p_doesNotExist0000000000" });
        Assert.Equal(HttpStatusCode.NotFound, unknownId.StatusCode);

        var uuid = Guid.NewGuid();
        var created = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { userId = uuid });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(uuid.ToString(), (await created.JsonAsync()).Str("userUuid"));
        Assert.Equal(1, await Server.WithDbAsync(db => db.Profiles.CountAsync(p => p.Uuid == uuid)));
    }

    [Fact]
    public async Task AProfileDeletedMeanwhileIsNotFoundNotIssued()
    {
        var profileId = await NewProfileAsync("gone@example.com");
        Assert.Equal(HttpStatusCode.Created, (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { userId = profileId })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, $"/v1/profiles/{profileId}", ApiSecret)).StatusCode);

        var again = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { userId = profileId });
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(0, await Server.WithDbAsync(db => db.Sessions.CountAsync(s => s.ProfileId == profileId)));
    }
}

public sealed class IssuanceForExistingProfileTestsOnSqlite(PostgresServer postgres) : IssuanceForExistingProfileTests(Backend.Sqlite, postgres);
public sealed class IssuanceForExistingProfileTestsOnPostgres(PostgresServer postgres) : IssuanceForExistingProfileTests(Backend.Postgres, postgres);
