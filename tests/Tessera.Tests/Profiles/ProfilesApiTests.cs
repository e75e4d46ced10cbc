using System.Net;
using System.Text.Json;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Profiles;

public abstract class ProfilesApiTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    [Fact]
    public async Task AProfileCanBeCreatedReadByIdOrUuidUpdatedAndDeleted()
    {
        var uuid = Guid.NewGuid();
        var created = await Server.SendAsync(HttpMethod.Post, "/v1/profiles", ApiSecret, new { uuid, email = "crud@example.com", name = "Crud" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var profile = await created.JsonAsync();
        var id = profile.Str("id");
        Assert.Equal($"/v1/profiles/{id}", created.Headers.Location?.ToString());

        Assert.Equal(id, (await (await Server.SendAsync(HttpMethod.Get, $"/v1/profiles/{uuid}", ApiSecret)).JsonAsync()).Str("id"));

        var patched = await Server.SendAsync(HttpMethod.Patch, $"/v1/profiles/{id}", ApiSecret, new { name = (string?)null, names = new { first = "Cee" } });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var after = await patched.JsonAsync();
        Assert.Equal(JsonValueKind.Null, after.GetProperty("name").ValueKind);
        Assert.Equal("Cee", after.GetProperty("names").Str("first"));
        Assert.Equal("crud@example.com", after.Str("email"));
        Assert.Equal(after.Str("updatedAt"), after.Str("at")); // Quiltt's "most recently known state"

        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, $"/v1/profiles/{id}", ApiSecret)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Server.SendAsync(HttpMethod.Get, $"/v1/profiles/{id}", ApiSecret)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Server.SendAsync(HttpMethod.Delete, $"/v1/profiles/{id}", ApiSecret)).StatusCode);
    }

    [Fact]
    public async Task PatchMergesMetadataAsTheGraphQLMutationDoes()
    {
        var id = (await (await Server.SendAsync(HttpMethod.Post, "/v1/profiles", ApiSecret, new { metadata = new { tier = "gold", source = "web" } })).JsonAsync()).Str("id");

        // Keys sent merge into what is stored; a key sent as null is deleted; the others stay.
        var merged = await Server.SendAsync(HttpMethod.Patch, $"/v1/profiles/{id}", ApiSecret, new { metadata = new Dictionary<string, object?> { ["source"] = null, ["plan"] = 2 } });
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        Assert.Equal("""{"tier":"gold","plan":2}""", (await merged.JsonAsync()).GetProperty("metadata").GetRawText());

        // An update without metadata leaves it alone.
        var named = await (await Server.SendAsync(HttpMethod.Patch, $"/v1/profiles/{id}", ApiSecret, new { name = "Dee" })).JsonAsync();
        Assert.Equal("""{"tier":"gold","plan":2}""", named.GetProperty("metadata").GetRawText());

        // At most 50 keys after the merge: refused whole, nothing stored.
        var many = Enumerable.Range(0, 49).ToDictionary(i => $"k{i}", i => (object?)i);
        var over = await Server.SendAsync(HttpMethod.Patch, $"/v1/profiles/{id}", ApiSecret, new { metadata = many });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, over.StatusCode);
        Assert.Contains("at most 50 keys", await over.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var stored = await (await Server.SendAsync(HttpMethod.Get, $"/v1/profiles/{id}", ApiSecret)).JsonAsync();
        Assert.Equal("""{"tier":"gold","plan":2}""", stored.GetProperty("metadata").GetRawText());

        // metadata: null clears it.
        var cleared = await (await Server.SendAsync(HttpMethod.Patch, $"/v1/profiles/{id}", ApiSecret, new { metadata = (object?)null })).JsonAsync();
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("metadata").ValueKind);
    }

    [Fact]
    public async Task AUuidCannotBeChangedOrReused()
    {
        var uuid = Guid.NewGuid();
        var id = (await (await Server.SendAsync(HttpMethod.Post, "/v1/profiles", ApiSecret, new { uuid })).JsonAsync()).Str("id");

        Assert.Equal(HttpStatusCode.Conflict, (await Server.SendAsync(HttpMethod.Post, "/v1/profiles", ApiSecret, new { uuid })).StatusCode);
        var patch = await Server.SendAsync(HttpMethod.Patch, $"/v1/profiles/{id}", ApiSecret, new { uuid = Guid.NewGuid() });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, patch.StatusCode);
        Assert.True((await patch.JsonAsync()).TryGetProperty("uuid", out _));
    }

    [Fact]
    public async Task DeletingAProfileRevokesAllItsSessions()
    {
        var first = await (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { })).JsonAsync();
        var second = await (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { userId = first.Str("userId") })).JsonAsync();

        await Server.SendAsync(HttpMethod.Delete, $"/v1/profiles/{first.Str("userId")}", ApiSecret);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", first.Str("token"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", second.Str("token"))).StatusCode);
    }

    [Fact]
    public async Task PatchingWithAnEmptyBodyIsABadRequest()
    {
        var id = (await (await Server.SendAsync(HttpMethod.Post, "/v1/profiles", ApiSecret, new { })).JsonAsync()).Str("id");
        Assert.Equal(HttpStatusCode.BadRequest, (await Server.SendAsync(HttpMethod.Patch, $"/v1/profiles/{id}", ApiSecret)).StatusCode);
    }

    [Fact]
    public async Task HealthAndReadinessAnswer()
    {
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Get, "/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Get, "/readyz")).StatusCode);
        var openApi = await Server.SendAsync(HttpMethod.Get, "/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        var document = await openApi.JsonAsync();
        Assert.True(document.GetProperty("paths").TryGetProperty("/v1/users/sessions", out _));
    }
}

public sealed class ProfilesApiTestsOnSqlite(PostgresServer postgres) : ProfilesApiTests(Backend.Sqlite, postgres);
public sealed class ProfilesApiTestsOnPostgres(PostgresServer postgres) : ProfilesApiTests(Backend.Postgres, postgres);
