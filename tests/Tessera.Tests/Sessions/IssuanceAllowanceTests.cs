using Tessera.Sessions;
using Xunit;

namespace Tessera.Tests.Sessions;

/// <summary>The issuance limit as a pure rule (<see cref="IssuanceAllowance.Evaluate"/>), at each boundary: 10 an hour, 20 a day.</summary>
public sealed class IssuanceAllowanceTests
{
    private static readonly DateTime Now = new(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc);
    private static readonly IssuanceLimitOptions Limits = new() { PerHour = 10, PerDay = 20 };

    private static List<DateTime> Issued(int count, TimeSpan ago) => Enumerable.Repeat(Now - ago, count).ToList();

    public static TheoryData<string, List<DateTime>, bool, int, int, int> Cases => new()
    {
        // name, issued at, allowed, limit reported, remaining, reset (s)
        { "nothing issued", [], true, 10, 9, 3600 },
        { "9 this hour: the 10th is allowed, none left", Issued(9, TimeSpan.FromMinutes(30)), true, 10, 0, 1800 },
        { "10 this hour: refused until the oldest is an hour old", Issued(10, TimeSpan.FromMinutes(30)), false, 10, 0, 1800 },
        { "10 exactly an hour ago: they no longer count", Issued(10, TimeSpan.FromHours(1)), true, 10, 9, 3600 },
        { "19 today: one left by the day's budget", Issued(19, TimeSpan.FromHours(5)), true, 10, 0, 3600 },
        { "20 today: refused until the oldest is a day old", Issued(20, TimeSpan.FromHours(5)), false, 20, 0, 19 * 3600 },
        { "20 exactly a day ago: they no longer count", Issued(20, TimeSpan.FromDays(1)), true, 10, 9, 3600 },
        { "20 a day and a second ago: none count", Issued(20, TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1)), true, 10, 9, 3600 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheLimitDecidesAtEachBoundary(string name, List<DateTime> issued, bool allowed, int limit, int remaining, int reset)
    {
        // Passed in as read: the caller's read may reach back past the day (its clock was read before the lock's wait).
        var allowance = IssuanceAllowance.Evaluate(Limits, issued, Now);

        Assert.True((allowed, limit, remaining, reset) == (allowance.Allowed, allowance.Limit, allowance.Remaining, allowance.ResetSeconds),
            $"{name}: expected {(allowed, limit, remaining, reset)}, got {allowance}");
    }
}
