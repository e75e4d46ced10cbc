using System.ComponentModel;
using System.Text.Json;

namespace Tessera.OpenApi;

// The request bodies, for the OpenAPI document only. Handlers read their bodies by hand (Http.JsonBody, then the
// feature's parser: ProfileInput, PasswordlessRequest, ...) so that every way a body can be wrong gets the documented
// error body; these records describe what those parsers accept (a field left out is left unchanged), and the
// bodies written by hand (GraphQL's, the 202 of identify).

[Description("A profile's names.")]
public sealed record NamesInput(string? First = null, string? Last = null);

[Description("A postal address; countryCode is ISO 3166-1 alpha-2.")]
public sealed record AddressInput(string? Line1 = null, string? Line2 = null, string? City = null, string? State = null, string? PostalCode = null, string? CountryCode = null);

[Description("Issue a session token: for the profile userId or uuid names (a uuid nobody has yet creates one), or a new profile. The other attributes are applied to the profile.")]
public sealed record SessionIssueRequest(
    [property: Description("A profile id (p_…) or your UUID for the profile.")] string? UserId = null,
    [property: Description("Your UUID for the profile: the profile is created on first use.")] Guid? Uuid = null,
    string? Email = null, string? Phone = null, string? Name = null, NamesInput? Names = null,
    [property: Description("YYYY-MM-DD")] string? DateOfBirth = null, AddressInput? Address = null,
    [property: Description("Any JSON object; merged into the stored metadata.")] JsonElement? Metadata = null);

[Description("A new profile's attributes; all optional.")]
public sealed record ProfileCreateRequest(
    [property: Description("Your UUID for the profile.")] Guid? Uuid = null,
    string? Email = null, string? Phone = null, string? Name = null, NamesInput? Names = null,
    [property: Description("YYYY-MM-DD")] string? DateOfBirth = null, AddressInput? Address = null, JsonElement? Metadata = null);

[Description("The attributes to change; null clears one. The uuid cannot be changed.")]
public sealed record ProfileUpdateRequest(
    string? Email = null, string? Phone = null, string? Name = null, NamesInput? Names = null,
    [property: Description("YYYY-MM-DD")] string? DateOfBirth = null, AddressInput? Address = null,
    [property: Description("Merged into the stored metadata; a key set to null is removed.")] JsonElement? Metadata = null,
    [property: Description("true disables the profile and revokes its tokens everywhere; false enables it.")] bool? Disabled = null);

[Description("Identify with an email or a phone (the client's strategy says which), and to authenticate, the passcode sent to it.")]
public sealed record PasswordlessFields(
    [property: Description("The passwordless client's id; also accepted as deploymentId, appId, app_id or client_id.")] string ClientId,
    string? Email = null,
    [property: Description("E.164, or a national number the server can parse.")] string? Phone = null,
    [property: Description("The 6-digit passcode; required by PUT.")] string? Passcode = null);

[Description("Quiltt's shape, {\"session\": {...}}; the same fields bare are accepted too.")]
public sealed record PasswordlessRequestBody(PasswordlessFields Session);

[Description("A webhook subscription; on create, name, targetUrl and eventTypes are required.")]
public sealed record WebhookSubscriptionRequest(
    string? Name = null,
    [property: Description("An absolute https URL (http only in SANDBOX environments), without credentials or fragment.")] string? TargetUrl = null,
    [property: Description("Event types, or a parent scope such as 'profile'.")] IReadOnlyList<string>? EventTypes = null,
    bool? Disabled = null);

[Description("One record of an import, upserted by its uuid. Each type has its own fields (see the README's import section); unknown fields are rejected.")]
public sealed record ImportRecordBody(
    [property: Description("connection, account, balance, transaction, security, holding or statement.")] string Type,
    Guid Uuid,
    [property: Description("The profile, by p_ id (or profileUuid).")] string? ProfileId = null,
    Guid? ProfileUuid = null);

[Description("A GraphQL request; POST also takes a JSON array of them (a batch), answered with an array.")]
public sealed record GraphQLRequestBody(string Query, string? OperationName = null, JsonElement? Variables = null, JsonElement? Extensions = null);

[Description("A GraphQL error.")]
public sealed record GraphQLErrorBody(string Message, JsonElement? Locations = null, JsonElement? Path = null, JsonElement? Extensions = null);

[Description("A GraphQL response: data, and errors when any. A request that never reached GraphQL has only errors.")]
public sealed record GraphQLResponseBody(JsonElement? Data = null, IReadOnlyList<GraphQLErrorBody>? Errors = null);

[Description("No fields: a passcode is on its way to the identifier.")]
public sealed record PasscodeSentBody;
