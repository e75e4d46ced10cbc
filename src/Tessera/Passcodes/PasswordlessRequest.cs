using System.Text.Json;
using Tessera.Clients;
using Tessera.Http;
using Tessera.Profiles;

namespace Tessera.Passcodes;

/// <summary>
/// The body of identify/authenticate: <c>{"session": {...}}</c> or the same fields bare; the client id under any of
/// the spellings the SDKs have used; exactly one of email or phone; optionally the passcode.
/// </summary>
public sealed class PasswordlessRequest
{
    private static readonly string[] ClientIdNames = ["clientId", "deploymentId", "appId", "app_id", "client_id"];

    public string? ClientId { get; private init; }
    public string? RawEmail { get; private init; }
    public string? RawPhone { get; private init; }
    public string? Passcode { get; private init; }
    public bool HasPasscode { get; private init; }

    public static PasswordlessRequest Parse(JsonElement body, ValidationErrors errors)
    {
        var fields = body.TryGetProperty("session", out var session) && session.ValueKind == JsonValueKind.Object ? session : body;
        string? clientId = null;
        foreach (var name in ClientIdNames)
        {
            if (ReadString(fields, name, errors) is { } value) { clientId = value; break; }
        }
        if (clientId is null) errors.Add("clientId", "is required");
        else if (clientId.Length > 64) errors.Add("clientId", "is too long");

        var passcodePresent = fields.TryGetProperty("passcode", out var passcodeElement) && passcodeElement.ValueKind != JsonValueKind.Null;
        string? passcode = null;
        if (passcodePresent)
        {
            if (passcodeElement.ValueKind == JsonValueKind.String) passcode = passcodeElement.GetString()!.Trim();
            else if (passcodeElement.ValueKind == JsonValueKind.Number) passcode = passcodeElement.GetRawText();
            else errors.Add("passcode", "must be a string");
        }
        return new PasswordlessRequest
        {
            ClientId = clientId,
            RawEmail = ReadString(fields, "email", errors),
            RawPhone = ReadString(fields, "phone", errors),
            Passcode = passcode,
            HasPasscode = passcodePresent,
        };
    }

    /// <summary>The normalized identifier the client's strategy asks for, or null with the reason in <paramref name="errors"/>.</summary>
    /// <param name="phones">Where a phone is entered: the client's environment (<see cref="PhoneNumberRule"/>).</param>
    public string? Identifier(Client client, ValidationErrors errors, PhoneContext phones)
    {
        if (RawEmail is not null && RawPhone is not null)
        {
            errors.Add(client.Strategy == AuthStrategy.Email ? "phone" : "email", "send either email or phone, not both");
            return null;
        }
        if (client.Strategy == AuthStrategy.Email)
        {
            if (RawPhone is not null) { errors.Add("phone", "this client signs in with email"); return null; }
            if (RawEmail is null) { errors.Add("email", "is required"); return null; }
            var email = Identifiers.NormalizeEmail(RawEmail);
            if (email is null) errors.Add("email", "is not a valid email address");
            return email;
        }
        if (RawEmail is not null) { errors.Add("email", "this client signs in with a phone number"); return null; }
        if (RawPhone is null) { errors.Add("phone", "is required"); return null; }
        var phone = Identifiers.NormalizePhone(RawPhone, phones);
        if (phone.Phone is null) errors.Add("phone", phone.Error!);
        return phone.Phone;
    }

    private static string? ReadString(JsonElement fields, string name, ValidationErrors errors)
    {
        if (!fields.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.String && value.GetString()!.Length <= 320) return value.GetString()!;
        errors.Add(name, value.ValueKind == JsonValueKind.String ? "is too long" : "must be a string");
        return null;
    }
}
