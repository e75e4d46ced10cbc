using System.Collections.Frozen;

namespace Tessera.FinancialData;

// Stored as their C# names (HasConversion<string>, like every enum in Tessera); written on the wire in the
// schema's SCREAMING_SNAKE_CASE (ErrorRepairable <-> ERROR_REPAIRABLE) by WireEnum.

public enum ConnectionProvider { Mock, Plaid, Mx, Akoya, Finicity, Import }

public enum ConnectionStatus { Initializing, Syncing, Synced, Upgrading, Disconnected, ErrorRepairable, ErrorInstitution, ErrorProvider, ErrorService }

public enum AccountType { Checking, Savings, Credit, Loan, Investment, Other }

public enum AccountKind { Depository, Credit, Loan, Investment }

public enum AccountState { Open, Closed }

public enum EntryType { Debit, Credit }

public enum TransactionStatus { Pending, Posted, Projected }

/// <summary>The schema's names of Tessera's enums: <c>ERROR_REPAIRABLE</c> for <c>ErrorRepairable</c>.</summary>
public static class WireEnum
{
    public static string Name<T>(T value) where T : struct, Enum => Names<T>.ToWire[value];

    /// <summary>Parses the wire name, case-insensitively (<c>error_repairable</c> too).</summary>
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        value = default;
        return text is not null && Names<T>.FromWire.TryGetValue(text, out value);
    }

    /// <summary>The accepted names, for error messages.</summary>
    public static string List<T>() where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(Name));

    private static class Names<T> where T : struct, Enum
    {
        public static readonly FrozenDictionary<T, string> ToWire =
            Enum.GetValues<T>().ToFrozenDictionary(v => v, v => Data.SnakeCase.From(v.ToString()).ToUpperInvariant());

        public static readonly FrozenDictionary<string, T> FromWire =
            ToWire.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.OrdinalIgnoreCase);
    }
}
