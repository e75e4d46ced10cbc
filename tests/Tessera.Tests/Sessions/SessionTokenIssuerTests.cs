using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Tessera.Environments;
using Tessera.Sessions;
using Xunit;

namespace Tessera.Tests.Sessions;

/// <summary>The issuer assembles tokens in reused buffers: each must still be exactly the JWS its claims say.</summary>
public sealed class SessionTokenIssuerTests
{
    private static readonly SigningKeyRing.LoadedKey Key = new("sk_test", "env_test", RandomNumberGenerator.GetBytes(64), null);

    private static SessionClaims Claims(string profileId, string? clientId = null) => new()
    {
        SessionId = Guid.NewGuid(), ProfileId = profileId, EnvironmentId = "env_test", ClientId = clientId, IssuedBy = "api_test",
        IssuedAt = 1_795_000_000, NotBefore = 1_795_000_000, ExpiresAt = 1_795_086_400,
    };

    private static JsonElement Verify(string token, byte[] key)
    {
        var parts = token.Split('.');
        Assert.Equal(3, parts.Length);
        var expected = HMACSHA512.HashData(key, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        Assert.Equal(Convert.ToBase64String(expected).TrimEnd('=').Replace('+', '-').Replace('/', '_'), parts[2]);
        Assert.Equal(JsonSerializer.Serialize(new { alg = "HS512", typ = "JWT", kid = Key.Id }), Encoding.UTF8.GetString(Convert.FromBase64String(Pad(parts[0]))));
        // What the SDK does: atob, which refuses base64url's - and _.
        Assert.DoesNotContain('-', parts[1]);
        Assert.DoesNotContain('_', parts[1]);
        Assert.DoesNotContain('=', parts[1]);
        return JsonDocument.Parse(Convert.FromBase64String(Pad(parts[1]))).RootElement.Clone();
    }

    private static string Pad(string segment) => segment.PadRight(segment.Length + (4 - segment.Length % 4) % 4, '=');

    [Fact]
    public void TokensInARowEachCarryTheirOwnClaimsAndAValidSignature()
    {
        var issuer = new SessionTokenIssuer(Options.Create(new SessionTokenOptions { PublicBaseUrl = "https://auth.example.com" }));
        for (var i = 0; i < 50; i++)
        {
            var claims = Claims($"p_{i}", clientId: i % 2 == 0 ? "cl_web" : null);
            var payload = Verify(issuer.Sign(Key, claims), Key.Key);
            Assert.Equal("https://auth.example.com", payload.GetProperty("iss").GetString());
            Assert.Equal("https://auth.example.com/v1", payload.GetProperty("aud").GetString());
            Assert.Equal(claims.ProfileId, payload.GetProperty("sub").GetString());
            Assert.Equal(claims.SessionId.ToString("D"), payload.GetProperty("jti").GetString());
            Assert.Equal(claims.ClientId, payload.TryGetProperty("cid", out var cid) ? cid.GetString() : null);
            Assert.Equal(2, payload.GetProperty("ver").GetInt32());
        }
    }

    [Fact]
    public void CharactersThatWouldEncodeToDashOrUnderscoreAreEscapedInThePayload()
    {
        const string odd = "https://auth.example.com/?a=~>?~\u007f";
        var issuer = new SessionTokenIssuer(Options.Create(new SessionTokenOptions { Issuer = odd, Audience = odd + "/v1" }));
        for (var i = 0; i < 20; i++)
        {
            var payload = Verify(issuer.Sign(Key, Claims(new string('?', i) + "p")), Key.Key);
            Assert.Equal(odd, payload.GetProperty("iss").GetString());
            Assert.Equal(new string('?', i) + "p", payload.GetProperty("uid").GetString());
        }
    }
}
