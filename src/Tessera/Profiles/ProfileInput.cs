using System.Globalization;
using System.Text.Json;
using Tessera.Http;

namespace Tessera.Profiles;

/// <summary>A value that may be absent from the request (unchanged) or present, possibly null (cleared).</summary>
public readonly record struct Optional<T>(bool IsSet, T Value)
{
    public static Optional<T> Of(T value) => new(true, value);
}

/// <summary>Profile attributes from a request body, validated and normalized.</summary>
public sealed class ProfileInput
{
    public string? UserId { get; private set; }
    public Guid? Uuid { get; private set; }
    public Optional<string?> Email { get; private set; }
    public Optional<string?> Phone { get; private set; }
    public Optional<string?> Name { get; private set; }
    public Optional<string?> FirstName { get; private set; }
    public Optional<string?> LastName { get; private set; }
    public Optional<string?> DateOfBirth { get; private set; }
    public Optional<string?> Line1 { get; private set; }
    public Optional<string?> Line2 { get; private set; }
    public Optional<string?> City { get; private set; }
    public Optional<string?> State { get; private set; }
    public Optional<string?> PostalCode { get; private set; }
    public Optional<string?> CountryCode { get; private set; }
    public Optional<string?> MetadataJson { get; private set; }
    /// <summary>PATCH only: disable (true) or enable (false) the profile.</summary>
    public bool? Disabled { get; private set; }

    private JsonElement? _metadataPatch;

