namespace Tessera.SelfSigned;

/// <summary>
/// A secret a customer's server signs its own session tokens with (HMAC; the key is the secret's UTF-8 bytes, as JWT
/// libraries use a string secret). Stored encrypted under the master key, because verifying needs it back.
/// </summary>
public sealed class SigningSecret
{
    /// <summary>Every secret id starts with it: a token whose <c>kid</c> does is self-signed.</summary>
    public const string IdPrefix = "ss_";

    public required string Id { get; init; }
    public required string EnvironmentId { get; init; }
    public required byte[] ProtectedSecret { get; init; }
    /// <summary>The first characters, so an operator can tell secrets apart.</summary>
    public required string SecretHint { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? RevokedAt { get; set; }
}
