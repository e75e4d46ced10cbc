namespace Tessera.SelfSigned;

/// <summary>
/// A secret a customer's server signs its own session tokens with (HMAC; the key is the secret's UTF-8 bytes, as JWT
/// libraries use a string secret), stored encrypted under the master key because verifying needs it back; or a
/// customer's public key (ES256 or RS256), whose private key Tessera never sees.
/// </summary>
public sealed class SigningSecret
{
    /// <summary>Every secret id starts with it: a token whose <c>kid</c> does is self-signed.</summary>
    public const string IdPrefix = "ss_";

    public required string Id { get; init; }
    public required string EnvironmentId { get; init; }
    /// <summary>The encrypted HMAC secret; empty for a public key.</summary>
    public required byte[] ProtectedSecret { get; init; }
    /// <summary>A public key's JWS <c>alg</c> (<c>ES256</c> or <c>RS256</c>), the only one its tokens may name; null for an HMAC secret.</summary>
    public string? Algorithm { get; init; }
    /// <summary>The public key (SubjectPublicKeyInfo, DER); null for an HMAC secret.</summary>
    public byte[]? PublicKey { get; init; }
    /// <summary>The first characters (of a public key: of its SHA-256 thumbprint), so an operator can tell secrets apart.</summary>
    public required string SecretHint { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? RevokedAt { get; set; }
}
