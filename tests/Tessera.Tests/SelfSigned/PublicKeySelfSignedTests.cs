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

/// <summary>Self-signed sessions whose signer registered a public key (ES256, RS256): the same rules as HMAC secrets.</summary>
public abstract class PublicKeySelfSignedTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    private async Task<string> RegisterAsync(string keyText, string? environmentId = null)
    {
        Assert.True(PublicKeys.TryParse(keyText, out var parsed, out var error), error);
        await using var scope = Server.Services.CreateAsyncScope();
        var secret = await scope.ServiceProvider.GetRequiredService<SigningSecretAdmin>().CreatePublicKeyAsync(environmentId ?? Environment.Id, parsed!, TestContext.Current.CancellationToken);
        return secret.Id;
    }

    private async Task<string> NewProfileAsync(string? apiSecret = null) =>
        (await (await Server.SendAsync(HttpMethod.Post, "/v1/profiles", apiSecret ?? ApiSecret, new { uuid = Guid.NewGuid() })).JsonAsync()).Str("id");

    private async Task<HttpStatusCode> DescribeAsync(string token) => (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", token)).StatusCode;

    private static string Encode(JsonObject json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json.ToJsonString()));

    private JsonObject Claims(string uid, TimeSpan lifetime, string? jti = null)
    {
        var now = Clock.GetUtcNow().ToUnixTimeSeconds();
        var claims = new JsonObject { ["uid"] = uid, ["iat"] = now, ["exp"] = now + (long)lifetime.TotalSeconds };
        if (jti is not null) claims["jti"] = jti;
        return claims;
    }

    private static string Sign(string kid, AsymmetricAlgorithm key, JsonObject claims, string? alg = null)
    {
        alg ??= key is ECDsa ? "ES256" : "RS256";
        var input = Encode(new JsonObject { ["alg"] = alg, ["typ"] = "JWT", ["kid"] = kid }) + "." + Encode(claims);
        var data = Encoding.ASCII.GetBytes(input);
        var signature = key is ECDsa ecdsa ? ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            : ((RSA)key).SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + Base64Url.EncodeToString(signature);
    }

    private PublicKeySelfSignedTests Start()
    {
        // The README example reads the real clock; the server's fake clock starts there too.
        Clock.Set(DateTimeOffset.UtcNow);
        return this;
    }

    [Fact]
    public async Task TheReadmeExampleMintsES256AndRS256TokensFromPemAndJwkRegistrations()
    {
        Start();
        var uid = await NewProfileAsync();
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);
        var ecJwk = ec.ExportParameters(false);
        var registrations = new (string Text, AsymmetricAlgorithm Key)[]
        {
            (ec.ExportSubjectPublicKeyInfoPem(), ec),
            (new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64Url.EncodeToString(ecJwk.Q.X), ["y"] = Base64Url.EncodeToString(ecJwk.Q.Y) }.ToJsonString(), ec),
            (rsa.ExportSubjectPublicKeyInfoPem(), rsa),
            (rsa.ExportRSAPublicKeyPem(), rsa),
            (new JsonObject { ["kty"] = "RSA", ["n"] = Base64Url.EncodeToString(rsa.ExportParameters(false).Modulus), ["e"] = Base64Url.EncodeToString(rsa.ExportParameters(false).Exponent), ["alg"] = "RS256" }.ToJsonString(), rsa),
        };
        foreach (var (text, key) in registrations)
        {
            var id = await RegisterAsync(text);
            var token = SelfSignedToken.Mint(id, key, uid, TimeSpan.FromHours(1), tokenId: "order-" + Guid.NewGuid());
            var response = await Server.SendAsync(HttpMethod.Get, "/v1/users/session", token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.JsonAsync();
            Assert.Equal(uid, body.Str("userId"));
            Assert.Equal(Environment.Id, body.Str("environmentId"));
        }
    }

    [Fact]
    public async Task ATokenSignedWithAnotherKeyIsRefused()
    {
        Start();
        var uid = await NewProfileAsync();
        using var registered = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var otherRsa = RSA.Create(2048);
        var id = await RegisterAsync(registered.ExportSubjectPublicKeyInfoPem());
        Assert.Equal(HttpStatusCode.OK, await DescribeAsync(Sign(id, registered, Claims(uid, TimeSpan.FromHours(1)))));
        Assert.Equal(HttpStatusCode.Unauthorized, await DescribeAsync(Sign(id, other, Claims(uid, TimeSpan.FromHours(1)))));
        Assert.Equal(HttpStatusCode.Unauthorized, await DescribeAsync(Sign(id, otherRsa, Claims(uid, TimeSpan.FromHours(1)))));
    }

    [Fact]
    public async Task AnHmacTokenKeyedWithThePublicKeyTextOrAnotherAlgorithmIsRefused()
    {
        Start();
        var uid = await NewProfileAsync();
        using var rsa = RSA.Create(2048);
        var pem = rsa.ExportSubjectPublicKeyInfoPem();
        var id = await RegisterAsync(pem);
        var claims = Claims(uid, TimeSpan.FromHours(1));
        foreach (var alg in new[] { "HS256", "HS512" })
        {
            foreach (var secret in new[] { Encoding.UTF8.GetBytes(pem), rsa.ExportSubjectPublicKeyInfo(), Encoding.UTF8.GetBytes(pem.Trim()) })
            {
                var input = Encode(new JsonObject { ["alg"] = alg, ["typ"] = "JWT", ["kid"] = id }) + "." + Encode(claims);
                var data = Encoding.ASCII.GetBytes(input);
                var mac = alg == "HS256" ? HMACSHA256.HashData(secret, data) : HMACSHA512.HashData(secret, data);
                Assert.Equal(HttpStatusCode.Unauthorized, await DescribeAsync(input + "." + Base64Url.EncodeToString(mac)));
            }
        }
        // The right key under another algorithm's name, and none.
        Assert.Equal(HttpStatusCode.Unauthorized, await DescribeAsync(Sign(id, rsa, claims, alg: "ES256")));
        Assert.Equal(HttpStatusCode.Unauthorized, await DescribeAsync(Sign(id, rsa, claims, alg: "PS256")));
        var unsigned = Sign(id, rsa, claims, alg: "none");
        Assert.Equal(HttpStatusCode.Unauthorized, await DescribeAsync(unsigned[..(unsigned.LastIndexOf('.') + 1)]));
        Assert.Equal(HttpStatusCode.OK, await DescribeAsync(Sign(id, rsa, claims)));
    }

    [Fact]
    public async Task TheLifetimeRulesOfHmacSecretsApply()
    {
        Start();
        var uid = await NewProfileAsync();
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var id = await RegisterAsync(ec.ExportSubjectPublicKeyInfoPem());
        Assert.Equal(HttpStatusCode.OK, await DescribeAsync(Sign(id, ec, Claims(uid, TimeSpan.FromHours(24)))));
        Assert.Equal(HttpStatusCode.Unauthorized, await DescribeAsync(Sign(id, ec, Claims(uid, TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1)))));
        var expiring = Sign(id, ec, Claims(uid, TimeSpan.FromHours(1)));
        // The default skew is 10 seconds.
        Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(9));
        Assert.Equal(HttpStatusCode.OK, await DescribeAsync(expiring));
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, await DescribeAsync(expiring));
    }

    [Fact]
    public async Task RevokingByJtiKillsOneTokenAndRevokingTheKeyKillsAll()
    {
        Start();
        var uid = await NewProfileAsync();
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var id = await RegisterAsync(ec.ExportSubjectPublicKeyInfoPem());
        var first = Sign(id, ec, Claims(uid, TimeSpan.FromHours(1), jti: "a"));
        var second = Sign(id, ec, Claims(uid, TimeSpan.FromHours(1), jti: "b"));
        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, "/v1/users/session", first)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await DescribeAsync(first));
        Assert.Equal(HttpStatusCode.OK, await DescribeAsync(second));

        await using (var scope = Server.Services.CreateAsyncScope())
            Assert.True(await scope.ServiceProvider.GetRequiredService<SigningSecretAdmin>().RevokeAsync(id, TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await DescribeAsync(second));
        Assert.Equal(HttpStatusCode.Unauthorized, await DescribeAsync(Sign(id, ec, Claims(uid, TimeSpan.FromHours(1)))));
    }

    [Fact]
    public async Task AKeyOfOneEnvironmentCannotSignInAUserOfAnother()
    {
        Start();
        var (other, otherApiSecret, _) = await Server.CreateEnvironmentAsync();
        var theirUser = await NewProfileAsync(otherApiSecret);
        var myUser = await NewProfileAsync();
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var mine = await RegisterAsync(ec.ExportSubjectPublicKeyInfoPem());
        Assert.Equal(HttpStatusCode.OK, await DescribeAsync(Sign(mine, ec, Claims(myUser, TimeSpan.FromHours(1)))));
        Assert.Equal(HttpStatusCode.Unauthorized, await DescribeAsync(Sign(mine, ec, Claims(theirUser, TimeSpan.FromHours(1)))));
        // The same public key registered in the other environment is another kid, scoped there.
        var theirs = await RegisterAsync(ec.ExportSubjectPublicKeyInfoPem(), other.Id);
        Assert.Equal(HttpStatusCode.OK, await DescribeAsync(Sign(theirs, ec, Claims(theirUser, TimeSpan.FromHours(1)))));
        Assert.Equal(HttpStatusCode.Unauthorized, await DescribeAsync(Sign(theirs, ec, Claims(myUser, TimeSpan.FromHours(1)))));
    }

    [Fact]
    public void PrivateKeysWeakKeysAndOtherCurvesAreRefusedAtRegistration()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var weak = RSA.Create(1024);
        var q = ec.ExportParameters(true);
        string[] refused =
        [
            ec.ExportPkcs8PrivateKeyPem(),
            ec.ExportECPrivateKeyPem(),
            new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64Url.EncodeToString(q.Q.X), ["y"] = Base64Url.EncodeToString(q.Q.Y), ["d"] = Base64Url.EncodeToString(q.D) }.ToJsonString(),
            new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64Url.EncodeToString(q.Q.X), ["y"] = Base64Url.EncodeToString(q.Q.Y), ["alg"] = "HS256" }.ToJsonString(),
            new JsonObject { ["kty"] = "oct", ["k"] = "c2VjcmV0" }.ToJsonString(),
            p384.ExportSubjectPublicKeyInfoPem(),
            weak.ExportSubjectPublicKeyInfoPem(),
            "not a key", "{", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", "[]",
        ];
        foreach (var text in refused)
        {
            Assert.False(PublicKeys.TryParse(text, out var parsed, out var error), text);
            Assert.Null(parsed);
            Assert.False(string.IsNullOrEmpty(error));
        }
    }
}

public sealed class PublicKeySelfSignedTestsOnSqlite(PostgresServer postgres) : PublicKeySelfSignedTests(Backend.Sqlite, postgres);
public sealed class PublicKeySelfSignedTestsOnPostgres(PostgresServer postgres) : PublicKeySelfSignedTests(Backend.Postgres, postgres);
