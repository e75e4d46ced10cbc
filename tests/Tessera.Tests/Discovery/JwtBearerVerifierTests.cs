using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Buffers.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tessera.ApiKeys;
using Tessera.Environments;
using Tessera.Sessions;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Discovery;

/// <summary>
/// A customer's API verifying Tessera's ES256 tokens with ASP.NET Core's stock JwtBearer, configured as the README
/// says: the environment's issuer as Authority, the audience, and (on loopback only) plain-HTTP metadata. It reaches
/// Tessera's discovery document and JWKS over HTTP and never calls Tessera per token.
/// </summary>
public abstract class JwtBearerVerifierTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    private const string BaseUrl = "http://127.0.0.1:5080";

    private async Task<(TesseraEnvironment Environment, string ApiSecret)> CreateEnvironmentAsync()
    {
        await using var scope = Server.Services.CreateAsyncScope();
        var ct = TestContext.Current.CancellationToken;
        var environment = await scope.ServiceProvider.GetRequiredService<EnvironmentAdmin>().CreateAsync("env-" + Guid.NewGuid().ToString("N")[..8], EnvironmentMode.Sandbox, ct, JwsAlgorithm.ES256);
        var key = await scope.ServiceProvider.GetRequiredService<ApiKeyAdmin>().CreateAsync(environment.Id, "test", ct);
        return (environment, key.Secret);
    }

    private async Task<string> IssueAsync(string apiSecret)
    {
        var response = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", apiSecret, new { email = $"{Guid.NewGuid():N}@example.com" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).Str("token");
    }

    /// <summary>The customer's API: one endpoint that answers the token's subject.</summary>
    private async Task<WebApplication> StartApiAsync(string environmentId)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.Authority = $"{BaseUrl}/environments/{environmentId}";
            options.Audience = $"{BaseUrl}/v1";
            options.RequireHttpsMetadata = false;
            // Tessera here is an in-memory test server: the backchannel reaches it without a socket.
            options.BackchannelHttpHandler = Server.CreateHandler();
            options.MapInboundClaims = false;
        });
        builder.Services.AddAuthorization();
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/whoami", (HttpContext http) => http.User.FindFirst("sub")!.Value).RequireAuthorization();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }

    private static async Task<(HttpStatusCode Status, string Body)> CallAsync(WebApplication api, string token)
    {
        using var client = api.GetTestClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    private static JsonObject Claims(string token) => JsonNode.Parse(Base64Url.DecodeFromChars(token.Split('.')[1]))!.AsObject();

    [Fact]
    public async Task JwtBearerWithTheEnvironmentAsAuthorityAcceptsItsTokensAndRefusesTamperedExpiredAndOtherEnvironmentOnes()
    {
        // The customer's API checks lifetimes against the real clock: issue on it.
        Clock.Set(DateTimeOffset.UtcNow);
        var (environment, secret) = await CreateEnvironmentAsync();
        var (_, otherSecret) = await CreateEnvironmentAsync();
        await using var api = await StartApiAsync(environment.Id);

        var token = await IssueAsync(secret);
        var accepted = await CallAsync(api, token);
        Assert.Equal(HttpStatusCode.OK, accepted.Status);
        Assert.Equal(Claims(token)["sub"]!.GetValue<string>(), accepted.Body);

        var parts = token.Split('.');
        var tampered = Claims(token);
        tampered["sub"] = "p_someoneelse";
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(api, parts[0] + "." + Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(tampered.ToJsonString())) + "." + parts[2])).Status);

        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(api, await IssueAsync(otherSecret))).Status);
        // An HS512 token of Tessera's default environment: no published key, refused.
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(api, await IssueAsync(ApiSecret))).Status);

        // Issued two days ago with the default 24-hour lifetime: expired beyond JwtBearer's 5-minute skew.
        Clock.Set(DateTimeOffset.UtcNow.AddDays(-2));
        var expired = await IssueAsync(secret);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(api, expired)).Status);
    }

    [Fact]
    public async Task JwtBearerAcceptsTokensOfANewKeyAfterARotation()
    {
        Clock.Set(DateTimeOffset.UtcNow);
        var (environment, secret) = await CreateEnvironmentAsync();
        await using var api = await StartApiAsync(environment.Id);
        var before = await IssueAsync(secret);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(api, before)).Status);

        await using (var scope = Server.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<EnvironmentAdmin>().RotateKeyAsync(environment.Id, TimeSpan.FromHours(1), TestContext.Current.CancellationToken);
        var after = await IssueAsync(secret);
        Assert.NotEqual(before.Split('.')[0], after.Split('.')[0]);
        // JwtBearer asks for fresh metadata when a token names a key it does not know, in the background: the request
        // that notices may be refused, later ones pass. Bounded: it either gets there within a few tries or fails.
        var refused = 0;
        while ((await CallAsync(api, after)).Status != HttpStatusCode.OK)
        {
            Assert.True(++refused < 100, "JwtBearer never picked up the rotated key.");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(api, before)).Status);
    }
}

public sealed class JwtBearerVerifierTestsOnSqlite(PostgresServer postgres) : JwtBearerVerifierTests(Backend.Sqlite, postgres);
public sealed class JwtBearerVerifierTestsOnPostgres(PostgresServer postgres) : JwtBearerVerifierTests(Backend.Postgres, postgres);
