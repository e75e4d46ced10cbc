using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Tessera.Data;
using Tessera.Environments;
using Tessera.FinancialData;
using Tessera.Profiles;

namespace Tessera.Webhooks;

/// <summary>
/// The body POSTed to a subscription, in Quiltt's documented shape (docs/adr/0003-webhooks.md):
/// <c>{environment {id name mode metadata}, eventTypes, events [{id at type profile {id uuid metadata} record metadata}]}</c>,
/// one event per body. The only place a payload or a record is shaped.
/// </summary>
/// <remarks>
/// The record is read when the body is built, by the event type's first segment (<c>connection.…</c> reads the
/// connection), so any recorder only has to store the record's id. A row that no longer exists (a deleted profile),
/// and a type no reader knows, fall back to the record stored with the event.
/// </remarks>
public static class WebhookPayload
{
    public static async Task<string> BuildAsync(TesseraDbContext db, TesseraEnvironment environment, WebhookEvent evt, Statements.StatementLinks statementLinks, CancellationToken cancellationToken)
    {
        var stored = JsonNode.Parse(evt.RecordJson) as JsonObject ?? [];
        var metadata = stored[EventLog.MetadataKey]?.DeepClone() ?? new JsonObject();
        stored.Remove(EventLog.MetadataKey);
        var kind = evt.Type.Split('.')[0];
        var recordId = stored["id"] is JsonValue id && id.TryGetValue<string>(out var text) ? text : null;

        var profile = evt.ProfileId is null ? null
            : await db.Profiles.AsNoTracking().FirstOrDefaultAsync(p => p.Id == evt.ProfileId && p.EnvironmentId == evt.EnvironmentId, cancellationToken);
        var record = recordId is null ? null : await CurrentRecordAsync(db, kind, recordId, profile, evt.EnvironmentId, statementLinks, cancellationToken);

        return JavaScriptJson.Stringify(new JsonObject
        {
            ["environment"] = Environment(environment),
            ["eventTypes"] = new JsonArray(evt.Type),
            ["events"] = new JsonArray(new JsonObject
            {
                ["id"] = evt.Id,
                ["at"] = Time(evt.OccurredAt),
                ["type"] = evt.Type,
                ["profile"] = profile is not null ? ProfileBase(profile) : evt.ProfileId is null ? null : new JsonObject
                {
                    // Gone: a profile event's stored record is the profile; any other event knows only its id.
                    ["id"] = evt.ProfileId,
                    ["uuid"] = kind == "profile" ? stored["uuid"]?.DeepClone() : null,
                    ["metadata"] = kind == "profile" ? stored["metadata"]?.DeepClone() : null,
                },
                ["record"] = record ?? stored,
                ["metadata"] = metadata,
            }),
        });
    }