    /// <summary>Parses the attributes of <paramref name="body"/>, collecting every problem into <paramref name="errors"/>.</summary>
    /// <param name="acceptIdentity">Whether <c>userId</c>/<c>uuid</c> may select or key the profile.</param>
    /// <param name="phones">Where a phone is entered (<see cref="PhoneNumberRule"/>).</param>
    public static ProfileInput Parse(JsonElement body, bool acceptIdentity, ValidationErrors errors, DateOnly today, PhoneContext phones)
    {
        var input = new ProfileInput();
        if (acceptIdentity)
        {
            if (ReadString(body, "userId", "userId", 64, errors) is { IsSet: true, Value: { } userId }) input.UserId = userId;
        }
        if (ReadString(body, "uuid", "uuid", 36, errors) is { IsSet: true, Value: { } uuid })
        {
            if (!acceptIdentity) errors.Add("uuid", "cannot be changed");
            else if (Guid.TryParse(uuid, out var parsed) && parsed != Guid.Empty) input.Uuid = parsed;
            else errors.Add("uuid", "must be a UUID");
        }

        var email = ReadString(body, "email", "email", 320, errors);
        if (email.IsSet)
        {
            if (email.Value is null) input.Email = Optional<string?>.Of(null);
            else if (Identifiers.NormalizeEmail(email.Value) is { } normalized) input.Email = Optional<string?>.Of(normalized);
            else errors.Add("email", "is not a valid email address");
        }

        var phone = ReadString(body, "phone", "phone", 32, errors);
        if (phone.IsSet)
        {
            if (phone.Value is null) input.Phone = Optional<string?>.Of(null);
            else
            {
                var result = Identifiers.NormalizePhone(phone.Value, phones);
                if (result.Phone is not null) input.Phone = Optional<string?>.Of(result.Phone);
                else errors.Add("phone", result.Error!);
            }
        }

        input.Name = ReadString(body, "name", "name", 200, errors);

        if (ReadObject(body, "names", "names", errors) is { } names)
        {
            input.FirstName = ReadString(names, "first", "names.first", 100, errors);
            input.LastName = ReadString(names, "last", "names.last", 100, errors);
        }
        else if (IsExplicitNull(body, "names"))
        {
            input.FirstName = Optional<string?>.Of(null);
            input.LastName = Optional<string?>.Of(null);
        }

        var dob = ReadString(body, "dateOfBirth", "dateOfBirth", 10, errors);
        if (dob.IsSet)
        {
            if (dob.Value is null) input.DateOfBirth = dob;
            else if (DateOnly.TryParseExact(dob.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                     && date.Year >= 1900 && date <= today)
                input.DateOfBirth = Optional<string?>.Of(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            else errors.Add("dateOfBirth", "must be a past date as YYYY-MM-DD");
        }

        if (ReadObject(body, "address", "address", errors) is { } address)
        {
            input.Line1 = ReadString(address, "line1", "address.line1", 200, errors);
            input.Line2 = ReadString(address, "line2", "address.line2", 200, errors);
            input.City = ReadString(address, "city", "address.city", 100, errors);
            input.State = ReadString(address, "state", "address.state", 100, errors);
            input.PostalCode = ReadString(address, "postalCode", "address.postalCode", 20, errors);
            var country = ReadString(address, "countryCode", "address.countryCode", 2, errors);
            if (country is { IsSet: true, Value: { } code })
            {
                if (code.Length == 2 && char.IsAsciiLetter(code[0]) && char.IsAsciiLetter(code[1]))
                    input.CountryCode = Optional<string?>.Of(code.ToUpperInvariant());
                else errors.Add("address.countryCode", "must be a two-letter ISO 3166-1 country code");
            }
            else input.CountryCode = country;
        }
        else if (IsExplicitNull(body, "address"))
        {
            Optional<string?> none = Optional<string?>.Of(null);
            input.Line1 = input.Line2 = input.City = input.State = input.PostalCode = input.CountryCode = none;
        }

        if (body.TryGetProperty("disabled", out var disabled))
        {
            if (acceptIdentity) errors.Add("disabled", "can only be changed with PATCH /v1/profiles/{id}");
            else if (disabled.ValueKind is JsonValueKind.True or JsonValueKind.False) input.Disabled = disabled.GetBoolean();
            else errors.Add("disabled", "must be true or false");
        }

        if (body.TryGetProperty("metadata", out var metadata))
        {
            // Quiltt's metadata rule, one place for every write path: checked here against nothing stored (a new
            // profile's metadata is the patch itself), merged into what is stored by MergeMetadataInto on an update.
            var decision = Metadata.MetadataMerge.Apply(null, metadata);
            if (decision.Refused) errors.Add("metadata", decision.Error!);
            else
            {
                input.MetadataJson = Optional<string?>.Of(decision.Json);
                input._metadataPatch = metadata.Clone();
            }
        }
        return input;
    }

    public bool ChangesAnything =>
        Email.IsSet || Phone.IsSet || Name.IsSet || FirstName.IsSet || LastName.IsSet || DateOfBirth.IsSet || Line1.IsSet || Line2.IsSet
        || City.IsSet || State.IsSet || PostalCode.IsSet || CountryCode.IsSet || MetadataJson.IsSet;

    /// <summary>
    /// On an update: the metadata to store becomes the merge of what was sent into <paramref name="storedJson"/>
    /// (<see cref="Metadata.MetadataMerge"/>). Null when fine (or no metadata was sent), else why it is refused.
    /// Read <paramref name="storedJson"/> under the row's lock, or a concurrent update's keys are lost.
    /// </summary>
    public string? MergeMetadataInto(string? storedJson)
    {
        if (_metadataPatch is not { } patch) return null;
        var merged = Metadata.MetadataMerge.Apply(storedJson, patch);
        if (merged.Refused) return merged.Error;
        MetadataJson = Optional<string?>.Of(merged.Json);
        return null;
    }

    /// <summary>Copies the attributes that were sent onto <paramref name="profile"/>.</summary>
    public void ApplyTo(Profile profile, DateTime now)
    {
        if (Email.IsSet && Email.Value != profile.Email) { profile.Email = Email.Value; profile.EmailVerifiedAt = null; }
        if (Phone.IsSet && Phone.Value != profile.Phone) { profile.Phone = Phone.Value; profile.PhoneVerifiedAt = null; }
        if (Name.IsSet) profile.Name = Name.Value;
        if (FirstName.IsSet) profile.FirstName = FirstName.Value;
        if (LastName.IsSet) profile.LastName = LastName.Value;
        if (DateOfBirth.IsSet) profile.DateOfBirth = DateOfBirth.Value;
        if (Line1.IsSet) profile.AddressLine1 = Line1.Value;
        if (Line2.IsSet) profile.AddressLine2 = Line2.Value;
        if (City.IsSet) profile.AddressCity = City.Value;
        if (State.IsSet) profile.AddressState = State.Value;
        if (PostalCode.IsSet) profile.AddressPostalCode = PostalCode.Value;
        if (CountryCode.IsSet) profile.AddressCountryCode = CountryCode.Value;
        if (MetadataJson.IsSet) profile.MetadataJson = MetadataJson.Value;
        if (ChangesAnything) profile.UpdatedAt = now;
    }

    private static bool IsExplicitNull(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Null;

    private static JsonElement? ReadObject(JsonElement body, string name, string field, ValidationErrors errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.Object) return value;
        errors.Add(field, "must be an object");
        return null;
    }

    private static Optional<string?> ReadString(JsonElement body, string name, string field, int maxLength, ValidationErrors errors)
    {
        if (!body.TryGetProperty(name, out var value)) return default;
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return Optional<string?>.Of(null);
            case JsonValueKind.String:
                var text = value.GetString()!.Trim();
                if (text.Length > maxLength)
                {
                    errors.Add(field, $"is too long (at most {maxLength} characters)");
                    return default;
                }
                if (text.Any(char.IsControl))
                {
                    errors.Add(field, "must not contain control characters");
                    return default;
                }
                return Optional<string?>.Of(text.Length == 0 ? null : text);
            default:
                errors.Add(field, "must be a string");
                return default;
        }
    }
}
