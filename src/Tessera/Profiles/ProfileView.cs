using System.Text.Json;

namespace Tessera.Profiles;

/// <summary>A profile as the API returns it.</summary>
public sealed record ProfileView(
    string Id,
    Guid Uuid,
    string EnvironmentId,
    string? Email,
    bool EmailVerified,
    string? Phone,
    bool PhoneVerified,
    string? Name,
    ProfileView.NamesView Names,
    string? DateOfBirth,
    ProfileView.AddressView? Address,
    JsonElement? Metadata,
    bool Disabled,
    DateTime At,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public sealed record NamesView(string? First, string? Last, string? Full);
    public sealed record AddressView(string? Line1, string? Line2, string? City, string? State, string? PostalCode, string? CountryCode);

    public static ProfileView From(Profile p)
    {
        var full = string.Join(' ', new[] { p.FirstName, p.LastName }.Where(s => !string.IsNullOrEmpty(s)));
        var hasAddress = p.AddressLine1 is not null || p.AddressLine2 is not null || p.AddressCity is not null
                         || p.AddressState is not null || p.AddressPostalCode is not null || p.AddressCountryCode is not null;
        return new ProfileView(
            p.Id, p.Uuid, p.EnvironmentId, p.Email, p.EmailVerifiedAt is not null, p.Phone, p.PhoneVerifiedAt is not null, p.Name,
            new NamesView(p.FirstName, p.LastName, full.Length == 0 ? null : full),
            p.DateOfBirth,
            hasAddress ? new AddressView(p.AddressLine1, p.AddressLine2, p.AddressCity, p.AddressState, p.AddressPostalCode, p.AddressCountryCode) : null,
            p.MetadataJson is null ? null : JsonDocument.Parse(p.MetadataJson).RootElement.Clone(),
            p.DisabledAt is not null,
            // Quiltt's "most recently known state": Tessera syncs from no upstream, so the last update.
            p.UpdatedAt,
            p.CreatedAt, p.UpdatedAt);
    }
}
