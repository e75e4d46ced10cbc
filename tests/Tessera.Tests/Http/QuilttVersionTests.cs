using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Http;

/// <summary>
/// <c>Quiltt-Version</c>: a known version is accepted and echoed, no header is answered as 2026-04-01, anything else is a
/// 400 with the error body before any endpoint runs; every response names its version, errors included.
/// </summary>
public abstract class QuilttVersionTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? version, string? bearer = null, object? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (version is not null) request.Headers.TryAddWithoutValidation("Quiltt-Version", version);
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (json is not null) request.Content = JsonContent.Create(json);
        return Server.Http.SendAsync(request);
    }

    private static string Version(HttpResponseMessage response) => response.Headers.GetValues("Quiltt-Version").Single();

    [Fact]
    public async Task WithoutTheHeaderEveryAnswerNamesTheCurrentVersionErrorsIncluded()
    {
        var answers = new[]
        {
            await SendAsync(HttpMethod.Get, "/v1/profiles", null, ApiSecret),                 // 200
            await SendAsync(HttpMethod.Get, "/v1/profiles", null),                            // 401
            await SendAsync(HttpMethod.Get, "/v1/profiles/p_nobody", null, ApiSecret),        // 404 from the endpoint
            await SendAsync(HttpMethod.Get, "/v1/nowhere", null),                              // 404 from routing
            await SendAsync(HttpMethod.Get, "/v1/profiles?page=0", null, ApiSecret),          // 400
            await SendAsync(HttpMethod.Post, "/v1/profiles", null, ApiSecret, new { email = "not an email" }), // 422
        };
        Assert.Equal([200, 401, 404, 404, 400, 422], answers.Select(a => (int)a.StatusCode));
        Assert.All(answers, a => Assert.Equal("2026-04-01", Version(a)));
    }

    [Theory]
    [InlineData("2024-01-01")]
    [InlineData("2025-04-01")]
    [InlineData("2026-04-01")]
    public async Task AKnownVersionIsAcceptedAndEchoed(string version)
    {
        var created = await SendAsync(HttpMethod.Post, "/v1/profiles", version, ApiSecret, new { name = "Versioned" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(version, Version(created));
        var refused = await SendAsync(HttpMethod.Get, "/v1/users/session", version, "not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(version, Version(refused));
    }

    [Theory]
    [InlineData("2023-01-01")]
    [InlineData("2027-01-01")]
    [InlineData("latest")]
    [InlineData("2026-04-01, 2025-04-01")]
    public async Task AnUnknownVersionIsA400WithTheErrorBodyAndNothingRuns(string version)
    {
        var response = await SendAsync(HttpMethod.Post, "/v1/profiles", version, ApiSecret, new { name = "Unversioned" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("2026-04-01", Version(response));
        var body = await response.JsonAsync();
        Assert.Equal("Bad Request", body.Str("message"));
        Assert.Contains("2026-04-01", body.Str("instruction"));
        Assert.Equal(0, await Server.WithDbAsync(db => Task.FromResult(db.Profiles.Count(p => p.EnvironmentId == Environment.Id))));
    }

    [Fact]
    public async Task IntrospectingAnApiKeyNamesTheVersionItIsAnsweredWith()
    {
        var body = await (await SendAsync(HttpMethod.Post, "/v1/introspect/api_key", null, ApiSecret)).JsonAsync();
        Assert.Equal("2026-04-01", body.Str("apiVersion"));
    }

    [Fact]
    public async Task BrowsersMaySendTheHeaderAndReadTheAnswers()
    {
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/users/session");
        preflight.Headers.Add("Origin", "https://app.example.com");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        var answer = await Server.Http.SendAsync(preflight, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Contains("quiltt-version", answer.Headers.GetValues("Access-Control-Allow-Headers").Single());

        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/users/session");
        request.Headers.Add("Origin", "https://app.example.com");
        var exposed = (await Server.Http.SendAsync(request, TestContext.Current.CancellationToken)).Headers.GetValues("Access-Control-Expose-Headers").Single();
        Assert.Contains("Quiltt-Version", exposed);
    }
}

public sealed class QuilttVersionTestsOnSqlite(PostgresServer postgres) : QuilttVersionTests(Backend.Sqlite, postgres);
public sealed class QuilttVersionTestsOnPostgres(PostgresServer postgres) : QuilttVersionTests(Backend.Postgres, postgres);
