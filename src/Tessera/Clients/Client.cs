namespace Tessera.Clients;

/// <summary>A front-end app of an environment, signing users in without a password.</summary>
public sealed class Client
{
    public required string Id { get; init; }
    public required string EnvironmentId { get; init; }
    public required string Name { get; set; }
    public AuthStrategy Strategy { get; set; }
    public bool SignupsEnabled { get; set; } = true;
    /// <summary>When set, identify sends a passcode to unknown identifiers too instead of creating the profile.</summary>
    public bool VerifyNewProfiles { get; set; }
    /// <summary>
    /// When set, identify answers known, unknown and disabled identifiers alike (202, nothing sent where no profile can
    /// sign in), so it cannot tell anyone who is registered. New identifiers then prove themselves before a profile exists.
    /// </summary>
    public bool EnumerationSafe { get; set; }
    /// <summary>Space-separated origins allowed to call from browsers (any origin in sandbox).</summary>
    public string? AllowedOrigins { get; set; }
    public DateTime CreatedAt { get; init; }
}

public enum AuthStrategy
{
    Email,
    Phone,
}
