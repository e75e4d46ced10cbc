using System.Globalization;
using System.Text.Json;

namespace Tessera.FinancialData;

public enum ImportRecordType { Connection, Account, Balance, Transaction, Security, Holding, Statement }

/// <summary>One rejected record: where it is in the batch, which field, and why.</summary>
public sealed record ImportError(int Index, string? Type, Guid? Uuid, string Field, string Message);

/// <summary>A profile named by its <c>p_</c> id or by its uuid.</summary>
internal readonly record struct EntityRef(string? Id, Guid? Uuid)
{
    public bool IsSet => Id is not null || Uuid is not null;
}

internal sealed record ConnectionFields(ConnectionProvider Provider, ConnectionStatus Status, string? InstitutionId, string? InstitutionName, string? InstitutionLogoUrl, string? MetadataJson, string? RemoteDataJson);
internal sealed record AccountFields(string Name, string? Mask, AccountType Type, AccountKind Kind, AccountState State, string CurrencyCode, bool Verified, string? MetadataJson, string? RemoteDataJson);
internal sealed record BalanceFields(DateTime At, long Current, long? Available, long? CreditLimit, string? RemoteDataJson);
internal sealed record TransactionFields(DateOnly Date, string Description, long Amount, string? CurrencyCode, EntryType EntryType, TransactionStatus Status, string? MerchantId, string? MerchantName, string? MetadataJson, string? RemoteDataJson);
internal sealed record SecurityFields(string Name, string? Ticker, SecurityType Type, string? Cusip, string? Isin);
internal sealed record HoldingFields(EntityRef Security, decimal Quantity, decimal Price, decimal Value, decimal? CostBasis, DateTime At, string? RemoteDataJson);
internal sealed record StatementFields(DateOnly StartOn, DateOnly EndOn, string? Url, string? MetadataJson);

/// <summary>A record that passed validation, its references not yet resolved.</summary>
internal sealed record ParsedRecord(int Index, ImportRecordType Type, Guid Uuid, EntityRef Profile, EntityRef Parent, object Fields)
{
    public string TypeName => WireType(Type);

    public static string WireType(ImportRecordType type) => type switch
    {
        ImportRecordType.Connection => "connection",
        ImportRecordType.Account => "account",
        ImportRecordType.Balance => "balance",
        ImportRecordType.Transaction => "transaction",
        ImportRecordType.Security => "security",
        ImportRecordType.Holding => "holding",
        _ => "statement",
    };
}

/// <summary>
/// Validates one import record (a JSON object) and collects every problem with its field. Unknown fields are errors:
/// a typo (<c>ammount</c>) must not import a transaction without its amount.
/// </summary>
internal static class ImportRecordParser
{
    private static readonly HashSet<string> Common = ["type", "uuid", "profileId", "profileUuid", "metadata", "remoteData"];
    private static readonly Dictionary<ImportRecordType, HashSet<string>> Known = new()
    {
        [ImportRecordType.Connection] = [.. Common, "provider", "status", "institution"],
        [ImportRecordType.Account] = [.. Common, "connectionId", "connectionUuid", "name", "mask", "accountType", "kind", "state", "currencyCode", "verified"],
        [ImportRecordType.Balance] = ["type", "uuid", "profileId", "profileUuid", "accountId", "accountUuid", "at", "current", "available", "limit", "remoteData"],
        [ImportRecordType.Transaction] = [.. Common, "accountId", "accountUuid", "date", "description", "amount", "currencyCode", "entryType", "status", "merchant"],
        [ImportRecordType.Security] = ["type", "uuid", "profileId", "profileUuid", "name", "ticker", "securityType", "cusip", "isin"],
        [ImportRecordType.Holding] = ["type", "uuid", "profileId", "profileUuid", "accountId", "accountUuid", "securityId", "securityUuid", "quantity", "price", "value", "costBasis", "at", "remoteData"],
        [ImportRecordType.Statement] = [.. Common, "accountId", "accountUuid", "startOn", "endOn", "url"],
    };