    private static async Task<JsonObject?> CurrentRecordAsync(TesseraDbContext db, string kind, string id, Profile? profile, string environmentId, Statements.StatementLinks statementLinks, CancellationToken cancellationToken)
    {
        switch (kind)
        {
            case "profile":
                return profile is not null && profile.Id == id ? Profile(profile) : null;
            case "connection":
                var connection = await db.Connections.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.EnvironmentId == environmentId, cancellationToken);
                return connection is null ? null : Connection(connection);
            case "account":
                var account = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && a.EnvironmentId == environmentId, cancellationToken);
                return account is null ? null : Account(account);
            case "balance":
                var balance = await (
                    from b in db.Balances.AsNoTracking()
                    join a in db.Accounts.AsNoTracking() on b.AccountId equals a.Id
                    where b.Id == id && b.EnvironmentId == environmentId
                    select new { Balance = b, a.CurrencyCode }).FirstOrDefaultAsync(cancellationToken);
                return balance is null ? null : Balance(balance.Balance, balance.CurrencyCode);
            case "statement":
                var statement = await db.Statements.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id && s.EnvironmentId == environmentId, cancellationToken);
                return statement is null ? null : Statement(statement, statementLinks.UrlOf(statement));
            default:
                return null;
        }
    }

    /// <summary>Quiltt's Statement schema; a mock statement's <c>url</c> is a fresh link, made when the delivery is sent.</summary>
    public static JsonObject Statement(FinancialData.Statement s, string? url) => new()
    {
        ["id"] = s.Id,
        ["accountId"] = s.AccountId,
        ["at"] = Time(s.UpdatedAt),
        ["startOn"] = s.StartOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["endOn"] = s.EndOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["url"] = url,
        ["metadata"] = Metadata(s.MetadataJson),
        ["createdAt"] = Time(s.CreatedAt),
        ["updatedAt"] = Time(s.UpdatedAt),
    };

    public static JsonObject Environment(TesseraEnvironment e) => new()
    {
        ["id"] = e.Id,
        ["name"] = e.Name,
        ["mode"] = e.Mode.ToString().ToUpperInvariant(),
        ["metadata"] = Metadata(e.MetadataJson),
    };

    /// <summary>Quiltt's ProfileBase: what every event says of its profile.</summary>
    public static JsonObject ProfileBase(Profile p) => new()
    {
        ["id"] = p.Id,
        ["uuid"] = p.Uuid.ToString(),
        ["metadata"] = Metadata(p.MetadataJson),
    };

    /// <summary>Quiltt's Profile schema.</summary>
    public static JsonObject Profile(Profile p)
    {
        var hasNames = p.FirstName is not null || p.LastName is not null;
        var hasAddress = p.AddressLine1 is not null || p.AddressCity is not null || p.AddressPostalCode is not null || p.AddressCountryCode is not null;
        return new JsonObject
        {
            ["id"] = p.Id,
            ["uuid"] = p.Uuid.ToString(),
            ["metadata"] = Metadata(p.MetadataJson),
            ["email"] = p.Email,
            ["phone"] = p.Phone,
            ["name"] = p.Name,
            ["names"] = hasNames ? new JsonObject
            {
                ["full"] = string.Join(' ', new[] { p.FirstName, p.LastName }.Where(s => !string.IsNullOrEmpty(s))),
                ["first"] = p.FirstName,
                ["last"] = p.LastName,
            } : null,
            ["dateOfBirth"] = p.DateOfBirth,
            ["address"] = hasAddress ? new JsonObject
            {
                ["line1"] = p.AddressLine1,
                ["line2"] = p.AddressLine2,
                ["city"] = p.AddressCity,
                ["state"] = p.AddressState,
                ["postalCode"] = p.AddressPostalCode,
                ["countryCode"] = p.AddressCountryCode,
            } : null,
            ["at"] = Time(p.UpdatedAt),
            ["createdAt"] = Time(p.CreatedAt),
            ["updatedAt"] = Time(p.UpdatedAt),
        };
    }

    /// <summary>Quiltt's Connection schema; <c>at</c> is the connection's last known state (its last change).</summary>
    public static JsonObject Connection(Connection c) => new()
    {
        ["id"] = c.Id,
        ["at"] = Time(c.UpdatedAt),
        ["provider"] = WireEnum.Name(c.Provider),
        // Every Tessera connection carries balances and transactions, and nothing more.
        ["features"] = new JsonArray("ACCOUNT_BALANCES_AND_TRANSACTIONS"),
        ["products"] = new JsonArray("ACCOUNT_BALANCES_AND_TRANSACTIONS"),
        ["status"] = WireEnum.Name(c.Status),
        ["metadata"] = Metadata(c.MetadataJson),
        ["createdAt"] = Time(c.CreatedAt),
        ["updatedAt"] = Time(c.UpdatedAt),
    };

    /// <summary>Quiltt's Account schema.</summary>
    public static JsonObject Account(Account a) => new()
    {
        ["id"] = a.Id,
        ["connectionId"] = a.ConnectionId,
        ["at"] = Time(a.UpdatedAt),
        ["state"] = WireEnum.Name(a.State),
        ["metadata"] = Metadata(a.MetadataJson),
        ["createdAt"] = Time(a.CreatedAt),
        ["updatedAt"] = Time(a.UpdatedAt),
    };

    /// <summary>Quiltt's Balance schema: amounts in major units of the account's currency, as the GraphQL API gives them.</summary>
    public static JsonObject Balance(Balance b, string currencyCode) => new()
    {
        ["id"] = b.Id,
        ["accountId"] = b.AccountId,
        ["at"] = Time(b.At),
        ["source"] = "SYNC",
        ["available"] = b.Available is { } available ? DataApi.Money.ToMajor(available, currencyCode) : null,
        ["current"] = DataApi.Money.ToMajor(b.Current, currencyCode),
        ["limit"] = b.CreditLimit is { } limit ? DataApi.Money.ToMajor(limit, currencyCode) : null,
    };

    private static JsonNode? Metadata(string? json) => json is null ? null : JsonNode.Parse(json);

    /// <summary>ISO 8601 in UTC to the second, as Quiltt's examples write it.</summary>
    public static string Time(DateTime at) =>
        DateTime.SpecifyKind(at, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
