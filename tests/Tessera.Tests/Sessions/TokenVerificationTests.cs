using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Environments;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Sessions;

public abstract class TokenVerificationTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    private async Task<(string Token, JsonObject Header, JsonObject Claims, byte[] Key)> IssueAsync()
    {
        var response = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { email = $"{Guid.NewGuid():N}@example.com" });
        var token = (await response.JsonAsync()).Str("token");
        var parts = token.Split('.');
        var header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!.AsObject();
        var claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!.AsObject();
        var key = await Server.Services.GetRequiredService<SigningKeyRing>().FindAsync(header["kid"]!.GetValue<string>(), TestContext.Current.CancellationToken);
        return (token, header, claims, key!.Key);
    }

    private static string Forge(JsonObject header, JsonObject claims, byte[]? key, string alg = "HS512")
    {
        var input = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        if (key is null) return input + ".";
        var data = Encoding.ASCII.GetBytes(input);
        var signature = alg == "HS256" ? HMACSHA256.HashData(key, data) : HMACSHA512.HashData(key, data);
        return input + "." + Base64Url.EncodeToString(signature);
    }

    private async Task AssertRefusedAsync(string token)
    {
        var response = await Server.SendAsync(HttpMethod.Get, "/v1/users/session", token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Not Authenticated", (await response.JsonAsync()).Str("message"));
    }

    private async Task AssertAcceptedAsync(string token) =>
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", token)).StatusCode);

    [Fact]
    public async Task AReSignedCopyOfAValidTokenIsAcceptedSoTheForgeryTestsBelowMeanSomething()
    {
        var (_, header, claims, key) = await IssueAsync();
        await AssertAcceptedAsync(Forge(header, claims, key));
    }

    [Fact]
    public async Task APaddedSpellingOrAClaimNamedTwiceIsRefused()
    {
        var (token, header, claims, key) = await IssueAsync();
        await AssertRefusedAsync(token + "=");
        // A second sub, signed with the real key: parsers disagree on which one counts, so neither does.
        var input = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString())) + "."
            + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()[..^1] + ",\"sub\":\"p_someone_else\"}"));
        await AssertRefusedAsync(input + "." + Base64Url.EncodeToString(HMACSHA512.HashData(key, Encoding.ASCII.GetBytes(input))));
    }

    [Fact]
    public async Task ATamperedPayloadIsRefused()
    {
        var (token, _, claims, _) = await IssueAsync();
        claims["exp"] = claims["exp"]!.GetValue<long>() + 86400;
        var parts = token.Split('.');
        await AssertRefusedAsync(parts[0] + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString())) + "." + parts[2]);
    }

    [Fact]
    public async Task ATokenSignedWithAnotherKeyIsRefused()
    {
        var (_, header, claims, _) = await IssueAsync();
        await AssertRefusedAsync(Forge(header, claims, RandomNumberGenerator.GetBytes(64)));
    }

    [Fact]
    public async Task ATokenSignedWithAnotherEnvironmentsKeyIsRefused()
    {
        var (_, header, claims, _) = await IssueAsync();
        var (other, otherSecret, _) = await Server.CreateEnvironmentAsync();
        var otherToken = (await (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", otherSecret, new { })).JsonAsync()).Str("token");
        var otherHeader = JsonNode.Parse(Base64Url.DecodeFromChars(otherToken.Split('.')[0]))!.AsObject();
        var otherKey = (await Server.Services.GetRequiredService<SigningKeyRing>().FindAsync(otherHeader["kid"]!.GetValue<string>(), TestContext.Current.CancellationToken))!.Key;

        // Our claims (eid of the first environment) signed with the other environment's key, named by its kid.
        await AssertRefusedAsync(Forge(otherHeader, claims, otherKey));
        // The other environment's key and eid, but naming a profile of the first environment: still refused.
        claims["eid"] = other.Id;
        await AssertRefusedAsync(Forge(otherHeader, claims, otherKey));
        await AssertAcceptedAsync(otherToken);
        _ = header;
    }

    [Theory]
    [InlineData("none")]
    [InlineData("HS256")]
    [InlineData("RS256")]
    [InlineData("ES256")]
    [InlineData("hs512")]
    public async Task TokensWithAnotherAlgorithmAreRefused(string alg)
    {
        var (_, header, claims, key) = await IssueAsync();
        header["alg"] = alg;
        await AssertRefusedAsync(Forge(header, claims, alg == "none" ? null : key, alg == "HS256" ? "HS256" : "HS512"));
    }

    [Theory]
    [InlineData("jku", "https://evil.example/keys")]
    [InlineData("x5u", "https://evil.example/cert")]
    [InlineData("crit", "exp")]
    public async Task HeadersThatPointAtOtherKeysAreRefused(string name, string value)
    {
        var (_, header, claims, key) = await IssueAsync();
        header[name] = value;
        await AssertRefusedAsync(Forge(header, claims, key));
    }

    [Theory]
    [InlineData("iss", "https://evil.example")]
    [InlineData("aud", "someone-else")]
    public async Task AWrongIssuerOrAudienceIsRefusedEvenWhenSignedWithTheRightKey(string claim, string value)
    {
        var (_, header, claims, key) = await IssueAsync();
        claims[claim] = value;
        await AssertRefusedAsync(Forge(header, claims, key));
    }

    [Fact]
    public async Task ATokenWithoutAKidOrWithAnUnknownKidIsRefused()
    {
        var (_, header, claims, key) = await IssueAsync();
        header["kid"] = "key_unknown000000000000000";
        await AssertRefusedAsync(Forge(header, claims, key));
        header.Remove("kid");
        await AssertRefusedAsync(Forge(header, claims, key));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("a.b")]
    [InlineData("..")]
    [InlineData("eyJhbGciOiJIUzUxMiJ9.eyJ9.")]
    [InlineData("e30.e30.e30")]
    [InlineData("####.$$$$.%%%%")]
    public async Task GarbageTokensGet401NotAnError(string token) => await AssertRefusedAsync(token);

    [Fact]
    public async Task AnOversizedTokenGets401()
    {
        var (token, _, _, _) = await IssueAsync();
        await AssertRefusedAsync(token + new string('A', 5000));
    }

    [Fact]
    public async Task TokenExpiryHoldsToTheSecondBeyondTheAllowedSkew()
    {
        var (token, _, claims, _) = await IssueAsync();
        var exp = claims["exp"]!.GetValue<long>();
        const int skew = 10;

        Clock.Set(DateTimeOffset.FromUnixTimeSeconds(exp + skew - 1));
        await AssertAcceptedAsync(token);
        Clock.Set(DateTimeOffset.FromUnixTimeSeconds(exp + skew));
        await AssertRefusedAsync(token);
    }

    [Fact]
    public async Task ANotYetValidTokenIsRefusedUntilItsNotBeforeLessTheSkew()
    {
        var (_, header, claims, key) = await IssueAsync();
        var nbf = Clock.GetUtcNow().ToUnixTimeSeconds() + 600;
        claims["nbf"] = nbf;
        var token = Forge(header, claims, key);
        const int skew = 10;

        Clock.Set(DateTimeOffset.FromUnixTimeSeconds(nbf - skew - 1));
        await AssertRefusedAsync(token);
        Clock.Set(DateTimeOffset.FromUnixTimeSeconds(nbf - skew));
        await AssertAcceptedAsync(token);
    }

    [Fact]
    public async Task ATokenOfADeletedProfileIsRefused()
    {
        var (token, _, claims, key) = await IssueAsync();
        var profileId = claims["sub"]!.GetValue<string>();

        var deleted = await Server.SendAsync(HttpMethod.Delete, $"/v1/profiles/{profileId}", ApiSecret);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        await AssertRefusedAsync(token);
        // Even a token for that profile that was never recorded as a session (forged with the real key) is dead.
        claims["jti"] = Guid.NewGuid().ToString();
        var header = JsonNode.Parse(Base64Url.DecodeFromChars(token.Split('.')[0]))!.AsObject();
        await AssertRefusedAsync(Forge(header, claims, key));
    }

    [Fact]
    public async Task AMissingOrMalformedAuthorizationHeaderGets401WithTheErrorBody()
    {
        foreach (var header in new[] { null, "", "Bearer", "Bearer ", "Basic abc", "bearer" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/v1/users/session");
            if (header is not null) request.Headers.TryAddWithoutValidation("Authorization", header);
            var response = await Server.Http.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("Not Authenticated", (await response.JsonAsync()).Str("message"));
        }
    }

    [Fact]
    public async Task ASessionTokenIsNotAnApiKeyAndAnApiKeyIsNotASessionToken()
    {
        var (token, _, _, _) = await IssueAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", token, new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", ApiSecret)).StatusCode);
    }
}

public sealed class TokenVerificationTestsOnSqlite(PostgresServer postgres) : TokenVerificationTests(Backend.Sqlite, postgres);
public sealed class TokenVerificationTestsOnPostgres(PostgresServer postgres) : TokenVerificationTests(Backend.Postgres, postgres);
