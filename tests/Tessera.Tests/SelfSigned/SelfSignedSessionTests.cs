using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Examples;
using Tessera.SelfSigned;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.SelfSigned;

public abstract class SelfSignedSessionTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    private async Task<(string Id, string Secret)> CreateSecretAsync(string? environmentId = null)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<SigningSecretAdmin>().CreateAsync(environmentId ?? Environment.Id, TestContext.Current.CancellationToken);
        return (created.Secret.Id, created.Value);
    }

    private async Task<JsonNode> NewProfileAsync(string? secret = null) =>
        JsonNode.Parse(await (await Server.SendAsync(HttpMethod.Post, "/v1/profiles", secret ?? ApiSecret, new { uuid = Guid.NewGuid() })).Content.ReadAsStringAsync())!;

    private Task<HttpResponseMessage> DescribeAsync(string token, TesseraInstance? server = null) =>
        (server ?? Server).SendAsync(HttpMethod.Get, "/v1/users/session", token);

    /// <summary>Signs arbitrary header and claims with the secret, for the attacks the example would never make.</summary>
    private static string Forge(JsonObject header, JsonObject claims, string secret, string alg = "HS512")
    {
        var input = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var key = Encoding.UTF8.GetBytes(secret);
        var data = Encoding.ASCII.GetBytes(input);
        return input + "." + Base64Url.EncodeToString(alg == "HS256" ? HMACSHA256.HashData(key, data) : HMACSHA512.HashData(key, data));
    }

    private JsonObject Claims(string uid, TimeSpan lifetime, string? jti = null)
    {
        var now = Clock.GetUtcNow().ToUnixTimeSeconds();
        var claims = new JsonObject { ["uid"] = uid, ["iat"] = now, ["exp"] = now + (long)lifetime.TotalSeconds };
        if (jti is not null) claims["jti"] = jti;
        return claims;
    }

    public SelfSignedSessionTests Start()
    {
        // The README example reads the real clock; the server's fake clock starts there too.
        Clock.Set(DateTimeOffset.UtcNow);
        return this;
    }

    [Fact]
    public async Task TheReadmeExampleMintsATokenAcceptedWhereverASessionTokenIs()
    {
        Start();
        var (id, secret) = await CreateSecretAsync();
        var profile = await NewProfileAsync();

        foreach (var uid in new[] { profile["id"]!.GetValue<string>(), profile["uuid"]!.GetValue<string>() })
        {
            var token = SelfSignedToken.Mint(id, secret, uid, TimeSpan.FromHours(1), tokenId: "order-" + Guid.NewGuid());
            var response = await DescribeAsync(token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.JsonAsync();
            Assert.Equal(profile["id"]!.GetValue<string>(), body.Str("userId"));
            Assert.StartsWith("order-", body.Str("id"));
            Assert.Equal(Environment.Id, body.Str("environmentId"));
        }
    }

    [Fact]
    public async Task HS256IsAcceptedForSelfSignedTokensButNotForTesserasOwn()
    {
        Start();
        var (id, secret) = await CreateSecretAsync();
        var uid = (await NewProfileAsync())["id"]!.GetValue<string>();
        var header = new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = id };
        Assert.Equal(HttpStatusCode.OK, (await DescribeAsync(Forge(header, Claims(uid, TimeSpan.FromHours(1)), secret, "HS256"))).StatusCode);
    }

    [Fact]
    public async Task RevokingByJtiKillsThatTokenOnlyAndATokenWithoutJtiCannotBeRevokedAlone()
    {
        Start();
        var (id, secret) = await CreateSecretAsync();
        var uid = (await NewProfileAsync())["id"]!.GetValue<string>();
        var first = SelfSignedToken.Mint(id, secret, uid, TimeSpan.FromHours(1), "a");
        var second = SelfSignedToken.Mint(id, secret, uid, TimeSpan.FromHours(1), "b");
        var anonymous = SelfSignedToken.Mint(id, secret, uid, TimeSpan.FromHours(1));

        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, "/v1/users/session", first)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await DescribeAsync(first)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await DescribeAsync(second)).StatusCode);

        var refused = await Server.SendAsync(HttpMethod.Delete, "/v1/users/session", anonymous);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.False(string.IsNullOrEmpty((await refused.JsonAsync()).Str("instruction")));
        Assert.Equal(HttpStatusCode.OK, (await DescribeAsync(anonymous)).StatusCode);
    }

    [Fact]
    public async Task ATokenSignedByARevokedSecretIsRefusedByASecondInstanceFromItsNextPoll()
    {
        Start();
        var other = await StartSecondInstanceAsync();
        var (id, secret) = await CreateSecretAsync();
        var uid = (await NewProfileAsync())["id"]!.GetValue<string>();
        var token = SelfSignedToken.Mint(id, secret, uid, TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.OK, (await DescribeAsync(token, other)).StatusCode);

        await using (var scope = Server.Services.CreateAsyncScope())
            Assert.True(await scope.ServiceProvider.GetRequiredService<SigningSecretAdmin>().RevokeAsync(id, TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.Unauthorized, (await DescribeAsync(token)).StatusCode);
        await other.NextRevocationPollAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await DescribeAsync(token, other)).StatusCode);
        // A fresh token from the revoked secret is refused too.
        Assert.Equal(HttpStatusCode.Unauthorized, (await DescribeAsync(SelfSignedToken.Mint(id, secret, uid, TimeSpan.FromHours(1)), other)).StatusCode);
    }

    [Fact]
    public async Task TheClaimsRulesAreEnforced()
    {
        Start();
        var (id, secret) = await CreateSecretAsync();
        var uid = (await NewProfileAsync())["id"]!.GetValue<string>();
        var header = new JsonObject { ["alg"] = "HS512", ["typ"] = "JWT", ["kid"] = id };

        Assert.Equal(HttpStatusCode.OK, (await DescribeAsync(Forge(header, Claims(uid, TimeSpan.FromHours(24)), secret))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await DescribeAsync(Forge(header, Claims(uid, TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1)), secret))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await DescribeAsync(Forge(header, Claims("p_unknown0000000000000000", TimeSpan.FromHours(1)), secret))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await DescribeAsync(Forge(header, Claims(Guid.NewGuid().ToString(), TimeSpan.FromHours(1)), secret))).StatusCode);
        var noExp = Claims(uid, TimeSpan.FromHours(1));
        noExp.Remove("exp");
        Assert.Equal(HttpStatusCode.Unauthorized, (await DescribeAsync(Forge(header, noExp, secret))).StatusCode);
        var expired = Claims(uid, TimeSpan.FromHours(1));
        Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(HttpStatusCode.Unauthorized, (await DescribeAsync(Forge(header, expired, secret))).StatusCode);
    }

    [Fact]
    public async Task AmbiguousTokensAreRefusedRatherThanReadOneWay()
    {
        Start();
        var (id, secret) = await CreateSecretAsync();
        var uid = (await NewProfileAsync())["id"]!.GetValue<string>();
        var header = new JsonObject { ["alg"] = "HS512", ["typ"] = "JWT", ["kid"] = id };
        async Task AssertRefused(string token) => Assert.Equal(HttpStatusCode.Unauthorized, (await DescribeAsync(token)).StatusCode);

        var valid = Forge(header, Claims(uid, TimeSpan.FromHours(1), jti: "order-9"), secret);
        Assert.Equal(HttpStatusCode.OK, (await DescribeAsync(valid)).StatusCode);
        // Padding gives the same token a second spelling.
        await AssertRefused(valid + "=");
        // A uid named twice: a verifier reading the first and one reading the last would see different users.
        var twice = Claims(uid, TimeSpan.FromHours(1));
        var input = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString())) + "."
            + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(twice.ToJsonString()[..^1] + ",\"uid\":\"p_someone_else\"}"));
        await AssertRefused(input + "." + Base64Url.EncodeToString(HMACSHA512.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(input))));
        // A jti that is not a usable string would leave the token unrevocable alone while its signer thinks otherwise.
        foreach (var jti in new JsonNode?[] { 7, null, "" })
        {
            var claims = Claims(uid, TimeSpan.FromHours(1));
            claims["jti"] = jti;
            await AssertRefused(Forge(header, claims, secret));
        }
        // An nbf that is not a time is not "no nbf"; one after exp makes a token no one can use.
        var now = Clock.GetUtcNow().ToUnixTimeSeconds();
        foreach (var nbf in new JsonNode?[] { 1e20, "soon", now + 3_700 })
        {
            var claims = Claims(uid, TimeSpan.FromHours(1));
            claims["nbf"] = nbf;
            await AssertRefused(Forge(header, claims, secret));
        }
    }

    [Fact]
    public async Task NewSigningSecretsAreFullSizeHs512Keys()
    {
        // RFC 7518 section 3.2: an HS512 key is at least 512 bits; Microsoft.IdentityModel refuses to sign with less.
        var (_, secret) = await CreateSecretAsync();
        Assert.True(Encoding.UTF8.GetByteCount(secret) >= 64, $"{secret.Length} characters");
    }

    [Theory]
    [InlineData("none")]
    [InlineData("RS256")]
    [InlineData("HS384")]
    public async Task OtherAlgorithmsAreRefused(string alg)
    {
        Start();
        var (id, secret) = await CreateSecretAsync();
        var uid = (await NewProfileAsync())["id"]!.GetValue<string>();
        var header = new JsonObject { ["alg"] = alg, ["kid"] = id };
        Assert.Equal(HttpStatusCode.Unauthorized, (await DescribeAsync(Forge(header, Claims(uid, TimeSpan.FromHours(1)), secret))).StatusCode);
    }

    [Theory]
    [InlineData("jku", "https://evil.example/jwks.json")]
    [InlineData("jwk", "{}")]
    [InlineData("x5u", "https://evil.example/cert.pem")]
    public async Task KeyLocatingHeadersAreRefused(string name, string value)
    {
        Start();
        var (id, secret) = await CreateSecretAsync();
        var uid = (await NewProfileAsync())["id"]!.GetValue<string>();
        var header = new JsonObject { ["alg"] = "HS512", ["kid"] = id, [name] = value };
        Assert.Equal(HttpStatusCode.Unauthorized, (await DescribeAsync(Forge(header, Claims(uid, TimeSpan.FromHours(1)), secret))).StatusCode);
    }

    [Fact]
    public async Task ASecretOfAnotherEnvironmentCannotSignForThisEnvironmentsProfiles()
    {
        Start();
        var (other, otherApiSecret, _) = await Server.CreateEnvironmentAsync();
        var (otherId, otherSecret) = await CreateSecretAsync(other.Id);
        var ours = (await NewProfileAsync())["id"]!.GetValue<string>();
        var theirs = (await NewProfileAsync(otherApiSecret))["id"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.Unauthorized, (await DescribeAsync(SelfSignedToken.Mint(otherId, otherSecret, ours, TimeSpan.FromHours(1)))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await DescribeAsync(SelfSignedToken.Mint(otherId, otherSecret, theirs, TimeSpan.FromHours(1)))).StatusCode);
        // Their secret's id with our secret's bytes, or an unknown id: refused.
        var (ourId, ourSecret) = await CreateSecretAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await DescribeAsync(SelfSignedToken.Mint(otherId, ourSecret, theirs, TimeSpan.FromHours(1)))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await DescribeAsync(SelfSignedToken.Mint("ss_unknown000000000000000", ourSecret, ours, TimeSpan.FromHours(1)))).StatusCode);
        _ = ourId;
    }

    [Fact]
    public async Task DeletingTheProfileKillsItsSelfSignedTokens()
    {
        Start();
        var (id, secret) = await CreateSecretAsync();
        var uid = (await NewProfileAsync())["id"]!.GetValue<string>();
        var token = SelfSignedToken.Mint(id, secret, uid, TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, $"/v1/profiles/{uid}", ApiSecret)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await DescribeAsync(token)).StatusCode);
    }

    [Fact]
    public async Task SecretsAreStoredEncryptedAndNeverListed()
    {
        var (id, secret) = await CreateSecretAsync();
        var row = await Server.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.SigningSecrets, s => s.Id == id));
        Assert.DoesNotContain(secret, Encoding.UTF8.GetString(row.ProtectedSecret));
        Assert.True(secret.Length >= 4 + 43, "at least 256 random bits of base62");
    }

    [Fact]
    public async Task SelfSignedTokensWithoutAJtiOfDifferentProfilesHaveTheirOwnRequestBudgets()
    {
        Start();
        var (id, secret) = await CreateSecretAsync();
        var header = new JsonObject { ["alg"] = "HS512", ["typ"] = "JWT", ["kid"] = id };
        var first = Forge(header, Claims((await NewProfileAsync())["id"]!.GetValue<string>(), TimeSpan.FromHours(1)), secret);
        var second = Forge(header, Claims((await NewProfileAsync())["id"]!.GetValue<string>(), TimeSpan.FromHours(1)), secret);

        for (var i = 0; i < 1200; i++) Assert.Equal(HttpStatusCode.OK, (await DescribeAsync(first)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await DescribeAsync(first)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await DescribeAsync(second)).StatusCode);
    }
}

public sealed class SelfSignedSessionTestsOnSqlite(PostgresServer postgres) : SelfSignedSessionTests(Backend.Sqlite, postgres);
public sealed class SelfSignedSessionTestsOnPostgres(PostgresServer postgres) : SelfSignedSessionTests(Backend.Postgres, postgres);
