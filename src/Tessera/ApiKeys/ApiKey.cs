namespace Tessera.ApiKeys;

/// <summary>A server-side credential of one environment. Only the secret's hash is stored.</summary>
public sealed class ApiKey
{
    public required string Id { get; init; }
    public required string EnvironmentId { get; init; }
    public required string Name { get; set; }
    public required byte[] SecretHash { get; init; }
    /// <summary>The first characters of the secret, so an operator can tell keys apart.</summary>
    public required string SecretHint { get; init; }
    public string? MetadataJson { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime? RevokedAt { get; set; }
}
