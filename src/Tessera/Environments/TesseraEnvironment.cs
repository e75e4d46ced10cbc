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
/// An HS512 key the environment signs its session tokens with. The newest unretired key signs; older keys keep
/// verifying until <see cref="RetiresAt"/>.
/// </summary>
public sealed class SigningKey
{
    public required string Id { get; init; }
    public required string EnvironmentId { get; init; }
    /// <summary>The 512-bit key, encrypted under the master key (see <c>SecretProtector</c>).</summary>
    public required byte[] ProtectedKey { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? RetiresAt { get; set; }
}
