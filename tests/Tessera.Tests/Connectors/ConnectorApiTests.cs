using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Clients;
using Tessera.Connectors;
using Tessera.Environments;
using Tessera.FinancialData;
using Tessera.Tests.DataApi;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Connectors;

/// <summary>
/// The self-hosted Connector over HTTP: the script, the page and its CSP, the page's calls with a session token, and
/// the SDK's institution search and resolvable check; each attack (another environment's connector, another
/// profile's connection, a revoked or expired token, an unknown connector, a disallowed origin) refused with a 4xx.
/// </summary>
public abstract class ConnectorApiTests(Backend backend, PostgresServer postgres) : GraphQLTestBase(backend, postgres)
{
    private const string AppOrigin = "https://app.example.com";

    private async Task<Connector> CreateConnectorAsync(string environmentId, string? allowedOrigins = null)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        var clients = scope.ServiceProvider.GetRequiredService<ClientAdmin>();
        var client = await clients.CreateAsync(environmentId, "app", AuthStrategy.Email, true, TestContext.Current.CancellationToken);
        client.AllowedOrigins = allowedOrigins;
        await clients.SaveAsync(TestContext.Current.CancellationToken);
        return (await scope.ServiceProvider.GetRequiredService<ConnectorAdmin>().CreateAsync(client.Id, null, TestContext.Current.CancellationToken))!;
    }

    private async Task<(string ProfileId, string Token)> SessionAsync(string? apiSecret = null)
    {
        var issued = await (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", apiSecret ?? ApiSecret, new { })).JsonAsync();
        return (issued.Str("userId"), issued.Str("token"));
    }

    private Task<HttpResponseMessage> GetAsync(string path, string? token = null, string? origin = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (origin is not null) request.Headers.Add("Origin", origin);
        return Server.Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string message)
    {
        Assert.Equal(status, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(message, body.Str("message"));
        Assert.False(string.IsNullOrEmpty(body.Str("instruction")));
    }

    [Fact]
    public async Task TheScriptDefinesWindowQuilttAndIsServedAsJavaScriptToAnyOrigin()
    {
        var response = await GetAsync("/v1/connector.js?agent=Quiltt%2F6.1.0", origin: AppOrigin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("cross-origin", response.Headers.GetValues("Cross-Origin-Resource-Policy").Single());
        var script = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("window.Quiltt = Quiltt", script);
        foreach (var api in new[] { "Quiltt.authenticate", "Quiltt.connect", "Quiltt.reconnect", "Quiltt.resetConnector", "Quiltt.reset" })
            Assert.Contains(api + " = function", script);
    }

    [Fact]
    public async Task ThePageIsStaticHtmlThatOnlyTheAllowedOriginMayFrame()
    {
        var connector = await CreateConnectorAsync(Environment.Id);

        var response = await GetAsync($"/v1/connectors/{connector.Id}/page?origin={Uri.EscapeDataString(AppOrigin)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains($"frame-ancestors {AppOrigin}", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        // No inline script, and nothing of the request in the markup.
        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain(connector.Id, html);
        Assert.DoesNotContain("example.com", html);
    }

    [Theory]
    [InlineData("")]
    [InlineData("https://app.example.com/")]
    [InlineData("https://app.example.com/path")]
    [InlineData("https://app.example.com; script-src *")]
    [InlineData("https://user@app.example.com")]
    [InlineData("javascript:alert(1)")]
    [InlineData("HTTPS://APP.EXAMPLE.COM")]
    [InlineData("https://app.example.com:443")]
    [InlineData("*")]
    public async Task APageOriginThatIsNotExactlyAnOriginIsABadRequest(string origin)
    {
        var connector = await CreateConnectorAsync(Environment.Id);

        var response = await GetAsync($"/v1/connectors/{connector.Id}/page?origin={Uri.EscapeDataString(origin)}");

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "Bad Request");
        Assert.False(response.Headers.Contains("Content-Security-Policy"));
    }

    [Fact]
    public async Task AnOriginTheClientDoesNotAllowCannotLoadThePageOutsideTheSandbox()
    {
        var (production, _, _) = await Server.CreateEnvironmentAsync(mode: EnvironmentMode.Production);
        var connector = await CreateConnectorAsync(production.Id, allowedOrigins: AppOrigin);

        await AssertErrorAsync(await GetAsync($"/v1/connectors/{connector.Id}/page?origin={Uri.EscapeDataString("https://evil.example.net")}"),
            HttpStatusCode.Forbidden, "Origin not allowed");
        Assert.Equal(HttpStatusCode.OK, (await GetAsync($"/v1/connectors/{connector.Id}/page?origin={Uri.EscapeDataString(AppOrigin)}")).StatusCode);

        var noOrigins = await CreateConnectorAsync(production.Id, allowedOrigins: null);
        await AssertErrorAsync(await GetAsync($"/v1/connectors/{noOrigins.Id}/page?origin={Uri.EscapeDataString(AppOrigin)}"),
            HttpStatusCode.Forbidden, "Origin not allowed");
    }

    [Fact]
    public async Task AnUnknownConnectorIsNotFoundEverywhere()
    {
        var (_, token) = await SessionAsync();
        const string unknown = "ctr_doesnotexist";

        await AssertErrorAsync(await GetAsync($"/v1/connectors/{unknown}/page?origin={Uri.EscapeDataString(AppOrigin)}"), HttpStatusCode.NotFound, "Connector not found");
        await AssertErrorAsync(await GetAsync($"/v1/connectors/{unknown}/session", token), HttpStatusCode.NotFound, "Connector not found");
        await AssertErrorAsync(await Server.SendAsync(HttpMethod.Post, $"/v1/connectors/{unknown}/connections", token, new { institution = MockBank.InstitutionId }), HttpStatusCode.NotFound, "Connector not found");
        await AssertErrorAsync(await GetAsync($"/v1/sdk/connectors/{unknown}/institutions?term=mock", token), HttpStatusCode.NotFound, "Connector not found");
        await AssertErrorAsync(await GetAsync($"/v1/sdk/connectors/{unknown}/resolvable?mock={MockBank.InstitutionId}", token), HttpStatusCode.NotFound, "Connector not found");
        await AssertErrorAsync(await GetAsync($"/v1/connectors/{new string('x', 300)}/session", token), HttpStatusCode.NotFound, "Connector not found");
    }

    [Fact]
    public async Task ASandboxSessionConnectsTheMockBankAndTheConnectionIsItsOwnInGraphQL()
    {
        var connector = await CreateConnectorAsync(Environment.Id);
        var (profileId, token) = await SessionAsync();

        var session = await (await GetAsync($"/v1/connectors/{connector.Id}/session", token)).JsonAsync();
        Assert.Equal((connector.Id, profileId, "SANDBOX"), (session.Str("connectorId"), session.Str("profileId"), session.Str("environmentMode")));
        var institution = Assert.Single(session.GetProperty("institutions").EnumerateArray());
        Assert.Equal((MockBank.InstitutionId, MockBank.InstitutionName), (institution.Str("id"), institution.Str("name")));
        Assert.EndsWith("/v1/connectors/assets/mock-bank.svg", institution.Str("logoUrl"));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(new Uri(institution.Str("logoUrl")).AbsolutePath)).StatusCode);

        var created = await Server.SendAsync(HttpMethod.Post, $"/v1/connectors/{connector.Id}/connections", token, new { institution = MockBank.InstitutionId });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.JsonAsync();
        Assert.Equal((connector.Id, profileId), (body.Str("connectorId"), body.Str("profileId")));
        var connectionId = body.Str("connectionId");

        var data = await QueryAsync(token, "query($id: ID!) { connection(id: $id) { id status institution { name } accounts { name } } }", new { id = connectionId });
        Assert.Equal(MockBank.InstitutionName, data.GetProperty("connection").GetProperty("institution").Str("name"));
        Assert.Equal(5, data.GetProperty("connection").GetProperty("accounts").GetArrayLength());

        // Connecting again is the same mock bank, not a copy; reconnecting it is allowed.
        var again = await (await Server.SendAsync(HttpMethod.Post, $"/v1/connectors/{connector.Id}/connections", token, new { institution = MockBank.InstitutionId })).JsonAsync();
        Assert.Equal(connectionId, again.Str("connectionId"));
        var reconnected = await Server.SendAsync(HttpMethod.Post, $"/v1/connectors/{connector.Id}/connections/{connectionId}/reconnect", token, new { });
        Assert.Equal(HttpStatusCode.OK, reconnected.StatusCode);
        Assert.Equal(connectionId, (await reconnected.JsonAsync()).Str("connectionId"));
        var withConnection = await (await GetAsync($"/v1/connectors/{connector.Id}/session?connectionId={connectionId}", token)).JsonAsync();
        Assert.Equal(MockBank.InstitutionName, withConnection.GetProperty("connection").Str("institutionName"));
    }

    [Fact]
    public async Task AnotherEnvironmentsConnectorIsNotFoundForThisSession()
    {
        var (other, otherSecret, _) = await Server.CreateEnvironmentAsync();
        var theirs = await CreateConnectorAsync(other.Id);
        var (_, token) = await SessionAsync();

        await AssertErrorAsync(await GetAsync($"/v1/connectors/{theirs.Id}/session", token), HttpStatusCode.NotFound, "Connector not found");
        await AssertErrorAsync(await Server.SendAsync(HttpMethod.Post, $"/v1/connectors/{theirs.Id}/connections", token, new { institution = MockBank.InstitutionId }), HttpStatusCode.NotFound, "Connector not found");
        await AssertErrorAsync(await GetAsync($"/v1/sdk/connectors/{theirs.Id}/institutions?term=mock", token), HttpStatusCode.NotFound, "Connector not found");
        await AssertErrorAsync(await GetAsync($"/v1/sdk/connectors/{theirs.Id}/resolvable?mock={MockBank.InstitutionId}", token), HttpStatusCode.NotFound, "Connector not found");
        Assert.Equal(0, await Server.WithDbAsync(db => db.Connections.CountAsync()));

        // The same connector works for a session of its own environment.
        var (_, theirToken) = await SessionAsync(otherSecret);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync($"/v1/connectors/{theirs.Id}/session", theirToken)).StatusCode);
    }

    [Fact]
    public async Task AProfileCannotReconnectOrReadAnotherProfilesConnection()
    {
        var connector = await CreateConnectorAsync(Environment.Id);
        var (_, ownerToken) = await SessionAsync();
        var connectionId = (await (await Server.SendAsync(HttpMethod.Post, $"/v1/connectors/{connector.Id}/connections", ownerToken, new { institution = MockBank.InstitutionId })).JsonAsync()).Str("connectionId");
        var (_, intruderToken) = await SessionAsync();

        await AssertErrorAsync(await Server.SendAsync(HttpMethod.Post, $"/v1/connectors/{connector.Id}/connections/{connectionId}/reconnect", intruderToken, new { }),
            HttpStatusCode.NotFound, "Connection not found");
        await AssertErrorAsync(await GetAsync($"/v1/connectors/{connector.Id}/session?connectionId={connectionId}", intruderToken), HttpStatusCode.NotFound, "Connection not found");
        await AssertErrorAsync(await Server.SendAsync(HttpMethod.Post, $"/v1/connectors/{connector.Id}/connections/conn_madeup/reconnect", ownerToken, new { }),
            HttpStatusCode.NotFound, "Connection not found");
    }

    [Fact]
    public async Task AnImportedConnectionCannotBeReconnectedThroughTheConnector()
    {
        var connector = await CreateConnectorAsync(Environment.Id);
        var seeded = await SeedProfileAsync(1);

        await AssertErrorAsync(await Server.SendAsync(HttpMethod.Post, $"/v1/connectors/{connector.Id}/connections/{seeded.ConnectionId}/reconnect", seeded.Token, new { }),
            HttpStatusCode.UnprocessableEntity, "Connection cannot be reconnected here");
    }

    [Fact]
    public async Task ARevokedOrExpiredTokenIsRefused()
    {
        var connector = await CreateConnectorAsync(Environment.Id);
        var (_, revoked) = await SessionAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, "/v1/users/session", revoked)).StatusCode);
        var (_, expiring) = await SessionAsync();

        foreach (var token in new[] { revoked, "not-a-token" })
        {
            await AssertErrorAsync(await GetAsync($"/v1/connectors/{connector.Id}/session", token), HttpStatusCode.Unauthorized, "Not Authenticated");
            await AssertErrorAsync(await Server.SendAsync(HttpMethod.Post, $"/v1/connectors/{connector.Id}/connections", token, new { institution = MockBank.InstitutionId }), HttpStatusCode.Unauthorized, "Not Authenticated");
            await AssertErrorAsync(await GetAsync($"/v1/sdk/connectors/{connector.Id}/institutions?term=mock", token), HttpStatusCode.Unauthorized, "Not Authenticated");
        }
        await AssertErrorAsync(await GetAsync($"/v1/connectors/{connector.Id}/session"), HttpStatusCode.Unauthorized, "Not Authenticated");

        Assert.Equal(HttpStatusCode.OK, (await GetAsync($"/v1/connectors/{connector.Id}/session", expiring)).StatusCode);
        Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        await AssertErrorAsync(await Server.SendAsync(HttpMethod.Post, $"/v1/connectors/{connector.Id}/connections", expiring, new { institution = MockBank.InstitutionId }), HttpStatusCode.Unauthorized, "Not Authenticated");
        Assert.Equal(0, await Server.WithDbAsync(db => db.Connections.CountAsync()));
    }

    [Fact]
    public async Task ProductionHasNoAggregatorSoTheConnectorConnectsNothing()
    {
        var (production, secret, _) = await Server.CreateEnvironmentAsync(mode: EnvironmentMode.Production);
        var connector = await CreateConnectorAsync(production.Id, AppOrigin);
        var (_, token) = await SessionAsync(secret);

        var session = await (await GetAsync($"/v1/connectors/{connector.Id}/session", token)).JsonAsync();
        Assert.Equal("PRODUCTION", session.Str("environmentMode"));
        Assert.Empty(session.GetProperty("institutions").EnumerateArray());
        await AssertErrorAsync(await Server.SendAsync(HttpMethod.Post, $"/v1/connectors/{connector.Id}/connections", token, new { institution = MockBank.InstitutionId }),
            HttpStatusCode.UnprocessableEntity, "No aggregator is configured");
        Assert.Empty((await (await GetAsync($"/v1/sdk/connectors/{connector.Id}/institutions?term=mock", token)).JsonAsync()).EnumerateArray());
        Assert.False((await (await GetAsync($"/v1/sdk/connectors/{connector.Id}/resolvable?mock={MockBank.InstitutionId}", token)).JsonAsync()).GetProperty("resolvable").GetBoolean());
        Assert.Equal(0, await Server.WithDbAsync(db => db.Connections.CountAsync()));
    }

    [Fact]
    public async Task ConnectingRefusesAnUnknownInstitutionAndABadBody()
    {
        var connector = await CreateConnectorAsync(Environment.Id);
        var (_, token) = await SessionAsync();
        var path = $"/v1/connectors/{connector.Id}/connections";

        await AssertErrorAsync(await Server.SendAsync(HttpMethod.Post, path, token, new { institution = "ins_nowhere" }), HttpStatusCode.UnprocessableEntity, "Institution not available");
        await AssertErrorAsync(await Server.SendAsync(HttpMethod.Post, path, token, new { institution = 42 }), HttpStatusCode.UnprocessableEntity, "Institution not available");
        await AssertErrorAsync(await Server.SendAsync(HttpMethod.Post, path, token, rawBody: "{not json"), HttpStatusCode.BadRequest, "Malformed JSON");
        await AssertErrorAsync(await Server.SendAsync(HttpMethod.Post, path, token, rawBody: "[]"), HttpStatusCode.BadRequest, "Request body must be a JSON object");
        Assert.Equal(0, await Server.WithDbAsync(db => db.Connections.CountAsync()));
    }

    [Fact]
    public async Task InstitutionSearchAnswersTheSdksShapeFromTheDirectory()
    {
        var connector = await CreateConnectorAsync(Environment.Id);
        var (_, token) = await SessionAsync();

        var found = await GetAsync($"/v1/sdk/connectors/{connector.Id}/institutions?term=mock%20BANK", token, origin: AppOrigin);
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal(AppOrigin, found.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var institution = Assert.Single((await found.JsonAsync()).EnumerateArray());
        Assert.Equal(MockBank.InstitutionName, institution.Str("name"));
        Assert.StartsWith("http", institution.Str("logoUrl"));
        Assert.Empty((await (await GetAsync($"/v1/sdk/connectors/{connector.Id}/institutions?term=Chase", token)).JsonAsync()).EnumerateArray());

        foreach (var bad in new[] { "", "?term=", "?term=a", "?term=%20%20a%20", "?term=" + new string('a', 101) })
            await AssertErrorAsync(await GetAsync($"/v1/sdk/connectors/{connector.Id}/institutions{bad}", token), HttpStatusCode.BadRequest, "Bad Request");
    }

    [Fact]
    public async Task ResolvableSaysWhetherAProvidersInstitutionCanBeConnected()
    {
        var connector = await CreateConnectorAsync(Environment.Id);
        var (_, token) = await SessionAsync();
        async Task<bool> ResolvableAsync(string query) =>
            (await (await GetAsync($"/v1/sdk/connectors/{connector.Id}/resolvable?{query}", token)).JsonAsync()).GetProperty("resolvable").GetBoolean();

        Assert.True(await ResolvableAsync($"mock={MockBank.InstitutionId}"));
        Assert.False(await ResolvableAsync("mock=ins_other"));
        Assert.False(await ResolvableAsync("plaid=ins_3"));
        Assert.False(await ResolvableAsync("mx=chase"));

        foreach (var bad in new[] { "", "mock=", "other=ins_1", $"mock={MockBank.InstitutionId}&plaid=ins_3", "mock=a&mock=b" })
            await AssertErrorAsync(await GetAsync($"/v1/sdk/connectors/{connector.Id}/resolvable?{bad}", token), HttpStatusCode.BadRequest, "Bad Request");
    }

    [Fact]
    public async Task TheSdkEndpointsAnswerABrowserPreflight()
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/v1/sdk/connectors/ctr_x/institutions?term=mo");
        request.Headers.Add("Origin", AppOrigin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "authorization, quiltt-sdk-agent");

        var response = await Server.Http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(AppOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task OnlyTheConnectorsOwnAssetsAreServed()
    {
        foreach (var file in new[] { "page.js", "page.css", "mock-bank.svg" })
            Assert.Equal(HttpStatusCode.OK, (await GetAsync($"/v1/connectors/assets/{file}")).StatusCode);
        foreach (var file in new[] { "page.html", "connector.js", "..%2Fappsettings.json", "nothing.js" })
            await AssertErrorAsync(await GetAsync($"/v1/connectors/assets/{file}"), HttpStatusCode.NotFound, "File not found");
    }
}

public sealed class ConnectorApiTestsOnSqlite(PostgresServer postgres) : ConnectorApiTests(Backend.Sqlite, postgres);
public sealed class ConnectorApiTestsOnPostgres(PostgresServer postgres) : ConnectorApiTests(Backend.Postgres, postgres);
