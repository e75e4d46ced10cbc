namespace Tessera.Environments;

/// <summary>An isolated tenant: its own profiles, keys, clients and signing keys.</summary>
public sealed class TesseraEnvironment
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public EnvironmentMode Mode { get; set; }
    public string? MetadataJson { get; set; }
    public DateTime CreatedAt { get; init; }
}

public enum EnvironmentMode
{
    Sandbox,
    Development,
    Production,
}

/// <summary>
/// A key the environment signs its session tokens with (HS512 or ES256). The newest active unretired key signs;
/// older keys keep verifying until <see cref="RetiresAt"/>.
/// </summary>
public sealed class SigningKey
{
    public required string Id { get; init; }
    public required string EnvironmentId { get; init; }
    /// <summary>The 512-bit HMAC key or the ES256 private key (PKCS#8), encrypted under the master key (see <c>SecretProtector</c>).</summary>
    public required byte[] ProtectedKey { get; init; }
    /// <summary>The JWS <c>alg</c> the key signs with: <c>HS512</c> (the default) or <c>ES256</c>.</summary>
    public string Algorithm { get; init; } = SigningAlgorithms.HS512;
    /// <summary>An ES256 key's public key (SubjectPublicKeyInfo, DER), published in the JWKS; null for HS512.</summary>
    public byte[]? PublicKey { get; init; }
    public DateTime CreatedAt { get; init; }
    /// <summary>When the key starts signing; until then it is published (and verifies) but does not sign. Null: at creation.</summary>
    public DateTime? ActivatesAt { get; init; }
    public DateTime? RetiresAt { get; set; }
}
