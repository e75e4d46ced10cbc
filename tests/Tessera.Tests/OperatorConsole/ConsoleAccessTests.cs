using Tessera.OperatorConsole;
using Xunit;

namespace Tessera.Tests.OperatorConsole;

/// <summary>The console's access rule at each boundary: timeouts end exactly at their deadline, viewers read only.</summary>
public sealed class ConsoleAccessTests
{
    private static readonly DateTime Start = new(2026, 12, 8, 9, 0, 0, DateTimeKind.Utc);
    private static readonly ConsoleOptions Options = new() { IdleTimeout = TimeSpan.FromMinutes(30), AbsoluteTimeout = TimeSpan.FromHours(8) };

    private static ConsoleSession Session(ConsoleRole role = ConsoleRole.Admin, DateTime? lastSeen = null, DateTime? revoked = null, DateTime? signedOut = null) => new()
    {
        Id = "css_x", SecretHash = new byte[32], Operator = "ada", Role = role, LinkId = "csl_x",
        CreatedAt = Start, LastSeenAt = lastSeen ?? Start, RevokedAt = revoked, SignedOutAt = signedOut,
    };

    public static TheoryData<string, ConsoleSession?, double, bool, ConsoleAccessDecision> Cases => new()
    {
        { "no session", null, 0, false, ConsoleAccessDecision.NoSession },
        { "fresh admin reads", Session(), 0, false, ConsoleAccessDecision.Allowed },
        { "fresh admin changes", Session(), 0, true, ConsoleAccessDecision.Allowed },
        { "viewer reads", Session(ConsoleRole.Viewer), 0, false, ConsoleAccessDecision.Allowed },
        { "viewer changes", Session(ConsoleRole.Viewer), 0, true, ConsoleAccessDecision.Forbidden },
        { "one second before idle", Session(), 30 * 60 - 1, false, ConsoleAccessDecision.Allowed },
        { "at idle", Session(), 30 * 60, false, ConsoleAccessDecision.IdleExpired },
        { "busy, one second before absolute", Session(lastSeen: Start.AddHours(8).AddMinutes(-1)), 8 * 3600 - 1, false, ConsoleAccessDecision.Allowed },
        { "busy, at absolute", Session(lastSeen: Start.AddHours(8).AddMinutes(-1)), 8 * 3600, false, ConsoleAccessDecision.AbsoluteExpired },
        { "revoked", Session(revoked: Start), 1, false, ConsoleAccessDecision.Revoked },
        { "signed out", Session(signedOut: Start), 1, false, ConsoleAccessDecision.SignedOut },
        { "expired viewer asking a change is told it expired", Session(ConsoleRole.Viewer), 30 * 60, true, ConsoleAccessDecision.IdleExpired },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheDecisionAtEachBoundary(string name, ConsoleSession? session, double secondsAfterStart, bool needsAdmin, ConsoleAccessDecision expected)
    {
        Assert.NotNull(name);
        Assert.Equal(expected, ConsoleAccess.Decide(session, Start.AddSeconds(secondsAfterStart), Options, needsAdmin));
    }

    [Fact]
    public void ALinkOpensOnlyUnusedAndStrictlyBeforeItExpires()
    {
        var link = new ConsoleLink { Id = "csl_x", SecretHash = new byte[32], Operator = "ada", CreatedAt = Start, ExpiresAt = Start.AddMinutes(5) };
        Assert.True(ConsoleAccess.LinkIsOpenable(link, Start.AddMinutes(5).AddSeconds(-1)));
        Assert.False(ConsoleAccess.LinkIsOpenable(link, Start.AddMinutes(5)));
        link.UsedAt = Start;
        Assert.False(ConsoleAccess.LinkIsOpenable(link, Start));
    }

    [Theory]
    [InlineData("ada", true)]
    [InlineData("ada.lovelace@example.com", true)]
    [InlineData("", false)]
    [InlineData("ada lovelace", false)]
    [InlineData("<script>", false)]
    [InlineData("a123456789012345678901234567890123456789012345678", false)]
    public void OperatorNamesAreShortAndPlain(string name, bool valid) => Assert.Equal(valid, ConsoleAccess.IsValidOperatorName(name));

    [Fact]
    public void TheCsrfTokenIsTheSessionsOwn()
    {
        var token = ConsoleSignIn.CsrfToken("css_a.secret");
        Assert.True(ConsoleSignIn.CsrfTokenMatches("css_a.secret", token));
        Assert.False(ConsoleSignIn.CsrfTokenMatches("css_b.secret", token));
        Assert.False(ConsoleSignIn.CsrfTokenMatches("css_a.secret", ""));
        Assert.False(ConsoleSignIn.CsrfTokenMatches("css_a.secret", null));
    }
}