    public static ParsedRecord? Parse(int index, JsonElement element, ImportErrorLog log)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            log.Add(new ImportError(index, null, null, "", "must be a JSON object"));
            log.CountFailedRecord();
            return null;
        }
        var errors = new List<(string Field, string Message)>();
        var reader = new FieldReader(element, errors);

        ImportRecordType? type = reader.String("type", 16) switch
        {
            "connection" => ImportRecordType.Connection,
            "account" => ImportRecordType.Account,
            "balance" => ImportRecordType.Balance,
            "transaction" => ImportRecordType.Transaction,
            "security" => ImportRecordType.Security,
            "holding" => ImportRecordType.Holding,
            "statement" => ImportRecordType.Statement,
            _ => null,
        };
        if (type is null)
        {
            if (errors.Count == 0) errors.Add(("type", "must be one of connection, account, balance, transaction, security, holding, statement"));
            Flush(index, null, null, errors, log);
            return null;
        }

        var uuid = reader.Guid("uuid");
        if (uuid is null && !errors.Any(e => e.Field == "uuid"))
            errors.Add(("uuid", "is required: records are upserted by it, so re-sending a batch is safe"));
        var profile = reader.Ref("profileId", "profileUuid", idPrefix: "p_");

        foreach (var property in element.EnumerateObject())
            if (!Known[type.Value].Contains(property.Name)) errors.Add((property.Name, $"is not a field of a {ParsedRecord.WireType(type.Value)} record"));

        EntityRef parent = default;
        object? fields = null;
        switch (type.Value)
        {
            case ImportRecordType.Connection:
            {
                if (!profile.IsSet && !errors.Any(e => e.Field.StartsWith("profile", StringComparison.Ordinal)))
                    errors.Add(("profileId", "is required (or profileUuid)"));
                var provider = reader.Enum("provider", ConnectionProvider.Import);
                var status = reader.Enum("status", ConnectionStatus.Synced);
                var institution = reader.Object("institution");
                string? institutionId = null, institutionName = null, logoUrl = null;
                if (institution is { } i)
                {
                    var inner = new FieldReader(i, errors, "institution.");
                    institutionId = inner.String("id", FinancialLimits.ExternalId);
                    institutionName = inner.String("name", FinancialLimits.Name);
                    logoUrl = inner.String("logoUrl", FinancialLimits.Url);
                    if (logoUrl is not null && !(Uri.TryCreate(logoUrl, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
                        errors.Add(("institution.logoUrl", "must be an absolute http(s) URL"));
                }
                fields = new ConnectionFields(provider, status, institutionId, institutionName, logoUrl, reader.Metadata(), reader.RemoteData());
                break;
            }
            case ImportRecordType.Account:
            {
                parent = reader.Ref("connectionId", "connectionUuid", idPrefix: Connection.IdPrefix);
                if (!parent.IsSet && !errors.Any(e => e.Field.StartsWith("connection", StringComparison.Ordinal)))
                    errors.Add(("connectionId", "is required (or connectionUuid)"));
                var name = reader.String("name", FinancialLimits.Name);
                if (name is null && !errors.Any(e => e.Field == "name")) errors.Add(("name", "is required"));
                var accountType = reader.Enum("accountType", AccountType.Other);
                var kind = reader.Enum("kind", Account.KindOf(accountType));
                fields = new AccountFields(name ?? "", reader.String("mask", FinancialLimits.Mask), accountType, kind,
                    reader.Enum("state", AccountState.Open), reader.Currency("currencyCode") ?? "USD", reader.Bool("verified") ?? false, reader.Metadata(), reader.RemoteData());
                break;
            }
            case ImportRecordType.Balance:
            {
                parent = AccountRef(reader, errors);
                var at = reader.Timestamp("at");
                if (at is null && !errors.Any(e => e.Field == "at")) errors.Add(("at", "is required (ISO 8601 date-time with offset)"));
                var current = reader.Long("current", allowNegative: true);
                if (current is null && !errors.Any(e => e.Field == "current")) errors.Add(("current", "is required (minor units, e.g. cents)"));
                fields = new BalanceFields(at ?? default, current ?? 0, reader.Long("available", allowNegative: true), reader.Long("limit", allowNegative: false), reader.RemoteData());
                break;
            }
            case ImportRecordType.Transaction:
            {
                parent = AccountRef(reader, errors);
                var date = reader.Date("date");
                if (date is null && !errors.Any(e => e.Field == "date")) errors.Add(("date", "is required (YYYY-MM-DD)"));
                var description = reader.String("description", FinancialLimits.Description);
                if (description is null && !errors.Any(e => e.Field == "description")) errors.Add(("description", "is required"));
                var amount = reader.Long("amount", allowNegative: false);
                if (amount is null && !errors.Any(e => e.Field == "amount")) errors.Add(("amount", "is required (minor units, e.g. cents; the direction is entryType)"));
                EntryType? entryType = element.TryGetProperty("entryType", out _) ? reader.Enum("entryType", EntryType.Debit) : null;
                if (entryType is null) errors.Add(("entryType", "is required (DEBIT or CREDIT)"));
                string? merchantId = null, merchantName = null;
                if (reader.Object("merchant") is { } m)
                {
                    var inner = new FieldReader(m, errors, "merchant.");
                    merchantId = inner.String("id", FinancialLimits.ExternalId);
                    merchantName = inner.String("name", FinancialLimits.Name);
                }
                fields = new TransactionFields(date ?? default, description ?? "", amount ?? 0, reader.Currency("currencyCode"), entryType ?? EntryType.Debit,
                    reader.Enum("status", TransactionStatus.Posted), merchantId, merchantName, reader.Metadata(), reader.RemoteData());
                break;
            }
            case ImportRecordType.Security:
            {
                // A security belongs to a profile, like every financial row: its holdings must be of the same one.
                if (!profile.IsSet && !errors.Any(e => e.Field.StartsWith("profile", StringComparison.Ordinal)))
                    errors.Add(("profileId", "is required (or profileUuid)"));
                var name = reader.String("name", FinancialLimits.Name);
                if (name is null && !errors.Any(e => e.Field == "name")) errors.Add(("name", "is required"));
                var cusip = reader.String("cusip", 9);
                if (cusip is not null && !(cusip.Length == 9 && cusip.All(char.IsAsciiLetterOrDigit))) errors.Add(("cusip", "must be 9 letters or digits"));
                var isin = reader.String("isin", 12);
                if (isin is not null && !(isin.Length == 12 && isin.All(char.IsAsciiLetterOrDigit))) errors.Add(("isin", "must be 12 letters or digits"));
                fields = new SecurityFields(name ?? "", reader.String("ticker", InvestmentLimits.Ticker), reader.Enum("securityType", SecurityType.Other),
                    cusip?.ToUpperInvariant(), isin?.ToUpperInvariant());
                break;
            }
            case ImportRecordType.Holding:
            {
                parent = AccountRef(reader, errors);
                var security = reader.Ref("securityId", "securityUuid", idPrefix: InvestmentSecurity.IdPrefix);
                if (!security.IsSet && !errors.Any(e => e.Field.StartsWith("security", StringComparison.Ordinal)))
                    errors.Add(("securityId", "is required (or securityUuid)"));
                var quantity = reader.Decimal("quantity", allowNegative: true);
                if (quantity is null && !errors.Any(e => e.Field == "quantity")) errors.Add(("quantity", "is required (units held; short positions are negative)"));
                var price = reader.Decimal("price", allowNegative: false);
                if (price is null && !errors.Any(e => e.Field == "price")) errors.Add(("price", "is required (per unit, in the account's currency, e.g. 178.32)"));
                var at = reader.Timestamp("at");
                if (at is null && !errors.Any(e => e.Field == "at")) errors.Add(("at", "is required (ISO 8601 date-time with offset)"));
                var value = reader.Decimal("value", allowNegative: true) ?? (quantity is { } q && price is { } p ? decimal.Round(q * p, 2, MidpointRounding.ToEven) : 0m);
                fields = new HoldingFields(security, quantity ?? 0, price ?? 0, value, reader.Decimal("costBasis", allowNegative: false), at ?? default,
                    reader.Json("remoteData"));
                break;
            }
            case ImportRecordType.Statement:
            {
                parent = AccountRef(reader, errors);
                var startOn = reader.Date("startOn");
                if (startOn is null && !errors.Any(e => e.Field == "startOn")) errors.Add(("startOn", "is required (YYYY-MM-DD)"));
                var endOn = reader.Date("endOn");
                if (endOn is null && !errors.Any(e => e.Field == "endOn")) errors.Add(("endOn", "is required (YYYY-MM-DD)"));
                if (startOn > endOn) errors.Add(("endOn", "must not be before startOn"));
                var url = reader.String("url", FinancialLimits.Url);
                // The PDF's address is handed to the profile's clients: https only, so it cannot be a javascript: or file: link.
                if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var pdf) && pdf.Scheme == Uri.UriSchemeHttps))
                    errors.Add(("url", "must be an absolute https URL"));
                fields = new StatementFields(startOn ?? default, endOn ?? default, url, reader.Metadata());
                break;
            }
        }

        if (errors.Count > 0)
        {
            Flush(index, ParsedRecord.WireType(type.Value), uuid, errors, log);
            return null;
        }
        return new ParsedRecord(index, type.Value, uuid!.Value, profile, parent, fields!);
    }

    private static EntityRef AccountRef(FieldReader reader, List<(string Field, string Message)> errors)
    {
        var parent = reader.Ref("accountId", "accountUuid", idPrefix: Account.IdPrefix);
        if (!parent.IsSet && !errors.Any(e => e.Field.StartsWith("account", StringComparison.Ordinal)))
            errors.Add(("accountId", "is required (or accountUuid)"));
        return parent;
    }

    private static void Flush(int index, string? type, Guid? uuid, List<(string Field, string Message)> errors, ImportErrorLog log)
    {
        foreach (var (field, message) in errors) log.Add(new ImportError(index, type, uuid, field, message));
        log.CountFailedRecord();
    }

    /// <summary>Reads typed fields of one JSON object; a wrong value adds an error and reads as absent.</summary>
    private readonly struct FieldReader(JsonElement element, List<(string Field, string Message)> errors, string prefix = "")
    {
        private bool TryGet(string name, out JsonElement value) =>
            element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

        public string? String(string name, int maxLength)
        {
            if (!TryGet(name, out var value)) return null;
            if (value.ValueKind != JsonValueKind.String) { errors.Add((prefix + name, "must be a string")); return null; }
            var text = value.GetString()!.Trim();
            if (text.Length > maxLength) { errors.Add((prefix + name, $"is too long (at most {maxLength} characters)")); return null; }
            if (text.Any(char.IsControl)) { errors.Add((prefix + name, "must not contain control characters")); return null; }
            return text.Length == 0 ? null : text;
        }

        public Guid? Guid(string name)
        {
            if (String(name, 36) is not { } text) return null;
            if (System.Guid.TryParse(text, out var uuid) && uuid != System.Guid.Empty) return uuid;
            errors.Add((prefix + name, "must be a UUID"));
            return null;
        }

        public EntityRef Ref(string idField, string uuidField, string idPrefix)
        {
            var id = String(idField, 64);
            if (id is not null && !(id.StartsWith(idPrefix, StringComparison.Ordinal) && id.Length > idPrefix.Length && !id.AsSpan(idPrefix.Length).ContainsAnyExcept(Base62)))
            {
                errors.Add((prefix + idField, $"must be an id starting with {idPrefix}"));
                id = null;
            }
            var uuid = Guid(uuidField);
            if (id is not null && uuid is not null) errors.Add((prefix + idField, $"give {idField} or {uuidField}, not both"));
            return new EntityRef(id, uuid);
        }

        public T Enum<T>(string name, T fallback) where T : struct, System.Enum
        {
            if (!TryGet(name, out var value)) return fallback;
            if (value.ValueKind == JsonValueKind.String && WireEnum.TryParse<T>(value.GetString(), out var parsed)) return parsed;
            errors.Add((prefix + name, $"must be one of {WireEnum.List<T>()}"));
            return fallback;
        }

        public long? Long(string name, bool allowNegative)
        {
            if (!TryGet(name, out var value)) return null;
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && (allowNegative || number >= 0)) return number;
            errors.Add((prefix + name, allowNegative
                ? "must be a whole number of minor units (e.g. cents), within 64 bits"
                : "must be a non-negative whole number of minor units (e.g. cents), within 64 bits"));
            return null;
        }

        public decimal? Decimal(string name, bool allowNegative)
        {
            if (!TryGet(name, out var value)) return null;
            if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number) && (allowNegative || number >= 0)
                // Within numeric(28,8), and a quantity times a price stays within a decimal.
                && System.Math.Abs(number) < 1e14m)
                return decimal.Round(number, 8, MidpointRounding.ToEven);
            errors.Add((prefix + name, allowNegative ? "must be a number, at most 14 digits before the point" : "must be a non-negative number, at most 14 digits before the point"));
            return null;
        }

        /// <summary>Any JSON object, kept as given (at most the metadata size).</summary>
        public string? Json(string name)
        {
            if (Object(name) is not { } value) return null;
            var raw = value.GetRawText();
            if (raw.Length > FinancialLimits.MetadataJson) { errors.Add((prefix + name, $"is too large (at most {FinancialLimits.MetadataJson} characters of JSON)")); return null; }
            return raw;
        }

        public bool? Bool(string name)
        {
            if (!TryGet(name, out var value)) return null;
            if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
            errors.Add((prefix + name, "must be true or false"));
            return null;
        }

        public DateOnly? Date(string name)
        {
            if (String(name, 10) is not { } text) return null;
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && date.Year >= 1900 && date.Year <= 2999)
                return date;
            errors.Add((prefix + name, "must be a date as YYYY-MM-DD"));
            return null;
        }

        public DateTime? Timestamp(string name)
        {
            if (String(name, 40) is not { } text) return null;
            // An offset is required: a timestamp without one means a different instant on every server.
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
                && (text.EndsWith('Z') || text.EndsWith('z') || text.LastIndexOfAny(['+', '-']) > 10) && at.Year >= 1900 && at.Year <= 2999)
                return at.UtcDateTime;
            errors.Add((prefix + name, "must be an ISO 8601 date-time with an offset, e.g. 2026-11-22T12:00:00Z"));
            return null;
        }

        public string? Currency(string name)
        {
            if (String(name, 3) is not { } text) return null;
            if (text.Length == 3 && text.All(char.IsAsciiLetter)) return text.ToUpperInvariant();
            errors.Add((prefix + name, "must be a three-letter ISO 4217 currency code"));
            return null;
        }

        public JsonElement? Object(string name)
        {
            if (!TryGet(name, out var value)) return null;
            if (value.ValueKind == JsonValueKind.Object) return value;
            errors.Add((prefix + name, "must be an object"));
            return null;
        }

        public string? Metadata()
        {
            if (Object("metadata") is not { } metadata) return null;
            var count = 0;
            foreach (var property in metadata.EnumerateObject())
            {
                count++;
                if (property.Name.Length is 0 or > 100) { errors.Add((prefix + "metadata", "keys must be 1 to 100 characters")); return null; }
            }
            if (count > FinancialLimits.MetadataKeys) { errors.Add((prefix + "metadata", $"must have at most {FinancialLimits.MetadataKeys} keys")); return null; }
            var raw = metadata.GetRawText();
            if (raw.Length > FinancialLimits.MetadataJson) { errors.Add((prefix + "metadata", $"is too large (at most {FinancialLimits.MetadataJson} characters of JSON)")); return null; }
            return raw;
        }

        /// <summary>The provider's payload for the record, kept as the JSON text it was given.</summary>
        public string? RemoteData()
        {
            if (Object("remoteData") is not { } payload) return null;
            var raw = payload.GetRawText();
            if (raw.Length > FinancialLimits.RemoteDataJson) { errors.Add((prefix + "remoteData", $"is too large (at most {FinancialLimits.RemoteDataJson} characters of JSON)")); return null; }
            return raw;
        }

        private static readonly System.Buffers.SearchValues<char> Base62 =
            System.Buffers.SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
    }
}

/// <summary>The errors of one import, capped so a batch of bad records cannot grow the response without bound.</summary>
public sealed class ImportErrorLog(int maxErrors)
{
    private readonly List<ImportError> _errors = [];

    public int FailedRecords { get; private set; }
    public bool Truncated { get; private set; }
    public IReadOnlyList<ImportError> Errors => _errors;

    public void Add(ImportError error)
    {
        if (_errors.Count < maxErrors) _errors.Add(error);
        else Truncated = true;
    }

    public void CountFailedRecord() => FailedRecords++;
}
