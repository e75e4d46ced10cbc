using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Environments;
using Tessera.SelfSigned;
using Tessera.Sessions;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Sessions;

/// <summary>
/// Token times at the edges of int64 and of JSON numbers: whoever holds a signing secret (or, for Tessera's own
/// tokens, the key) chooses them. Every such token is a 401 with the error body on every endpoint, never a 500 and
/// never a token that does not expire.
/// </summary>
public abstract class TokenTimeBoundsTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    /// <summary>
    /// The <c>iat</c>, <c>nbf</c> and <c>exp</c> members as raw JSON (so numbers JSON allows and .NET cannot hold can be
    /// written), with <c>{now}</c> replaced by the server's current time in seconds.
    /// </summary>
    public static readonly string[] EdgeTimes =
    [
        // The token: iat - skew and exp + skew land exactly on int64's edges.
        """ "iat": -9223372036854775798, "exp": 9223372036854775797 """,
        """ "iat": -9223372036854775808, "exp": 9223372036854775807 """,
        """ "iat": {now}, "exp": 9223372036854775797 """,
        """ "iat": {now}, "exp": 9223372036854775807 """,
        """ "iat": 9223372036854775800, "exp": 9223372036854775807 """,
        """ "iat": -1, "exp": {now+3600} """,
        """ "iat": {now}, "nbf": -1, "exp": {now+3600} """,
        """ "iat": {now}, "nbf": -9223372036854775808, "exp": {now+3600} """,
        """ "iat": {now}, "nbf": 9223372036854775807, "exp": {now+3600} """,
        """ "iat": {now}, "exp": {now-1} """,
        """ "iat": {now}, "exp": {now} """,
        // Past year 9999 (what DateTimeOffset can hold) while the lifetime stays short.
        """ "iat": 253402300800, "exp": 253402304400 """,
        // Not integers: beyond int64, fractions, exponent notation, strings, other types.
        """ "iat": {now}, "exp": 9223372036854775808 """,
        """ "iat": -9223372036854775809, "exp": {now+3600} """,
        """ "iat": {now}, "exp": 1e400 """,
        """ "iat": {now}, "exp": -1e400 """,
        """ "iat": {now}, "exp": {now+3600}.5 """,
        """ "iat": {now}, "exp": {now+3600}.0 """,
        """ "iat": {now}, "exp": 1.7e9 """,
        """ "iat": {now}, "exp": "{now+3600}" """,
        """ "iat": "{now}", "exp": {now+3600} """,
        """ "iat": {now}, "exp": null """,
        """ "iat": {now}, "exp": [{now+3600}] """,
        """ "iat": {now}, "exp": {"value": {now+3600}} """,
        """ "iat": {now}, "exp": true """,
    ];

    private string Times(string template)
    {
        var now = Clock.GetUtcNow().ToUnixTimeSeconds();
        return template.Replace("{now+3600}", (now + 3600).ToString()).Replace("{now-1}", (now - 1).ToString()).Replace("{now}", now.ToString());
    }

    private static string Sign(string headerJson, string claimsJson, byte[] key, string alg)
    {
        var input = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(headerJson)) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claimsJson));
        var data = Encoding.ASCII.GetBytes(input);
        return input + "." + Base64Url.EncodeToString(alg == "HS256" ? HMACSHA256.HashData(key, data) : HMACSHA512.HashData(key, data));
    }

    private async Task<(string Id, byte[] Key, string Uid)> SelfSignedSetupAsync()
    {
        await using var scope = Server.Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<SigningSecretAdmin>().CreateAsync(Environment.Id, TestContext.Current.CancellationToken);
        var profile = await (await Server.SendAsync(HttpMethod.Post, "/v1/profiles", ApiSecret, new { uuid = Guid.NewGuid() })).JsonAsync();
        return (created.Secret.Id, Encoding.UTF8.GetBytes(created.Value), profile.Str("id"));
    }

    /// <summary>A token Tessera issued, its header, its other claims as JSON members, and its environment's key.</summary>
    private async Task<(string HeaderJson, string OtherClaims, byte[] Key)> OwnTokenSetupAsync()
    {
        var issued = await (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { email = $"{Guid.NewGuid():N}@example.com" })).JsonAsync();
        var parts = issued.Str("token").Split('.');
        var header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!.AsObject();
        var claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!.AsObject();
        claims.Remove("iat");
        claims.Remove("nbf");
        claims.Remove("exp");
        var key = await Server.Services.GetRequiredService<SigningKeyRing>().FindAsync(header["kid"]!.GetValue<string>(), TestContext.Current.CancellationToken);
        var members = claims.ToJsonString();
        return (header.ToJsonString(), members[1..^1], key!.Key);
    }

    /// <summary>The token is refused, with the documented error body, by GraphQL and by GET and DELETE /v1/users/session.</summary>
    private async Task AssertRefusedEverywhereAsync(string token, string because)
    {
        var graphql = new HttpRequestMessage(HttpMethod.Post, "/v1/graphql") { Content = JsonContent.Create(new { query = "{ profile { id } }" }) };
        graphql.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var responses = new (string Endpoint, HttpResponseMessage Response)[]
        {
            ("POST /v1/graphql", await Server.Http.SendAsync(graphql)),
            ("GET /v1/users/session", await Server.SendAsync(HttpMethod.Get, "/v1/users/session", token)),
            ("DELETE /v1/users/session", await Server.SendAsync(HttpMethod.Delete, "/v1/users/session", token)),
        };
        foreach (var (endpoint, response) in responses)
        {
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{endpoint} answered {(int)response.StatusCode} to {because}: {await response.Content.ReadAsStringAsync()}");
            var body = await response.JsonAsync();
            Assert.Equal("Not Authenticated", body.Str("message"));
            Assert.False(string.IsNullOrEmpty(body.Str("instruction")));
        }
    }

    private void StartAtRealTime() => Clock.Set(DateTimeOffset.UtcNow);

    // One server for the whole table (a row is a few requests, a server start is not): each failure names its row.
    [Fact]
    public async Task ASelfSignedTokenWithTimesOutOfRangeIsRefusedWith401Everywhere()
    {
        StartAtRealTime();
        var (id, key, uid) = await SelfSignedSetupAsync();
        foreach (var times in EdgeTimes)
        foreach (var alg in new[] { "HS256", "HS512" })
        {
            var claims = $$"""{"uid": "{{uid}}", "jti": "{{Guid.NewGuid()}}", {{Times(times)}}}""";
            await AssertRefusedEverywhereAsync(Sign($$"""{"alg":"{{alg}}","typ":"JWT","kid":"{{id}}"}""", claims, key, alg), $"{alg} {claims}");
        }
    }

    [Fact]
    public async Task ATesseraSignedTokenWithTimesOutOfRangeIsRefusedWith401Everywhere()
    {
        StartAtRealTime();
        var (header, others, key) = await OwnTokenSetupAsync();
        foreach (var times in EdgeTimes)
        {
            // Tessera's own tokens always carry nbf; a row without one gets nbf = iat, as the issuer writes it.
            var members = Times(times);
            if (!members.Contains("\"nbf\"")) members += ", " + members.Trim().Split(',')[0].Replace("\"iat\"", "\"nbf\"");
            var claims = $"{{{others}, {members}}}";
            await AssertRefusedEverywhereAsync(Sign(header, claims, key, "HS512"), claims);
        }
    }

    [Fact]
    public async Task TokensAtTheEdgesOfTheRangeStillWorkSoTheBoundsRefuseOnlyWhatTheyShould()
    {
        StartAtRealTime();
        var (id, key, uid) = await SelfSignedSetupAsync();
        var now = Clock.GetUtcNow().ToUnixTimeSeconds();
        var day = (long)SelfSignedClaims.MaxLifetime.TotalSeconds;
        var header = $$"""{"alg":"HS256","typ":"JWT","kid":"{{id}}"}""";
        var fullDay = Sign(header, $$"""{"uid": "{{uid}}", "iat": {{now}}, "nbf": {{now}}, "exp": {{now + day}}}""", key, "HS256");
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", fullDay)).StatusCode);
        var overADay = Sign(header, $$"""{"uid": "{{uid}}", "iat": {{now}}, "exp": {{now + day + 1}}}""", key, "HS256");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", overADay)).StatusCode);

        // At the latest time the rule allows, a token issued then still verifies (and describes itself without overflow).
        Clock.Set(DateTimeOffset.FromUnixTimeSeconds(TokenTimes.MaxSeconds - day));
        now = Clock.GetUtcNow().ToUnixTimeSeconds();
        var jti = Guid.NewGuid().ToString();
        var latest = Sign(header, $$"""{"uid": "{{uid}}", "jti": "{{jti}}", "iat": {{now}}, "exp": {{TokenTimes.MaxSeconds}}}""", key, "HS256");
        var described = await Server.SendAsync(HttpMethod.Get, "/v1/users/session", latest);
        Assert.Equal(HttpStatusCode.OK, described.StatusCode);
        Assert.Equal(TokenTimes.MaxSeconds, (await described.JsonAsync()).GetProperty("expiration").GetInt64());
        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, "/v1/users/session", latest)).StatusCode);
        var beyond = Sign(header, $$"""{"uid": "{{uid}}", "iat": {{now + 1}}, "exp": {{TokenTimes.MaxSeconds + 1}}}""", key, "HS256");
        await AssertRefusedEverywhereAsync(beyond, "exp one second past the bound");
    }

    [Theory]
    [InlineData(-9223372036854775798, 0, 9223372036854775797)]
    [InlineData(long.MinValue, long.MinValue, long.MaxValue)]
    [InlineData(0, long.MaxValue, 3600)]
    [InlineData(TokenTimes.MaxSeconds, TokenTimes.MaxSeconds, TokenTimes.MaxSeconds + 1)]
    [InlineData(-1, -1, 3600)]
    public void TheTimeRuleRefusesOutOfRangeValuesBeforeAnyArithmetic(long iat, long nbf, long exp)
    {
        foreach (var now in new[] { 0L, 1_800_000_000L, TokenTimes.MaxSeconds, long.MaxValue, long.MinValue })
            Assert.NotEqual(TokenRejection.None, TokenTimes.Check(iat, nbf, exp, now, 300, 86_400));
    }
}

public sealed class TokenTimeBoundsTestsOnSqlite(PostgresServer postgres) : TokenTimeBoundsTests(Backend.Sqlite, postgres);
public sealed class TokenTimeBoundsTestsOnPostgres(PostgresServer postgres) : TokenTimeBoundsTests(Backend.Postgres, postgres);
