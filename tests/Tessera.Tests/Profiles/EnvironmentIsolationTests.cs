using System.Net;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Profiles;

public abstract class EnvironmentIsolationTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    [Fact]
    public async Task AKeyOfOneEnvironmentCanNeverSeeOrTouchProfilesOfAnother()
    {
        var (_, otherSecret, _) = await Server.CreateEnvironmentAsync();
        var uuid = Guid.NewGuid();
        var theirs = await (await Server.SendAsync(HttpMethod.Post, "/v1/profiles", otherSecret, new { uuid, email = "theirs@example.com" })).JsonAsync();
        var theirId = theirs.Str("id");

        foreach (var path in new[] { $"/v1/profiles/{theirId}", $"/v1/profiles/{uuid}" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Server.SendAsync(HttpMethod.Get, path, ApiSecret)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await Server.SendAsync(HttpMethod.Patch, path, ApiSecret, new { name = "Mallory" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await Server.SendAsync(HttpMethod.Delete, path, ApiSecret)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { userId = theirId })).StatusCode);

        var listed = await Server.SendAsync(HttpMethod.Get, "/v1/profiles", ApiSecret);
        Assert.Equal(0, (await listed.JsonAsync()).GetArrayLength());
        Assert.Equal("0", listed.Headers.GetValues("Total-Count").Single());

        // Their uuid, used here, keys a new profile of this environment and leaves theirs alone.
        var mine = await (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { userId = uuid.ToString(), email = "theirs@example.com" })).JsonAsync();
        Assert.NotEqual(theirId, mine.Str("userId"));
        var unchanged = await (await Server.SendAsync(HttpMethod.Get, $"/v1/profiles/{theirId}", otherSecret)).JsonAsync();
        Assert.Equal("theirs@example.com", unchanged.Str("email"));
        Assert.Equal(JsonNull, unchanged.GetProperty("name").ValueKind);
    }

    private const System.Text.Json.JsonValueKind JsonNull = System.Text.Json.JsonValueKind.Null;

    [Fact]
    public async Task TheSameEmailMayBelongToOneProfileInEachEnvironment()
    {
        var (_, otherSecret, _) = await Server.CreateEnvironmentAsync();
        Assert.Equal(HttpStatusCode.Created, (await Server.SendAsync(HttpMethod.Post, "/v1/profiles", ApiSecret, new { email = "same@example.com" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Server.SendAsync(HttpMethod.Post, "/v1/profiles", otherSecret, new { email = "same@example.com" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Server.SendAsync(HttpMethod.Post, "/v1/profiles", ApiSecret, new { email = "SAME@example.com" })).StatusCode);
    }
}

public sealed class EnvironmentIsolationTestsOnSqlite(PostgresServer postgres) : EnvironmentIsolationTests(Backend.Sqlite, postgres);
public sealed class EnvironmentIsolationTestsOnPostgres(PostgresServer postgres) : EnvironmentIsolationTests(Backend.Postgres, postgres);
