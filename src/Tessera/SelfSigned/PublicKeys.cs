using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Tessera.Sessions;

namespace Tessera.SelfSigned;

/// <summary>
/// Reads a customer's public key, PEM (<c>BEGIN PUBLIC KEY</c> or <c>BEGIN RSA PUBLIC KEY</c>) or JWK, into the
/// algorithm its tokens must name and its SubjectPublicKeyInfo: a P-256 key signs ES256, an RSA key (2048 to 4096
/// bits) RS256. A private key is refused, so it is never stored by mistake.
/// </summary>
public static class PublicKeys
{
    public sealed record Parsed(JwsAlgorithm Algorithm, byte[] SubjectPublicKeyInfo);

    /// <summary>The key, or an error message for the operator.</summary>
    public static bool TryParse(string text, out Parsed? key, out string? error)
    {
        key = null;
        error = null;
        text = text.Trim();
        if (text.Length > 16_384) { error = "The key file is too large for a public key."; return false; }
        try
        {
            var spki = text.StartsWith('{') ? FromJwk(text, out error) : FromPem(text, out error);
            if (spki is null) return false;
            var algorithm = AlgorithmOf(spki);
            PooledSignatureKey.Public(algorithm, spki); // checks the curve and the RSA size
            key = new Parsed(algorithm, spki);
            return true;
        }
        catch (Exception e) when (e is CryptographicException or JsonException or FormatException or ArgumentException or InvalidOperationException)
        {
            error = "Not a usable public key: " + e.Message;
            return false;
        }
    }

    /// <summary>A stored public key's algorithm; a value this version does not know is refused rather than guessed.</summary>
    public static JwsAlgorithm ParseAlgorithm(string? stored) => stored switch
    {
        "ES256" => JwsAlgorithm.ES256,
        "RS256" => JwsAlgorithm.RS256,
        _ => throw new InvalidOperationException($"Unknown public-key algorithm '{stored}'."),
    };

    public static string Name(JwsAlgorithm algorithm) => algorithm == JwsAlgorithm.ES256 ? "ES256" : algorithm == JwsAlgorithm.RS256 ? "RS256"
        : throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "ES256 or RS256");

    /// <summary>The first characters of the key's SHA-256 thumbprint, so an operator can tell keys apart.</summary>
    public static string Hint(byte[] subjectPublicKeyInfo) => "pk:" + Base64Url.EncodeToString(SHA256.HashData(subjectPublicKeyInfo))[..12];

    private static JwsAlgorithm AlgorithmOf(byte[] spki)
    {
        using (var ecdsa = ECDsa.Create())
        {
            try { ecdsa.ImportSubjectPublicKeyInfo(spki, out _); return JwsAlgorithm.ES256; }
            catch (CryptographicException) { }
        }
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(spki, out _);
        return JwsAlgorithm.RS256;
    }

    private static byte[]? FromPem(string text, out string? error)
    {
        error = null;
        if (!PemEncoding.TryFind(text, out var fields)) { error = "Not PEM (BEGIN PUBLIC KEY) nor a JWK (a JSON object)."; return null; }
        var label = text[fields.Label];
        if (label.Contains("PRIVATE", StringComparison.Ordinal)) { error = "This is a private key: register the public key only (openssl pkey -pubout)."; return null; }
        var der = Convert.FromBase64String(text[fields.Base64Data]);
        switch (label)
        {
            case "PUBLIC KEY":
                return der;
            case "RSA PUBLIC KEY":
                using (var rsa = RSA.Create())
                {
                    rsa.ImportRSAPublicKey(der, out _);
                    return rsa.ExportSubjectPublicKeyInfo();
                }
            default:
                error = $"A PEM '{label}' is not a public key (BEGIN PUBLIC KEY).";
                return null;
        }
    }

    private static byte[]? FromJwk(string text, out string? error)
    {
        error = null;
        using var document = JsonDocument.Parse(text);
        var jwk = document.RootElement;
        if (jwk.ValueKind != JsonValueKind.Object) { error = "A JWK must be a JSON object."; return null; }
        // d (EC, RSA), p, q...: private parts. Never accept them.
        if (jwk.TryGetProperty("d", out _) || jwk.TryGetProperty("p", out _)) { error = "This JWK holds a private key: register the public key only."; return null; }
        var kty = jwk.TryGetProperty("kty", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
        var alg = jwk.TryGetProperty("alg", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
        switch (kty)
        {
            case "EC":
                if (Str(jwk, "crv") != "P-256") { error = "An EC key must be on P-256 (ES256)."; return null; }
                if (alg is not (null or "ES256")) { error = $"An EC P-256 key signs ES256, not {alg}."; return null; }
                using (var ecdsa = ECDsa.Create(new ECParameters
                {
                    Curve = ECCurve.NamedCurves.nistP256,
                    Q = new ECPoint { X = Base64Url.DecodeFromChars(Str(jwk, "x")), Y = Base64Url.DecodeFromChars(Str(jwk, "y")) },
                }))
                    return ecdsa.ExportSubjectPublicKeyInfo();
            case "RSA":
                if (alg is not (null or "RS256")) { error = $"An RSA key is accepted for RS256, not {alg}."; return null; }
                using (var rsa = RSA.Create(new RSAParameters { Modulus = Base64Url.DecodeFromChars(Str(jwk, "n")), Exponent = Base64Url.DecodeFromChars(Str(jwk, "e")) }))
                    return rsa.ExportSubjectPublicKeyInfo();
            default:
                error = "A JWK's kty must be EC (P-256) or RSA.";
                return null;
        }
    }

    private static string Str(JsonElement jwk, string name) =>
        jwk.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new FormatException($"The JWK has no '{name}'.");
}
