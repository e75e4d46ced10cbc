using Tessera.Clients;

namespace Tessera.Passcodes;

/// <summary>
/// Who may get a passcode, a session or a profile through passwordless sign-in: every rule of identify and authenticate
/// as pure functions of a state read under the identifier's lock and the options. <see cref="PasscodeSignIn"/>'s flows
/// read the state, ask here, and write what the verdict says; they decide no rule themselves (docs/adr/0004-write-paths.md).
/// </summary>
public static class PasscodePolicy
{
    // ---- identify ----------------------------------------------------------------------------------------------

    /// <summary>What identify decides on.</summary>
    /// <param name="ProfileId">The profile holding the identifier, or null.</param>
    /// <param name="SendsFromIp">Sends from the caller's network in the last hour: an upper bound unless <paramref name="CountsExact"/>.</param>
    /// <param name="SendsInEnvironment">Sends of the environment in the last hour: an upper bound unless <paramref name="CountsExact"/>.</param>
    public readonly record struct SendState(
        string? ProfileId, bool ProfileDisabled, DateTime? NewestChallengeAt, bool HasIp, long SendsFromIp, long SendsInEnvironment, bool CountsExact);

    /// <summary>The parts of a client that identify's rules read.</summary>
    public readonly record struct ClientRules(bool SignupsEnabled, bool VerifyNewProfiles, bool EnumerationSafe)
    {
        public static ClientRules Of(Client client) => new(client.SignupsEnabled, client.VerifyNewProfiles, client.EnumerationSafe);
    }

    public enum SendVerdict
    {
        /// <summary>Create a challenge and send its code.</summary>
        SendPasscode,
        /// <summary>
        /// Create a challenge but send nothing (enumeration-safe client, identifier that cannot sign in): the cooldown
        /// and the limits then answer exactly as they do for an identifier that can.
        /// </summary>
        SendNothing,
        /// <summary>Create the profile and a session at once, within the sign-up budgets (<see cref="DecideSignUp"/>).</summary>
        SignUp,
        SignupsClosed,
        Disabled,
        /// <summary>
        /// A passcode went to the identifier less than the resend cooldown ago: answer as a send is answered, send
        /// nothing, and leave that passcode valid. The SDK retries a 429 ten times without reading Retry-After, so a
        /// refusal here would cost eleven requests and end in an error; nothing is sent either way.
        /// </summary>
        ResendSuppressed,
        IpLimit,
        EnvironmentLimit,
        /// <summary>A count is near its limit by its upper bound: count exactly and decide again.</summary>
        CountExactly,
    }

    public readonly record struct SendDecision(SendVerdict Verdict, int RetryAfterSeconds = 0)
    {
        /// <summary>A challenge is created (whether or not a message carries its code).</summary>
        public bool CreatesChallenge => Verdict is SendVerdict.SendPasscode or SendVerdict.SendNothing;
    }

    public static SendDecision DecideSend(SendState state, ClientRules client, PasscodeOptions options, DateTime now)
    {
        // Who the identifier is decides whether anything is sent; an enumeration-safe client then answers every case
        // the way it answers a known identifier, limits included.
        var verdict = SendVerdict.SendPasscode;
        if (state.ProfileId is null)
        {
            if (!client.EnumerationSafe && client.SignupsEnabled && !client.VerifyNewProfiles) return new(SendVerdict.SignUp);
            if (!client.SignupsEnabled) verdict = client.EnumerationSafe ? SendVerdict.SendNothing : SendVerdict.SignupsClosed;
            if (verdict == SendVerdict.SignupsClosed) return new(verdict);
        }
        else if (state.ProfileDisabled)
        {
            if (!client.EnumerationSafe) return new(SendVerdict.Disabled);
            verdict = SendVerdict.SendNothing;
        }

        // The send limits first: a caller past one is refused whatever others did, so the suppressed resend below can
        // tell a caller over its limit nothing about another caller's recent passcode.
        if (state.HasIp && state.SendsFromIp >= options.MaxSendsPerIpPerHour)
            return new(state.CountsExact ? SendVerdict.IpLimit : SendVerdict.CountExactly, 3600);
        if (state.SendsInEnvironment >= options.MaxSendsPerEnvironmentPerHour)
            return new(state.CountsExact ? SendVerdict.EnvironmentLimit : SendVerdict.CountExactly, 3600);
        // Reached only where a send would be answered "accepted" (a known identifier, or any identifier of an
        // enumeration-safe client), so answering it alike reveals nothing a send does not.
        if (state.NewestChallengeAt is { } last && now - last < options.ResendCooldown)
            return new(SendVerdict.ResendSuppressed, Seconds(last + options.ResendCooldown - now));
        return new(verdict);
    }

