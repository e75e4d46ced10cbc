using Tessera.Environments;
using Tessera.FinancialData;

namespace Tessera.Connectors;

/// <summary>An institution the Connector can offer, with its id at each provider that can reach it.</summary>
public sealed record Institution(string Id, string Name, string LogoFile, IReadOnlyDictionary<string, string> ProviderIds);

/// <summary>
/// The institutions a Connector offers. Tessera connects to no aggregator, so the directory is the sandbox mock bank
/// alone, and a PRODUCTION or DEVELOPMENT environment has none (ADR 0012).
/// </summary>
public static class InstitutionDirectory
{
    /// <summary>The provider keys <c>useQuilttResolvable</c> may send (<c>ConnectorsAPI.checkResolvable</c>).</summary>
    public static readonly IReadOnlyList<string> ProviderKeys = ["plaid", "mock", "mx", "finicity", "akoya"];

    public const int MinimumTermLength = 2;
    public const int MaximumTermLength = 100;
    public const int MaximumResults = 25;

    private static readonly IReadOnlyList<Institution> Sandbox =
    [
        new(MockBank.InstitutionId, MockBank.InstitutionName, "mock-bank.svg", new Dictionary<string, string> { ["mock"] = MockBank.InstitutionId }),
    ];

    /// <summary>What an environment of this mode can connect to.</summary>
    public static IReadOnlyList<Institution> Available(EnvironmentMode mode) => mode == EnvironmentMode.Sandbox ? Sandbox : [];

    /// <summary>The institution with this id, or null when this environment cannot connect to it.</summary>
    public static Institution? Find(EnvironmentMode mode, string? id) =>
        id is null ? null : Available(mode).FirstOrDefault(i => string.Equals(i.Id, id, StringComparison.Ordinal));

    /// <summary>Institutions whose name contains the term (case-insensitive) or whose id is the term.</summary>
    public static IReadOnlyList<Institution> Search(EnvironmentMode mode, string term) =>
        Available(mode).Where(i => i.Name.Contains(term, StringComparison.OrdinalIgnoreCase) || string.Equals(i.Id, term, StringComparison.Ordinal))
            .Take(MaximumResults).ToList();

    /// <summary>Whether a connection to the institution a provider calls <paramref name="providerId"/> can be made here.</summary>
    public static bool IsResolvable(EnvironmentMode mode, string providerKey, string providerId) =>
        Available(mode).Any(i => i.ProviderIds.TryGetValue(providerKey, out var id) && string.Equals(id, providerId, StringComparison.Ordinal));
}
