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

    /// <summary>
    /// The same token signed with your own private key, whose public key you registered with
    /// `tessera signing-secrets create --public-key public.pem`: ES256 for a P-256 key, RS256 for an RSA key.
    /// Tessera never sees the private key.
    /// </summary>
    /// <param name="signingSecretId">The id `signing-secrets create --public-key` printed (ss_…), sent as the header's kid.</param>
    /// <param name="privateKey">Your P-256 ECDsa or RSA (2048 to 4096 bits) private key.</param>
    public static string Mint(string signingSecretId, AsymmetricAlgorithm privateKey, string userId, TimeSpan lifetime, string? tokenId = null)
    {
        var alg = privateKey is ECDsa ? "ES256" : privateKey is RSA ? "RS256" : throw new ArgumentException("ECDsa (P-256) or RSA", nameof(privateKey));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new Dictionary<string, object> { ["alg"] = alg, ["typ"] = "JWT", ["kid"] = signingSecretId };
        var claims = new Dictionary<string, object> { ["uid"] = userId, ["iat"] = now, ["exp"] = now + (long)lifetime.TotalSeconds };
        if (tokenId is not null) claims["jti"] = tokenId;
        var signingInput = Encode(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Encode(JsonSerializer.SerializeToUtf8Bytes(claims));
        var data = Encoding.ASCII.GetBytes(signingInput);
        var signature = privateKey is ECDsa ecdsa
            // JWS wants r‖s (64 bytes), not the DER .NET produces by default.
            ? ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            : ((RSA)privateKey).SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Encode(signature);
    }

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
