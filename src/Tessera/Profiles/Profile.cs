namespace Tessera.Profiles;

/// <summary>An end user of one environment.</summary>
public sealed class Profile
{
    public required string Id { get; init; }
    public required string EnvironmentId { get; init; }
    /// <summary>Either generated or the customer's own key ("importer pipeline"). Never changes.</summary>
    public Guid Uuid { get; init; }
    /// <summary>Normalized: trimmed and lower-cased.</summary>
    public string? Email { get; set; }
    public DateTime? EmailVerifiedAt { get; set; }
    /// <summary>E.164.</summary>
    public string? Phone { get; set; }
    public DateTime? PhoneVerifiedAt { get; set; }
    public string? Name { get; set; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    /// <summary>ISO 8601 date (YYYY-MM-DD), kept as text so both databases store it alike.</summary>
    public string? DateOfBirth { get; set; }
    public string? AddressLine1 { get; set; }
    public string? AddressLine2 { get; set; }
    public string? AddressCity { get; set; }
    public string? AddressState { get; set; }
    public string? AddressPostalCode { get; set; }
    public string? AddressCountryCode { get; set; }
    public string? MetadataJson { get; set; }
    /// <summary>When set, the profile's tokens stop working everywhere and no new ones are issued.</summary>
    public DateTime? DisabledAt { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }
}
