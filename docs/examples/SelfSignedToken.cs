// Minting a Tessera self-signed session token in C#, with nothing but the base library.
// (This file is compiled into Tessera's tests, which use it against a live server: it is known to work.)
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Tessera.Examples;

public static class SelfSignedToken
{
    /// <param name="signingSecretId">The signing secret's id (ss_…), sent as the header's kid.</param>
    /// <param name="signingSecret">The secret exactly as `tessera signing-secrets create` printed it.</param>
    /// <param name="userId">Your user's Tessera profile id (p_…) or its uuid.</param>
    public static string Mint(string signingSecretId, string signingSecret, string userId, TimeSpan lifetime, string? tokenId = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new Dictionary<string, object> { ["alg"] = "HS512", ["typ"] = "JWT", ["kid"] = signingSecretId };
        var claims = new Dictionary<string, object> { ["uid"] = userId, ["iat"] = now, ["exp"] = now + (long)lifetime.TotalSeconds };
        if (tokenId is not null) claims["jti"] = tokenId; // lets DELETE /v1/users/session revoke this one token
        var signingInput = Encode(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Encode(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = HMACSHA512.HashData(Encoding.UTF8.GetBytes(signingSecret), Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Encode(signature);
    }

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