    /// <summary>Sign-ups of the last hour (counted in <see cref="PasscodeSendCounts"/> windows) from the caller's network and in the environment.</summary>
    public readonly record struct SignUpState(bool HasIp, long FromIp, long InEnvironment, DateTime? OldestCountedWindowStart);

    /// <summary>Null when the sign-up may go ahead; else the seconds until the budget that is spent has room again.</summary>
    public static int? DecideSignUp(SignUpState state, PasscodeOptions options, DateTime now)
    {
        var spent = (state.HasIp && state.FromIp >= options.MaxSignupsPerIpPerHour) || state.InEnvironment >= options.MaxSignupsPerEnvironmentPerHour;
        if (!spent) return null;
        // Room comes back when the oldest counted window leaves the hour.
        var oldest = state.OldestCountedWindowStart ?? now;
        return Math.Max(1, Seconds(oldest.AddSeconds(PasscodeSendCounts.WindowSeconds).AddHours(1) - now));
    }

    // ---- authenticate ------------------------------------------------------------------------------------------

    /// <summary>The identifier's newest challenge (only the newest counts: a resend supersedes the code before it).</summary>
    public readonly record struct Challenge(Guid Id, string? ProfileId, DateTime ExpiresAt, int FailedAttempts, bool Consumed)
    {
        public bool IsLive(DateTime now) => !Consumed && ExpiresAt > now;
    }

    /// <summary>The profile holding the identifier now.</summary>
    public readonly record struct Holder(string Id, bool Disabled, bool IdentifierVerified);

    /// <summary>What authenticate decides on.</summary>
    /// <param name="IdentifierFailures">Wrong answers to live challenges of the identifier in the last hour, oldest first (only the oldest needed is used).</param>
    /// <param name="NetworkFailures">Wrong answers from the caller's network in the last hour.</param>
    /// <param name="OldestIdentifierFailureToExpire">The failure whose expiry gives the identifier budget room again, when it is spent.</param>
    public readonly record struct AnswerState(
        long IdentifierFailures, DateTime? OldestIdentifierFailureToExpire,
        long NetworkFailures, DateTime? OldestNetworkFailureToExpire,
        Challenge? Newest, Holder? Holder);

    public enum AnswerVerdict
    {
        /// <summary>Sign in to <see cref="AnswerDecision.ProfileId"/>; its identifier is verified already.</summary>
        SignIn,
        /// <summary>
        /// The identifier's first proof on its profile: verify it and revoke every earlier session (someone may have
        /// signed up with it, or been handed the profile, without proving it).
        /// </summary>
        FirstProof,
        /// <summary>A profile is created for the identifier, proven (a code sent to an unknown identifier).</summary>
        SignUpOnProof,
        /// <summary>401. <see cref="AnswerDecision.RecordFailure"/> says whether it is a wrong answer to remember.</summary>
        Wrong,
        Disabled,
        SignupsClosed,
        IdentifierBudgetSpent,
        NetworkBudgetSpent,
        ChallengeOutOfTries,
    }

