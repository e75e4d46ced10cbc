using Tessera.Passcodes;
using Xunit;
using static Tessera.Passcodes.PasscodePolicy;

namespace Tessera.Tests.Passcodes;

/// <summary>
/// The passwordless rules at their edges, as pure decisions. The HTTP suites show each rule holds on every write
/// path; these pin the boundaries (one under a limit, at it) without a server.
/// </summary>
public sealed class PasscodePolicyTests
{
    private static readonly DateTime Now = new(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc);
    private static readonly PasscodeOptions Options = new();
    private static readonly ClientRules Open = new(SignupsEnabled: true, VerifyNewProfiles: false, EnumerationSafe: false);
    private static readonly ClientRules Closed = Open with { SignupsEnabled = false };
    private static readonly ClientRules Safe = Closed with { EnumerationSafe = true };
    private static readonly ClientRules SafeOpen = Open with { EnumerationSafe = true };

    private static SendState Known(string? profile = "p1", bool disabled = false) => new(profile, disabled, null, HasIp: true, 0, 0, CountsExact: false);

    public static TheoryData<string, SendState, ClientRules, SendVerdict> SendCases => new()
    {
        { "unknown, sign-ups open: sign up at once", Known(null), Open, SendVerdict.SignUp },
        { "unknown, verify new profiles: a code first", Known(null), Open with { VerifyNewProfiles = true }, SendVerdict.SendPasscode },
        { "unknown, sign-ups closed: says so", Known(null), Closed, SendVerdict.SignupsClosed },
        { "unknown, closed, enumeration-safe: a decoy", Known(null), Safe, SendVerdict.SendNothing },
        { "unknown, open, enumeration-safe: a code, the profile on proof", Known(null), SafeOpen, SendVerdict.SendPasscode },
        { "known: a code", Known(), Open, SendVerdict.SendPasscode },
        { "disabled: says so", Known(disabled: true), Open, SendVerdict.Disabled },
        { "disabled, enumeration-safe: a decoy", Known(disabled: true), Safe, SendVerdict.SendNothing },
        { "cooldown one second short: accepted, nothing sent", Known() with { NewestChallengeAt = Now.AddSeconds(-29) }, Open, SendVerdict.ResendSuppressed },
        { "cooldown over", Known() with { NewestChallengeAt = Now.AddSeconds(-30) }, Open, SendVerdict.SendPasscode },
        { "decoys keep the cooldown", Known(null) with { NewestChallengeAt = Now.AddSeconds(-1) }, Safe, SendVerdict.ResendSuppressed },
        { "unknown, verify new profiles, in the cooldown", Known(null) with { NewestChallengeAt = Now.AddSeconds(-1) }, Open with { VerifyNewProfiles = true }, SendVerdict.ResendSuppressed },
        { "cooldown does not hide a sign-up", Known(null) with { NewestChallengeAt = Now.AddSeconds(-1) }, Open, SendVerdict.SignUp },
        { "cooldown does not hide a disabled profile", Known(disabled: true) with { NewestChallengeAt = Now.AddSeconds(-1) }, Open, SendVerdict.Disabled },
        { "network at its limit inside the cooldown: the limit answers", Known() with { NewestChallengeAt = Now.AddSeconds(-1), SendsFromIp = 20, CountsExact = true }, Open, SendVerdict.IpLimit },
        { "environment at its limit inside the cooldown: the limit answers", Known() with { NewestChallengeAt = Now.AddSeconds(-1), SendsInEnvironment = 1000, CountsExact = true }, Open, SendVerdict.EnvironmentLimit },
        { "network one under its limit", Known() with { SendsFromIp = 19, CountsExact = true }, Open, SendVerdict.SendPasscode },
        { "network at its limit, upper bound: count exactly", Known() with { SendsFromIp = 20 }, Open, SendVerdict.CountExactly },
        { "network at its limit, exact", Known() with { SendsFromIp = 20, CountsExact = true }, Open, SendVerdict.IpLimit },
        { "no IP: no network limit", Known() with { HasIp = false, SendsFromIp = 99, CountsExact = true }, Open, SendVerdict.SendPasscode },
        { "environment at its limit, exact", Known() with { SendsInEnvironment = 1000, CountsExact = true }, Open, SendVerdict.EnvironmentLimit },
        { "decoys keep the environment limit", Known(null) with { SendsInEnvironment = 1000, CountsExact = true }, Safe, SendVerdict.EnvironmentLimit },
    };

    [Theory]
    [MemberData(nameof(SendCases))]
    public void Identify(string _, SendState state, ClientRules client, SendVerdict expected) =>
        Assert.Equal(expected, DecideSend(state, client, Options, Now).Verdict);

    [Fact]
    public void ASuppressedResendKnowsWhenTheCooldownEnds() =>
        Assert.Equal(21, DecideSend(Known() with { NewestChallengeAt = Now.AddSeconds(-9) }, Open, Options, Now).RetryAfterSeconds);

    [Theory]
    [InlineData(9, 999, true)]    // one under each budget
    [InlineData(10, 0, false)]    // the network's budget spent
    [InlineData(0, 1000, false)]  // the environment's budget spent
    public void SignUpBudgets(long fromIp, long inEnvironment, bool allowed)
    {
        var retryAfter = DecideSignUp(new SignUpState(HasIp: true, fromIp, inEnvironment, Now.AddMinutes(-20)), Options, Now);
        Assert.Equal(allowed, retryAfter is null);
        // Room comes back when the oldest counted window (20 minutes ago, 5 minutes long) leaves the hour.
        if (!allowed) Assert.Equal((int)TimeSpan.FromMinutes(45).TotalSeconds, retryAfter);
    }

