using System.Net;
using System.Text.Json;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Sessions;

public abstract class ServerSideSessionFlowTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    private async Task<JsonElement> IssueAsync(object body)
    {
        var response = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.JsonAsync();
    }

    [Fact]
    public async Task IssuingForNoUserCreatesAProfileAndReturnsTheDocumentedFields()
    {
        var session = await IssueAsync(new { email = "  Ada@Example.COM " });

        Assert.True(Guid.TryParse(session.Str("id"), out _));
        Assert.StartsWith("p_", session.Str("userId"));
        Assert.Equal(24, session.Str("userId").Length);
        Assert.True(Guid.TryParse(session.Str("userUuid"), out _));
        Assert.Equal(Environment.Id, session.Str("environmentId"));
        var expiration = session.GetProperty("expiration").GetInt64();
        Assert.Equal(Clock.GetUtcNow().AddHours(24).ToUnixTimeSeconds(), expiration);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(expiration), session.GetProperty("expiresAt").GetDateTimeOffset());

        var profile = await (await Server.SendAsync(HttpMethod.Get, $"/v1/profiles/{session.Str("userId")}", ApiSecret)).JsonAsync();
        Assert.Equal("ada@example.com", profile.Str("email"));
    }

    [Fact]
    public async Task IssuingForACustomerUuidCreatesThenFindsTheSameProfile()
    {
        var uuid = Guid.NewGuid().ToString();
        var first = await IssueAsync(new { userId = uuid, name = "Ada" });
        var second = await IssueAsync(new { userId = uuid });
        var third = await IssueAsync(new { uuid });

        Assert.Equal(uuid, first.Str("userUuid"));
        Assert.Equal(first.Str("userId"), second.Str("userId"));
        Assert.Equal(first.Str("userId"), third.Str("userId"));
        Assert.NotEqual(first.Str("id"), second.Str("id"));
        var count = await Server.WithDbAsync(db => Task.FromResult(db.Profiles.Count(p => p.EnvironmentId == Environment.Id)));
        Assert.Equal(1, count);
    }

    [Fact]
    public async Task IssuingForAnExistingProfileIdAppliesTheAttributes()
    {
        var created = await IssueAsync(new { email = "grace@example.com" });
        await IssueAsync(new
        {
            userId = created.Str("userId"),
            phone = "+1 (555) 555-0100",
            names = new { first = "Grace", last = "Hopper" },
            dateOfBirth = "1906-12-09",
            address = new { line1 = "1 Navy Way", city = "Arlington", state = "VA", postalCode = "22201", countryCode = "us" },
            metadata = new { plan = "gold", tier = 2 },
        });

        var profile = await (await Server.SendAsync(HttpMethod.Get, $"/v1/profiles/{created.Str("userId")}", ApiSecret)).JsonAsync();
        Assert.Equal("grace@example.com", profile.Str("email"));
        Assert.Equal("+15555550100", profile.Str("phone"));
        Assert.Equal("Grace Hopper", profile.GetProperty("names").Str("full"));
        Assert.Equal("1906-12-09", profile.Str("dateOfBirth"));
        Assert.Equal("US", profile.GetProperty("address").Str("countryCode"));
        Assert.Equal("gold", profile.GetProperty("metadata").Str("plan"));
    }

    [Fact]
    public async Task IssuingForAnUnknownProfileIdReturns404AndCreatesNothing()
    {
        var response = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { userId = "p_doesNotExist0000000000", email = "x@example.com" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Profile not found", (await response.JsonAsync()).Str("message"));
        Assert.Equal(0, await Server.WithDbAsync(db => Task.FromResult(db.Profiles.Count())));
    }

    [Fact]
    public async Task TheWholeFlowIssueIntrospectDescribeRevokeThenEveryEndpointRefusesTheToken()
    {
        var issued = await IssueAsync(new { email = "flow@example.com" });
        var token = issued.Str("token");

        var described = await Server.SendAsync(HttpMethod.Get, "/v1/users/session", token);
        Assert.Equal(HttpStatusCode.OK, described.StatusCode);
        var body = await described.JsonAsync();
        foreach (var field in new[] { "id", "token", "userId", "userUuid", "environmentId" }) Assert.Equal(issued.Str(field), body.Str(field));
        Assert.Equal(issued.GetProperty("expiration").GetInt64(), body.GetProperty("expiration").GetInt64());

        var introspected = await Server.SendAsync(HttpMethod.Post, "/v1/introspect/session_token", token);
        Assert.Equal(HttpStatusCode.OK, introspected.StatusCode);
        Assert.Equal(issued.Str("id"), (await introspected.JsonAsync()).Str("id"));

        var revoked = await Server.SendAsync(HttpMethod.Delete, "/v1/users/session", token);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);

        foreach (var (method, path) in new[] { (HttpMethod.Get, "/v1/users/session"), (HttpMethod.Post, "/v1/introspect/session_token"), (HttpMethod.Delete, "/v1/users/session") })
        {
            var refused = await Server.SendAsync(method, path, token);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            var error = await refused.JsonAsync();
            Assert.Equal("Not Authenticated", error.Str("message"));
            Assert.False(string.IsNullOrEmpty(error.Str("instruction")));
        }
        var row = await Server.WithDbAsync(db => Task.FromResult(db.Sessions.Single(s => s.Id == Guid.Parse(issued.Str("id")))));
        Assert.NotNull(row.RevokedAt);
    }

    [Fact]
    public async Task RevokingOneSessionLeavesTheProfilesOtherSessionsValid()
    {
        var first = await IssueAsync(new { email = "two@example.com" });
        var second = await IssueAsync(new { userId = first.Str("userId") });

        await Server.SendAsync(HttpMethod.Delete, "/v1/users/session", first.Str("token"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", first.Str("token"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", second.Str("token"))).StatusCode);
    }

    [Fact]
    public async Task APayloadSegmentNeverHoldsCharactersTheSdkCannotDecode()
    {
        for (var i = 0; i < 30; i++)
        {
            var token = (await IssueAsync(new { uuid = Guid.NewGuid() })).Str("token");
            Assert.Matches(@"^(?:[\w-]+\.){2}[\w-]+$", token);
            var payload = token.Split('.')[1];
            Assert.DoesNotContain('-', payload);
            Assert.DoesNotContain('_', payload);
            Assert.DoesNotContain('=', payload);
            var claims = JsonDocument.Parse(Convert.FromBase64String(payload.PadRight((payload.Length + 3) / 4 * 4, '='))).RootElement;
            Assert.Equal(2, claims.GetProperty("ver").GetInt32());
            Assert.Equal(Environment.Id, claims.Str("eid"));
            Assert.Equal(ApiKeyId, claims.Str("did"));
            Assert.Equal(claims.Str("sub"), claims.Str("uid"));
            Assert.True(claims.GetProperty("exp").GetInt64() > claims.GetProperty("iat").GetInt64());
        }
    }

    [Fact]
    public async Task IntrospectingAnApiKeyDescribesItAndItsEnvironment()
    {
        var response = await Server.SendAsync(HttpMethod.Post, "/v1/introspect/api_key", ApiSecret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(ApiKeyId, body.Str("id"));
        Assert.Equal("test", body.Str("name"));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("metadata").ValueKind);
        Assert.Equal(Environment.Id, body.GetProperty("environment").Str("id"));
        Assert.Equal("SANDBOX", body.GetProperty("environment").Str("mode"));
    }

    [Fact]
    public async Task ARevokedApiKeyIsRefused()
    {
        await Server.WithDbAsync(async db =>
        {
            var key = db.ApiKeys.Single(k => k.Id == ApiKeyId);
            key.RevokedAt = Clock.GetUtcNow().UtcDateTime;
            return await db.SaveChangesAsync();
        });

        var response = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ConcurrentIssuanceForOneNewCustomerUuidCreatesOneProfile()
    {
        var uuid = Guid.NewGuid();
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { uuid })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var userIds = await Task.WhenAll(responses.Select(async r => (await r.JsonAsync()).Str("userId")));
        Assert.Single(userIds.Distinct());
    }
}

public sealed class ServerSideSessionFlowTestsOnSqlite(PostgresServer postgres) : ServerSideSessionFlowTests(Backend.Sqlite, postgres);
public sealed class ServerSideSessionFlowTestsOnPostgres(PostgresServer postgres) : ServerSideSessionFlowTests(Backend.Postgres, postgres);