    /// <param name="ConsumeChallenge">Mark the newest challenge used (a right answer, or one whose profile no longer holds the identifier).</param>
    /// <param name="CountChallengeTry">Add a failed try to the newest challenge.</param>
    /// <param name="RecordFailure">Remember a wrong answer (per network always; per identifier when <see cref="ChallengeLive"/>).</param>
    public readonly record struct AnswerDecision(AnswerVerdict Verdict, string? ProfileId = null, int RetryAfterSeconds = 0,
        bool ConsumeChallenge = false, bool CountChallengeTry = false, bool RecordFailure = false, bool ChallengeLive = false);

    /// <summary>
    /// Decides a passcode answer. <paramref name="codeMatches"/> is the keyed-hash comparison against the newest
    /// challenge (made whether or not there is one, so timing says nothing); <paramref name="sandboxCode"/> is a
    /// SANDBOX environment's fixed code, which needs no challenge and spends no budget.
    /// </summary>
    public static AnswerDecision DecideAnswer(AnswerState state, bool codeMatches, bool sandboxCode, ClientRules client, PasscodeOptions options, DateTime now)
    {
        if (sandboxCode) return Land(state.Holder, client, consume: false);

        if (state.IdentifierFailures >= options.MaxFailuresPerIdentifierPerHour)
            return new(AnswerVerdict.IdentifierBudgetSpent, RetryAfterSeconds: RoomAgain(state.OldestIdentifierFailureToExpire, now));
        if (state.NetworkFailures >= options.MaxFailuresPerIpPerHour)
            return new(AnswerVerdict.NetworkBudgetSpent, RetryAfterSeconds: RoomAgain(state.OldestNetworkFailureToExpire, now));

        var live = state.Newest is { } newest && newest.IsLive(now);
        if (live && state.Newest!.Value.FailedAttempts >= options.MaxAttemptsPerChallenge)
            return new(AnswerVerdict.ChallengeOutOfTries, RetryAfterSeconds: Seconds(state.Newest.Value.ExpiresAt - now));
        if (!live || !codeMatches)
            // With nothing live there was nothing to guess: the network's budget counts it, the identifier's does not,
            // so nobody can lock an owner out by answering while the owner has no passcode out.
            return new(AnswerVerdict.Wrong, CountChallengeTry: live, RecordFailure: true, ChallengeLive: live);

        // A passcode proves exactly the identifier it was sent to, for the profile that held it then, and only while
        // that profile still holds it: after an identifier changes hands, an old code proves nothing.
        var challenge = state.Newest!.Value;
        if (challenge.ProfileId is not null && challenge.ProfileId != state.Holder?.Id)
            return new(AnswerVerdict.Wrong, ConsumeChallenge: true);
        return Land(state.Holder, client, consume: true);
    }

    private static AnswerDecision Land(Holder? holder, ClientRules client, bool consume)
    {
        if (holder is not { } profile)
        {
            if (client.SignupsEnabled) return new(AnswerVerdict.SignUpOnProof, ConsumeChallenge: consume);
            // An enumeration-safe client must not say "no such profile" here either.
            return client.EnumerationSafe ? new(AnswerVerdict.Wrong, ConsumeChallenge: consume) : new(AnswerVerdict.SignupsClosed);
        }
        if (profile.Disabled) return client.EnumerationSafe ? new(AnswerVerdict.Wrong, ConsumeChallenge: consume) : new(AnswerVerdict.Disabled);
        return new(profile.IdentifierVerified ? AnswerVerdict.SignIn : AnswerVerdict.FirstProof, profile.Id, ConsumeChallenge: consume);
    }

    private static int RoomAgain(DateTime? oldest, DateTime now) => oldest is { } at ? Math.Max(1, Seconds(at.AddHours(1) - now)) : 3600;

    private static int Seconds(TimeSpan span) => (int)Math.Ceiling(Math.Max(0, span.TotalSeconds));
}