    private static readonly Challenge LiveChallenge = new(Guid.NewGuid(), "p1", Now.AddMinutes(5), FailedAttempts: 0, Consumed: false);
    private static readonly Holder Verified = new("p1", Disabled: false, IdentifierVerified: true);
    private static AnswerState Answer(Challenge? challenge = null, Holder? holder = null, long identifierFailures = 0, long networkFailures = 0) =>
        new(identifierFailures, Now.AddMinutes(-30), networkFailures, Now.AddMinutes(-50), challenge, holder);

    public static TheoryData<string, AnswerState, bool, AnswerVerdict> AnswerCases => new()
    {
        { "right code, verified: sign in", Answer(LiveChallenge, Verified), true, AnswerVerdict.SignIn },
        { "right code, unverified: first proof", Answer(LiveChallenge, Verified with { IdentifierVerified = false }), true, AnswerVerdict.FirstProof },
        { "right code, nobody holds it: sign up on proof", Answer(LiveChallenge with { ProfileId = null }), true, AnswerVerdict.SignUpOnProof },
        { "right code, the identifier moved to another profile", Answer(LiveChallenge, Verified with { Id = "p2" }), true, AnswerVerdict.Wrong },
        { "right code, the identifier left its profile", Answer(LiveChallenge), true, AnswerVerdict.Wrong },
        { "right code, expired", Answer(LiveChallenge with { ExpiresAt = Now }, Verified), true, AnswerVerdict.Wrong },
        { "right code, used", Answer(LiveChallenge with { Consumed = true }, Verified), true, AnswerVerdict.Wrong },
        { "wrong code", Answer(LiveChallenge, Verified), false, AnswerVerdict.Wrong },
        { "four tries spent: one left", Answer(LiveChallenge with { FailedAttempts = 4 }, Verified), true, AnswerVerdict.SignIn },
        { "five tries spent", Answer(LiveChallenge with { FailedAttempts = 5 }, Verified), true, AnswerVerdict.ChallengeOutOfTries },
        { "identifier one under its budget", Answer(LiveChallenge, Verified, identifierFailures: 9), true, AnswerVerdict.SignIn },
        { "identifier budget spent", Answer(LiveChallenge, Verified, identifierFailures: 10), true, AnswerVerdict.IdentifierBudgetSpent },
        { "network one under its budget", Answer(LiveChallenge, Verified, networkFailures: 49), true, AnswerVerdict.SignIn },
        { "network budget spent", Answer(LiveChallenge, Verified, networkFailures: 50), true, AnswerVerdict.NetworkBudgetSpent },
        { "disabled", Answer(LiveChallenge, Verified with { Disabled = true }), true, AnswerVerdict.Disabled },
    };

    [Theory]
    [MemberData(nameof(AnswerCases))]
    public void Authenticate(string _, AnswerState state, bool codeMatches, AnswerVerdict expected) =>
        Assert.Equal(expected, DecideAnswer(state, codeMatches, sandboxCode: false, Open, Options, Now).Verdict);

    [Fact]
    public void AWrongAnswerWithNothingLiveCountsForTheNetworkOnly()
    {
        var none = DecideAnswer(Answer(null, Verified), codeMatches: false, sandboxCode: false, Open, Options, Now);
        Assert.Equal((AnswerVerdict.Wrong, true, false, false), (none.Verdict, none.RecordFailure, none.ChallengeLive, none.CountChallengeTry));
        var live = DecideAnswer(Answer(LiveChallenge, Verified), codeMatches: false, sandboxCode: false, Open, Options, Now);
        Assert.Equal((AnswerVerdict.Wrong, true, true, true), (live.Verdict, live.RecordFailure, live.ChallengeLive, live.CountChallengeTry));
    }

    [Fact]
    public void ACodeForAnIdentifierThatMovedIsUsedUpNotCounted()
    {
        var moved = DecideAnswer(Answer(LiveChallenge, Verified with { Id = "p2" }), codeMatches: true, sandboxCode: false, Open, Options, Now);
        Assert.True(moved.ConsumeChallenge);
        Assert.False(moved.RecordFailure);
    }

    [Fact]
    public void EnumerationSafeClientsNeverSayNoSuchProfileOrDisabled()
    {
        Assert.Equal(AnswerVerdict.SignupsClosed, DecideAnswer(Answer(LiveChallenge with { ProfileId = null }), true, false, Closed, Options, Now).Verdict);
        Assert.Equal(AnswerVerdict.Wrong, DecideAnswer(Answer(LiveChallenge with { ProfileId = null }), true, false, Safe, Options, Now).Verdict);
        Assert.Equal(AnswerVerdict.Wrong, DecideAnswer(Answer(LiveChallenge, Verified with { Disabled = true }), true, false, Safe, Options, Now).Verdict);
    }

    [Fact]
    public void TheSandboxCodeNeedsNoChallengeAndSpendsNoBudget()
    {
        var decision = DecideAnswer(Answer(null, Verified, identifierFailures: 10), codeMatches: false, sandboxCode: true, Open, Options, Now);
        Assert.Equal(AnswerVerdict.SignIn, decision.Verdict);
        Assert.False(decision.ConsumeChallenge);
    }
}
