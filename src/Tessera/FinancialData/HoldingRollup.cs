using System.Security.Cryptography;
using System.Text;

namespace Tessera.FinancialData;

/// <summary>A profile-level position: every account's holding of one security, combined.</summary>
public sealed record Holding(string Id, string SecurityId, decimal Quantity, decimal Price, decimal Value, decimal? CostBasis, DateTime At);

/// <summary>
/// The one rule for profile-level holdings (Quiltt's <c>holdings</c> query): the account holdings of one security
/// combine into one holding. Quantities, values and cost bases add up; the price and the time are those of the most
/// recently priced position; the cost basis is unknown (null) if any position's is. The id (<c>hld_</c>) is derived
/// from the profile and the security, so it stays the same from one request to the next.
/// </summary>
public static class HoldingRollup
{
    public const string IdPrefix = "hld_";

    public static IReadOnlyList<Holding> Combine(string profileId, IEnumerable<AccountHolding> positions) =>
        positions
            .GroupBy(p => p.SecurityId, StringComparer.Ordinal)
            .Select(g =>
            {
                var latest = g.OrderByDescending(p => p.At).ThenBy(p => p.Id, StringComparer.Ordinal).First();
                var costBasis = g.All(p => p.CostBasis is not null) ? g.Sum(p => p.CostBasis!.Value) : (decimal?)null;
                return new Holding(IdOf(profileId, g.Key), g.Key, g.Sum(p => p.Quantity), latest.Price, g.Sum(p => p.Value), costBasis, latest.At);
            })
            // Largest positions first, then by id: a stable order for cursors.
            .OrderByDescending(h => h.Value).ThenBy(h => h.Id, StringComparer.Ordinal)
            .ToList();

    /// <summary>22 base62 characters from a hash of the profile and the security.</summary>
    public static string IdOf(string profileId, string securityId)
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("tessera-holding\n" + profileId + "\n" + securityId));
        var chars = new char[22];
        for (var i = 0; i < chars.Length; i++) chars[i] = alphabet[hash[i] % 62];
        return IdPrefix + new string(chars);
    }
}
