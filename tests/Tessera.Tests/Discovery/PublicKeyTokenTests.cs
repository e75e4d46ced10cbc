using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tessera.ApiKeys;
using Tessera.Environments;
using Tessera.Sessions;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Discovery;

/// <summary>ES256 environments: their tokens, their JWKS and discovery documents, rotation, and the attacks on them.</summary>
public abstract class PublicKeyTokenTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    private const string BaseUrl = "http://127.0.0.1:5080";

    protected async Task<(TesseraEnvironment Environment, string ApiSecret)> CreateEnvironmentAsync(JwsAlgorithm algorithm)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        var ct = TestContext.Current.CancellationToken;
        var environment = await scope.ServiceProvider.GetRequiredService<EnvironmentAdmin>().CreateAsync("env-" + Guid.NewGuid().ToString("N")[..8], EnvironmentMode.Sandbox, ct, algorithm);
        var key = await scope.ServiceProvider.GetRequiredService<ApiKeyAdmin>().CreateAsync(environment.Id, "test", ct);
        return (environment, key.Secret);
    }

    protected async Task<string> IssueAsync(string apiSecret)
    {
        var response = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", apiSecret, new { email = $"{Guid.NewGuid():N}@example.com" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).Str("token");
    }

    private async Task<HttpStatusCode> DescribeAsync(string token) => (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", token)).StatusCode;

    private static JsonObject Segment(string token, int index) => JsonNode.Parse(Base64Url.DecodeFromChars(token.Split('.')[index]))!.AsObject();

    private static string Encode(JsonObject json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json.ToJsonString()));

    private async Task<JsonElement> JwksAsync(string path)
    {
        var response = await Server.SendAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    /// <summary>The set's key ids, sorted (the order of a key set means nothing).</summary>
    private static string[] Kids(JsonElement jwks) => jwks.GetProperty("keys").EnumerateArray().Select(k => k.Str("kid")).Order(StringComparer.Ordinal).ToArray();

    private static string[] Sorted(params string[] ids) => ids.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Signs header and claims with an environment key Tessera holds, for tokens Tessera itself would never issue.</summary>
    private async Task<string> SignWithKeyAsync(string kid, JsonObject header, JsonObject claims)
    {
        var key = await Server.Services.GetRequiredService<SigningKeyRing>().FindAsync(kid, TestContext.Current.CancellationToken);
        var input = Encode(header) + "." + Encode(claims);
        var signature = new byte[64];
        key!.Signature!.Sign(Encoding.ASCII.GetBytes(input), signature);
        return input + "." + Base64Url.EncodeToString(signature);
    }

    [Fact]
    public async Task AnES256EnvironmentIssuesES256TokensNamingItsOwnIssuerThatTesseraAccepts()
    {
        var (environment, secret) = await CreateEnvironmentAsync(JwsAlgorithm.ES256);
        var token = await IssueAsync(secret);
        var header = Segment(token, 0);
        var claims = Segment(token, 1);
        Assert.Equal("ES256", header["alg"]!.GetValue<string>());
        Assert.Equal($"{BaseUrl}/environments/{environment.Id}", claims["iss"]!.GetValue<string>());
        Assert.Equal($"{BaseUrl}/v1", claims["aud"]!.GetValue<string>());
        Assert.Equal(environment.Id, claims["eid"]!.GetValue<string>());
        // What the SDK does with the payload: atob, which refuses base64url's - and _.
        Assert.DoesNotContain('-', token.Split('.')[1]);
        Assert.DoesNotContain('_', token.Split('.')[1]);
        Assert.Equal(HttpStatusCode.OK, await DescribeAsync(token));

        // An HS512 environment keeps Quiltt's shape: the configured issuer, HS512.
        var hs512 = await IssueAsync(ApiSecret);
        Assert.Equal("HS512", Segment(hs512, 0)["alg"]!.GetValue<string>());
        Assert.Equal(BaseUrl, Segment(hs512, 1)["iss"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheJwksListsTheEnvironmentsPublicKeyAndVerifiesItsTokens()
    {
        var (environment, secret) = await CreateEnvironmentAsync(JwsAlgorithm.ES256);
        var token = await IssueAsync(secret);
        var jwks = await JwksAsync($"/environments/{environment.Id}/.well-known/jwks.json");
        var jwk = Assert.Single(jwks.GetProperty("keys").EnumerateArray());
        Assert.Equal("EC", jwk.Str("kty"));
        Assert.Equal("P-256", jwk.Str("crv"));
        Assert.Equal("ES256", jwk.Str("alg"));
        Assert.Equal("sig", jwk.Str("use"));
        Assert.Equal(Segment(token, 0)["kid"]!.GetValue<string>(), jwk.Str("kid"));
        Assert.False(jwk.TryGetProperty("d", out _));

        // The published key, and nothing else, verifies the token.
        using var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars(jwk.Str("x")), Y = Base64Url.DecodeFromChars(jwk.Str("y")) },
        });
        var parts = token.Split('.');
        Assert.True(ecdsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256));
    }

    [Fact]
    public async Task HS512KeysNeverAppearInAnyJwks()
    {
        var (es256, _) = await CreateEnvironmentAsync(JwsAlgorithm.ES256);
        var hs512Kid = Segment(await IssueAsync(ApiSecret), 0)["kid"]!.GetValue<string>();
        Assert.Empty(Kids(await JwksAsync($"/environments/{Environment.Id}/.well-known/jwks.json")));
        var es256Kid = Assert.Single(Kids(await JwksAsync($"/environments/{es256.Id}/.well-known/jwks.json")));
        Assert.NotEqual(hs512Kid, es256Kid);
    }

    [Fact]
    public async Task NoJwksHoldsEveryEnvironmentsKeysSoAVerifierCannotBeGivenOne()
    {
        // A verifier trusting one set of all environments' keys would take a SANDBOX token for a PRODUCTION one.
        await CreateEnvironmentAsync(JwsAlgorithm.ES256);
        Assert.Equal(HttpStatusCode.NotFound, (await Server.SendAsync(HttpMethod.Get, "/.well-known/jwks.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Server.SendAsync(HttpMethod.Get, "/.well-known/openid-configuration")).StatusCode);
    }

    [Fact]
    public async Task TheDiscoveryDocumentNamesTheEnvironmentsIssuerAndJwks()
    {
        var (environment, _) = await CreateEnvironmentAsync(JwsAlgorithm.ES256);
        var response = await Server.SendAsync(HttpMethod.Get, $"/environments/{environment.Id}/.well-known/openid-configuration");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.JsonAsync();
        Assert.Equal($"{BaseUrl}/environments/{environment.Id}", document.Str("issuer"));
        Assert.Equal($"{BaseUrl}/environments/{environment.Id}/.well-known/jwks.json", document.Str("jwks_uri"));
        Assert.Contains("ES256", document.GetProperty("id_token_signing_alg_values_supported").EnumerateArray().Select(a => a.GetString()));
    }

    [Theory]
    [InlineData("/environments/env_doesnotexist/.well-known/jwks.json")]
    [InlineData("/environments/env_doesnotexist/.well-known/openid-configuration")]
    [InlineData("/environments/%27%3B--/.well-known/jwks.json")]
    [InlineData("/environments/%27%3B--/.well-known/openid-configuration")]
    public async Task AnUnknownOrMalformedEnvironmentGetsA404WithTheErrorBody(string path)
    {
        var response = await Server.SendAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("Environment not found", body.Str("message"));
        Assert.False(string.IsNullOrEmpty(body.Str("instruction")));
    }

    [Fact]
    public async Task TheJwksIsCacheableBrieflyAndRevalidatesWithItsETag()
    {
        var (environment, _) = await CreateEnvironmentAsync(JwsAlgorithm.ES256);
        var path = $"/environments/{environment.Id}/.well-known/jwks.json";
        var first = await Server.SendAsync(HttpMethod.Get, path);
        Assert.Equal("application/jwk-set+json", first.Content.Headers.ContentType!.MediaType);
        Assert.True(first.Headers.CacheControl!.Public);
        Assert.Equal(TimeSpan.FromSeconds(300), first.Headers.CacheControl.MaxAge);
        var etag = first.Headers.ETag!;

        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await Server.Http.SendAsync(request, TestContext.Current.CancellationToken)).StatusCode);

        // A rotation changes the set and so its tag, at once (the cache is dropped with the keys).
        await using (var scope = Server.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<EnvironmentAdmin>().RotateKeyAsync(environment.Id, TimeSpan.FromHours(1), TestContext.Current.CancellationToken);
        var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(etag);
        var changed = await Server.Http.SendAsync(again, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
    }

    [Fact]
    public async Task RotationKeepsOldTokensValidUntilRetirementAndTheJwksShowsIt()
    {
        var (environment, secret) = await CreateEnvironmentAsync(JwsAlgorithm.ES256);
        var old = await IssueAsync(secret);
        var oldKid = Segment(old, 0)["kid"]!.GetValue<string>();
        SigningKey fresh;
        await using (var scope = Server.Services.CreateAsyncScope())
            fresh = await scope.ServiceProvider.GetRequiredService<EnvironmentAdmin>().RotateKeyAsync(environment.Id, TimeSpan.FromHours(1), TestContext.Current.CancellationToken);
        Assert.Equal("ES256", fresh.Algorithm);

        var path = $"/environments/{environment.Id}/.well-known/jwks.json";
        Assert.Equal(Sorted(oldKid, fresh.Id), Kids(await JwksAsync(path)));
        var current = await IssueAsync(secret);
        Assert.Equal(fresh.Id, Segment(current, 0)["kid"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, await DescribeAsync(old));
        Assert.Equal(HttpStatusCode.OK, await DescribeAsync(current));

        // One second before retirement the old key still verifies; at retirement it does not, and leaves the JWKS.
        Clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, await DescribeAsync(old));
        Clock.Advance(TimeSpan.FromSeconds(1));
        // What the caches' own expiry does within seconds (they run on real timestamps, not the fake clock).
        Server.Services.GetRequiredService<SigningKeyRing>().Forget(environment.Id);
        Assert.Equal(HttpStatusCode.Unauthorized, await DescribeAsync(old));
        Assert.Equal(HttpStatusCode.OK, await DescribeAsync(current));
        Assert.Equal([fresh.Id], Kids(await JwksAsync(path)));
    }

    [Fact]
    public async Task AKeyPublishedAheadOfActivationIsInTheJwksBeforeItSigns()
    {
        var (environment, secret) = await CreateEnvironmentAsync(JwsAlgorithm.ES256);
        var oldKid = Segment(await IssueAsync(secret), 0)["kid"]!.GetValue<string>();
        SigningKey next;
        await using (var scope = Server.Services.CreateAsyncScope())
            next = await scope.ServiceProvider.GetRequiredService<EnvironmentAdmin>().RotateKeyAsync(environment.Id, TimeSpan.FromHours(1), TestContext.Current.CancellationToken,
                activateAfter: TimeSpan.FromMinutes(10));
        Assert.Equal(Sorted(oldKid, next.Id), Kids(await JwksAsync($"/environments/{environment.Id}/.well-known/jwks.json")));
        Assert.Equal(oldKid, Segment(await IssueAsync(secret), 0)["kid"]!.GetValue<string>());

        Clock.Advance(TimeSpan.FromMinutes(10));
        Server.Services.GetRequiredService<SigningKeyRing>().Forget(environment.Id);
        Assert.Equal(next.Id, Segment(await IssueAsync(secret), 0)["kid"]!.GetValue<string>());
    }

    [Fact]
    public async Task RotatingAnHS512EnvironmentToES256KeepsItsHS512TokensUntilRetirement()
    {
        var old = await IssueAsync(ApiSecret);
        await using (var scope = Server.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<EnvironmentAdmin>().RotateKeyAsync(Environment.Id, TimeSpan.FromHours(1), TestContext.Current.CancellationToken, JwsAlgorithm.ES256);
        var fresh = await IssueAsync(ApiSecret);
        Assert.Equal("ES256", Segment(fresh, 0)["alg"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, await DescribeAsync(old));
        Assert.Equal(HttpStatusCode.OK, await DescribeAsync(fresh));
        // The HS512 key stays secret even while it verifies.
        Assert.Equal([Segment(fresh, 0)["kid"]!.GetValue<string>()], Kids(await JwksAsync($"/environments/{Environment.Id}/.well-known/jwks.json")));

        Clock.Advance(TimeSpan.FromHours(1));
        Server.Services.GetRequiredService<SigningKeyRing>().Forget(Environment.Id);
        Assert.Equal(HttpStatusCode.Unauthorized, await DescribeAsync(old));
        Assert.Equal(HttpStatusCode.OK, await DescribeAsync(fresh));
    }

    [Fact]
    public async Task AnHS512TokenMacedWithThePublishedPublicKeyIsRefused()
    {
        var (environment, secret) = await CreateEnvironmentAsync(JwsAlgorithm.ES256);
        var token = await IssueAsync(secret);
        var jwksText = await (await Server.SendAsync(HttpMethod.Get, $"/environments/{environment.Id}/.well-known/jwks.json")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var jwk = JsonNode.Parse(jwksText)!["keys"]![0]!;
        using var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars(jwk["x"]!.GetValue<string>()), Y = Base64Url.DecodeFromChars(jwk["y"]!.GetValue<string>()) },
        });
        // Every form an attacker might guess the verifier uses as an HMAC secret.
        byte[][] secrets = [ecdsa.ExportSubjectPublicKeyInfo(), Encoding.UTF8.GetBytes(ecdsa.ExportSubjectPublicKeyInfoPem()), Encoding.UTF8.GetBytes(jwk.ToJsonString())];
        var claims = Segment(token, 1);
        foreach (var alg in new[] { "HS512", "HS256" })
        {
            foreach (var key in secrets)
            {
                var header = Segment(token, 0);
                header["alg"] = alg;
                var input = Encode(header) + "." + Encode(claims);
                var data = Encoding.ASCII.GetBytes(input);
                var forged = input + "." + Base64Url.EncodeToString(alg == "HS256" ? HMACSHA256.HashData(key, data) : HMACSHA512.HashData(key, data));
                Assert.Equal(HttpStatusCode.Unauthorized, await DescribeAsync(forged));
            }
        }
    }

    [Fact]
    public async Task AlgNoneAndAnUnsignedES256TokenAreRefused()
    {
        var (_, secret) = await CreateEnvironmentAsync(JwsAlgorithm.ES256);
        var token = await IssueAsync(secret);
        var parts = token.Split('.');
        foreach (var alg in new[] { "none", "None", "ES384", "RS256", "PS256" })
        {
            var header = Segment(token, 0);
            header["alg"] = alg;
            Assert.Equal(HttpStatusCode.Unauthorized, await DescribeAsync(Encode(header) + "." + parts[1] + "."));
            Assert.Equal(HttpStatusCode.Unauthorized, await DescribeAsync(Encode(header) + "." + parts[1] + "." + parts[2]));
        }
        // A signature of the wrong length, or all zeros.
        Assert.Equal(HttpStatusCode.Unauthorized, await DescribeAsync(parts[0] + "." + parts[1] + "." + parts[2][..40]));
        Assert.Equal(HttpStatusCode.Unauthorized, await DescribeAsync(parts[0] + "." + parts[1] + "." + Base64Url.EncodeToString(new byte[64])));
    }

    [Fact]
    public async Task ATamperedES256TokenIsRefused()
    {
        var (_, secret) = await CreateEnvironmentAsync(JwsAlgorithm.ES256);
        var token = await IssueAsync(secret);
        var parts = token.Split('.');
        var claims = Segment(token, 1);
        claims["sub"] = "p_someoneelse";
        Assert.Equal(HttpStatusCode.Unauthorized, await DescribeAsync(parts[0] + "." + Encode(claims) + "." + parts[2]));
        var signature = Base64Url.DecodeFromChars(parts[2]);
        signature[10] ^= 1;
        Assert.Equal(HttpStatusCode.Unauthorized, await DescribeAsync(parts[0] + "." + parts[1] + "." + Base64Url.EncodeToString(signature)));
    }

    [Fact]
    public async Task AKeyOfAnotherEnvironmentCannotSpeakForThisOne()
    {
        var (mine, mySecret) = await CreateEnvironmentAsync(JwsAlgorithm.ES256);
        var (theirs, theirSecret) = await CreateEnvironmentAsync(JwsAlgorithm.ES256);
        var myToken = await IssueAsync(mySecret);
        var theirKid = Segment(await IssueAsync(theirSecret), 0)["kid"]!.GetValue<string>();

        // Their key signing my claims (my eid, my issuer): refused.
        var header = Segment(myToken, 0);
        header["kid"] = theirKid;
        Assert.Equal(HttpStatusCode.Unauthorized, await DescribeAsync(await SignWithKeyAsync(theirKid, header, Segment(myToken, 1))));
        // Their key, their eid, but my issuer: refused.
        var claims = Segment(myToken, 1);
        claims["eid"] = theirs.Id;
        Assert.Equal(HttpStatusCode.Unauthorized, await DescribeAsync(await SignWithKeyAsync(theirKid, header, claims)));
        // My token with their kid in the header: refused.
        var parts = myToken.Split('.');
        Assert.Equal(HttpStatusCode.Unauthorized, await DescribeAsync(Encode(header) + "." + parts[1] + "." + parts[2]));
        // And my environment's JWKS does not hold their key.
        Assert.DoesNotContain(theirKid, Kids(await JwksAsync($"/environments/{mine.Id}/.well-known/jwks.json")));
    }

    [Fact]
    public async Task AnES256TokenIsRefusedOnceExpiredAndAcceptedOneSecondBefore()
    {
        var (_, secret) = await CreateEnvironmentAsync(JwsAlgorithm.ES256);
        var token = await IssueAsync(secret);
        var exp = Segment(token, 1)["exp"]!.GetValue<long>();
        // The default skew is 10 seconds.
        Clock.Set(DateTimeOffset.FromUnixTimeSeconds(exp + 10 - 1));
        Assert.Equal(HttpStatusCode.OK, await DescribeAsync(token));
        Clock.Set(DateTimeOffset.FromUnixTimeSeconds(exp + 10));
        Assert.Equal(HttpStatusCode.Unauthorized, await DescribeAsync(token));
    }

    [Fact]
    public async Task RevokingAnES256SessionStopsItAtTesseraAndAtIntrospection()
    {
        var (_, secret) = await CreateEnvironmentAsync(JwsAlgorithm.ES256);
        var token = await IssueAsync(secret);
        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, "/v1/users/session", token)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await DescribeAsync(token));
        var introspect = new HttpRequestMessage(HttpMethod.Post, "/v1/introspect/session_token");
        introspect.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.Http.SendAsync(introspect, TestContext.Current.CancellationToken)).StatusCode);
    }
}

public sealed class PublicKeyTokenTestsOnSqlite(PostgresServer postgres) : PublicKeyTokenTests(Backend.Sqlite, postgres);
public sealed class PublicKeyTokenTestsOnPostgres(PostgresServer postgres) : PublicKeyTokenTests(Backend.Postgres, postgres);
