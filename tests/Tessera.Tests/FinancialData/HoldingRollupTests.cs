using Tessera.FinancialData;
using Tessera.Statements;
using Xunit;

namespace Tessera.Tests.FinancialData;

/// <summary>The roll-up rule and the link expiry decision, as pure functions.</summary>
public sealed class HoldingRollupTests
{
    private static readonly DateTime Morning = new(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc);

    private static AccountHolding Position(string id, string account, string security, decimal quantity, decimal price, decimal? costBasis, DateTime at) => new()
    {
        Id = id, EnvironmentId = "env_x", ProfileId = "p_x", AccountId = account, SecurityId = security,
        Quantity = quantity, Price = price, Value = quantity * price, CostBasis = costBasis, At = at,
    };

    public static TheoryData<string, AccountHolding[], decimal, decimal, decimal?, DateTime> Cases => new()
    {
        { "one position", [Position("a", "acct_1", "sec_1", 10, 5, 40, Morning)], 10, 5, 40, Morning },
        { "two accounts add up; the latest price wins",
            [Position("a", "acct_1", "sec_1", 10, 5, 40, Morning), Position("b", "acct_2", "sec_1", 2.5m, 6, 12, Morning.AddHours(1))], 12.5m, 6, 52, Morning.AddHours(1) },
        { "an unknown cost basis makes the sum unknown",
            [Position("a", "acct_1", "sec_1", 10, 5, 40, Morning), Position("b", "acct_2", "sec_1", 1, 5, null, Morning)], 11, 5, null, Morning },
        { "a short position offsets a long one",
            [Position("a", "acct_1", "sec_1", 10, 5, 40, Morning), Position("b", "acct_2", "sec_1", -4, 5, 0, Morning)], 6, 5, 40, Morning },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void PositionsOfOneSecurityCombine(string name, AccountHolding[] positions, decimal quantity, decimal price, decimal? costBasis, DateTime at)
    {
        var holding = Assert.Single(HoldingRollup.Combine("p_x", positions));
        Assert.True((quantity, price, costBasis, at) == (holding.Quantity, holding.Price, holding.CostBasis, holding.At), name);
        Assert.Equal(positions.Sum(p => p.Value), holding.Value);
        Assert.Equal(HoldingRollup.IdOf("p_x", "sec_1"), holding.Id);
    }

    [Fact]
    public void SecuritiesStaySeparateLargestFirstWithIdsPerProfile()
    {
        var holdings = HoldingRollup.Combine("p_x", [Position("a", "acct_1", "sec_1", 1, 5, 1, Morning), Position("b", "acct_1", "sec_2", 10, 5, 1, Morning)]);
        Assert.Equal(["sec_2", "sec_1"], holdings.Select(h => h.SecurityId));
        Assert.Matches("^hld_[0-9A-Za-z]{22}$", holdings[0].Id);
        Assert.NotEqual(HoldingRollup.IdOf("p_x", "sec_1"), HoldingRollup.IdOf("p_y", "sec_1"));
        Assert.Empty(HoldingRollup.Combine("p_x", []));
    }

    [Theory]
    [InlineData(-1, StatementLinkCheck.Valid)]
    [InlineData(0, StatementLinkCheck.Expired)]
    [InlineData(1, StatementLinkCheck.Expired)]
    public void ALinkWorksUntilTheSecondItExpires(int secondsFromExpiry, StatementLinkCheck expected)
    {
        var expires = new DateTimeOffset(2026, 11, 22, 12, 15, 0, TimeSpan.Zero);
        Assert.Equal(expected, StatementLinks.Decide(expires.ToUnixTimeSeconds(), expires.AddSeconds(secondsFromExpiry)));
    }
}
