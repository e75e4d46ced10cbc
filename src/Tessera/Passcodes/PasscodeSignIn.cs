using System.Data.Common;
using Microsoft.Extensions.Options;
using Tessera.Audit;
using Tessera.Clients;
using Tessera.Data;
using Tessera.Delivery;
using Tessera.Environments;
using Tessera.Http;
using Tessera.Profiles;
using Tessera.Sessions;
using static Tessera.Passcodes.PasscodePolicy;

namespace Tessera.Passcodes;

/// <summary>
/// Identify and authenticate, written once: each is one <see cref="IWriteUnit"/> that takes the locks, reads the state
/// (<see cref="PasscodeStatements"/>), asks <see cref="PasscodePolicy"/> and writes what its verdict says, on either
/// database. No rule is decided here; no HTTP is spoken here (<see cref="PasswordlessApi"/> does).
/// </summary>
public sealed class PasscodeSignIn(
    WriteUnits units,
    TesseraDbContext db,
    Outbox outbox,
    OutboxSignal outboxSignal,
    PasscodeHasher hasher,
    SendLimitLocks sendLimitLocks,
    SigningKeyRing keys,
    SessionTokenIssuer issuer,
    RevocationList revocations,
    IOptions<SessionTokenOptions> tokenOptions,
    IOptions<PasscodeOptions> options,
    TimeProvider clock)
{
    private readonly PasscodeOptions _options = options.Value;

    /// <summary>Who asks: the client, its environment, and the identifier normalized for the client's strategy.</summary>
    public sealed record Caller(Client Client, TesseraEnvironment Environment, string Identifier, string? Ip, SessionOrigin Origin)
    {
        public OutboxChannel Channel => Client.Strategy == AuthStrategy.Email ? OutboxChannel.Email : OutboxChannel.Sms;
        public ClientRules Rules => ClientRules.Of(Client);
        /// <summary>Serializes sends and answers for one identifier of one environment (cooldown, single use).</summary>
        public string IdentifierLockKey => Environment.Id + "\n" + Identifier;
    }

    /// <summary>The client and environment a request names; null when there is no such client.</summary>
    public Task<PasscodeQueries.ClientAndEnvironment?> FindClientAsync(string clientId, CancellationToken cancellationToken) =>
        PasscodeQueries.ClientWithEnvironment.For(db)(db, clientId, cancellationToken);

    // ---- identify -------------------------------------------------------------------------------------------------

    public async Task<PasswordlessOutcome> IdentifyAsync(Caller caller, CancellationToken cancellationToken)
    {
        var canSend = outbox.CanSend(caller.Channel);
        // A sign-up issues at once; the key is read before the unit, which must not wait on anything but its statements.
        var key = await keys.GetActiveAsync(caller.Environment.Id, cancellationToken);
        var modes = await sendLimitLocks.FirstModesAsync(db, cancellationToken);
        var raced = false;
        while (true)
        {
            PasswordlessOutcome outcome;
            try
            {
                outcome = await units.RunAsync(unit => IdentifyUnitAsync(unit, caller, canSend, modes, key), cancellationToken);
            }
            catch (DbException ex) when (DbErrors.IsUniqueViolation(ex, out _))
            {
                // A concurrent sign-up (or an API issuance) took the identifier first: it now exists, so this caller
                // must prove it. Decided again once, as a known identifier (a passcode, 202), since the SDK's hooks
                // have no answer for a 409; a second race in a row is refused.
                if (raced) return PasswordlessOutcome.IdentifierJustRegistered;
                raced = true;
                continue;
            }
            switch (outcome)
            {
                case PasswordlessOutcome.Retry retry:
                    modes = retry.Modes;
                    continue;
                case PasswordlessOutcome.Accepted { MessagePending: true }:
                    // After the commit: the dispatcher must find the message when it wakes.
                    outboxSignal.Notify();
                    break;
            }
            return outcome;
        }
    }

    private async ValueTask<PasswordlessOutcome> IdentifyUnitAsync(IWriteUnit unit, Caller caller, bool canSend, SendLimitLocks.Modes modes, SigningKeyRing.LoadedKey key)
    {
        var environmentId = caller.Environment.Id;
        // The identifier's lock (cooldown, one sign-up), then the send limits' scopes (SendLimitLocks), in that order.
        unit.Lock(caller.IdentifierLockKey, exclusive: true);
        if (caller.Ip is { } ip) unit.Lock(PasscodeSendCounts.IpScope(ip), modes.IpExclusive);
        unit.Lock(PasscodeSendCounts.EnvironmentScope(environmentId), modes.EnvironmentExclusive);

        // The windows are chosen before the locks (an earlier hour only widens the upper bounds); the clock that
        // decides is read after them, so the challenges of one identifier are created in the order they commit.
        var firstWindow = PasscodeSendCounts.FirstWindowOfHourBefore(clock.GetUtcNow().UtcDateTime);
        var state = (await unit.ReadAsync(PasscodeStatements.SendState(caller.Client.Strategy, environmentId, caller.Identifier, caller.Ip, firstWindow),
            row => PasscodeStatements.ReadSendState(row, caller.Ip is not null)))[0];
        var now = clock.GetUtcNow().UtcDateTime;

        if (unit.RunsConcurrently && sendLimitLocks.Escalation(modes, caller.Ip is not null, state.SendsFromIp, state.SendsInEnvironment) is { } stronger)
            return new PasswordlessOutcome.Retry(stronger);

        var decision = DecideSend(state, caller.Rules, _options, now);
        if (decision.Verdict == SendVerdict.CountExactly)
        {
            var (fromIp, inEnvironment) = (await unit.ReadAsync(
                PasscodeStatements.ExactSends(environmentId, ClientNetwork.Of(caller.Ip), now.AddHours(-1), _options.MaxSendsPerIpPerHour, _options.MaxSendsPerEnvironmentPerHour),
                row => (row.GetInt64(0), row.GetInt64(1))))[0];
            decision = DecideSend(state with { SendsFromIp = fromIp, SendsInEnvironment = inEnvironment, CountsExact = true }, caller.Rules, _options, now);
        }

        switch (decision.Verdict)
        {
            case SendVerdict.SignupsClosed: return PasswordlessOutcome.SignupsClosed;
            case SendVerdict.Disabled: return PasswordlessOutcome.Disabled;
            case SendVerdict.SignUp: return await SignUpUnitAsync(unit, caller, key, now);
            case SendVerdict.ResendSuppressed:
                // The passcode already out stays the one to answer with: no challenge, no message, no send counted.
                unit.Insert(AuditLog.NewEvent(now, AuditActions.PasscodeResendSuppressed, caller.Client.Id, environmentId, state.ProfileId, caller.Ip,
                    detail: $"within the resend cooldown ({decision.RetryAfterSeconds}s left)"));
                return new PasswordlessOutcome.Accepted(MessagePending: false);
            case SendVerdict.IpLimit or SendVerdict.EnvironmentLimit:
                unit.Insert(AuditLog.NewEvent(now, AuditActions.LimitHit, caller.Client.Id, environmentId, state.ProfileId, caller.Ip, detail: "passcode send"));
                return new PasswordlessOutcome.TooManyRequests(decision.RetryAfterSeconds, decision.Verdict == SendVerdict.IpLimit
                    ? "Too many passcodes requested from this address"
                    : "Too many passcodes sent by this environment");
        }

        // Decoys too: an enumeration-safe client answers alike whether or not it would have sent.
        if (!canSend && caller.Environment.Mode == EnvironmentMode.Production) return new PasswordlessOutcome.DeliveryNotConfigured(caller.Channel);
        var sendsMessage = decision.Verdict == SendVerdict.SendPasscode;
        var (challenge, message) = NewChallenge(caller, state.ProfileId, now, captureOnly: !canSend);
        unit.Insert(challenge);
        if (sendsMessage) unit.Insert(message);
        unit.Insert(AuditLog.NewEvent(now, AuditActions.PasscodeSent, caller.Client.Id, environmentId, state.ProfileId, caller.Ip,
            detail: sendsMessage ? null : "nothing sent: no profile can sign in with this identifier (enumeration-safe client)"));
        // Last: on PostgreSQL a count row stays locked until the commit.
        CountIn(unit, PasscodeSendCounts.EnvironmentScope(environmentId), caller.Ip is null ? null : PasscodeSendCounts.IpScope(caller.Ip), now);
        return new PasswordlessOutcome.Accepted(MessagePending: sendsMessage && message.Status == OutboxStatus.Pending);
    }

    /// <summary>Sign-up by identify: a profile and a session at once, the identifier unverified until its first passcode sign-in.</summary>
    private async ValueTask<PasswordlessOutcome> SignUpUnitAsync(IWriteUnit unit, Caller caller, SigningKeyRing.LoadedKey key, DateTime now)
    {
        var environmentId = caller.Environment.Id;
        // Sign-ups of one network and of one environment go one at a time, so concurrent ones cannot pass the budget
        // together; taken after identify's other locks, in one order, so they cannot deadlock.
        unit.Lock(PasscodeSendCounts.SignUpEnvironmentScope(environmentId), exclusive: true);
        if (caller.Ip is { } ip) unit.Lock(PasscodeSendCounts.SignUpIpScope(ip), exclusive: true);
        var signUps = (await unit.ReadAsync(PasscodeStatements.SignUps(environmentId, caller.Ip, PasscodeSendCounts.FirstWindowOfHourBefore(now)),
            row => PasscodeStatements.ReadSignUps(row, caller.Ip is not null)))[0];
        if (DecideSignUp(signUps, _options, now) is { } retryAfter)
        {
            unit.Insert(AuditLog.NewEvent(now, AuditActions.LimitHit, caller.Client.Id, environmentId, null, caller.Ip, detail: "sign-up"));
            return new PasswordlessOutcome.TooManyRequests(retryAfter, "Too many sign-ups");
        }

        var profile = NewProfile(unit, caller, now, verified: false);
        var issued = Issue(unit, caller, key, profile.Id, profile.Uuid, now, "sign-up");
        CountIn(unit, PasscodeSendCounts.SignUpEnvironmentScope(environmentId), caller.Ip is null ? null : PasscodeSendCounts.SignUpIpScope(caller.Ip), now);
        return new PasswordlessOutcome.SessionCreated(issued, []);
    }

    // ---- authenticate ---------------------------------------------------------------------------------------------

    public async Task<PasswordlessOutcome> AuthenticateAsync(Caller caller, string passcode, CancellationToken cancellationToken)
    {
        var sandboxCode = caller.Environment.Mode == EnvironmentMode.Sandbox && passcode == PasscodeHasher.SandboxCode;
        var key = await keys.GetActiveAsync(caller.Environment.Id, cancellationToken);
        PasswordlessOutcome outcome;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                outcome = await units.RunAsync(unit => AuthenticateUnitAsync(unit, caller, passcode, sandboxCode, key), cancellationToken);
                break;
            }
            catch (DbException ex) when (DbErrors.IsUniqueViolation(ex, out _))
            {
                // A profile created for the identifier while this proof was in flight (a sign-up on proof raced an
                // issuance). Nothing was written, so the answer is decided once more against the profile that now
                // holds the identifier, as it would have been had the proof come a moment later.
                if (attempt == 2) return PasswordlessOutcome.IdentifierJustRegistered;
            }
        }
        // After the commit, this instance drops the revoked sessions at once; the others learn from the revocation log.
        if (outcome is PasswordlessOutcome.SessionCreated { Revoked.Count: > 0 } created)
            foreach (var revocation in created.Revoked) revocations.Apply(revocation);
        return outcome;
    }

    private async ValueTask<PasswordlessOutcome> AuthenticateUnitAsync(IWriteUnit unit, Caller caller, string passcode, bool sandboxCode, SigningKeyRing.LoadedKey key)
    {
        var environmentId = caller.Environment.Id;
        unit.Lock(caller.IdentifierLockKey, exclusive: true);
        AnswerState state;
        Guid holderUuid;
        var matches = false;
        if (sandboxCode)
        {
            // The sandbox code needs no challenge and spends no budget: only who holds the identifier matters.
            var holders = await unit.ReadAsync(PasscodeStatements.Holder(caller.Client.Strategy, environmentId, caller.Identifier), PasscodeStatements.ReadHolder);
            state = new AnswerState(0, null, 0, null, null, holders.Count == 0 ? null : holders[0].Holder);
            holderUuid = holders.Count == 0 ? Guid.Empty : holders[0].Uuid;
        }
        else
        {
            // As in identify: the hour's start is taken before the lock, the deciding clock after it.
            byte[]? codeHash;
            (state, codeHash, holderUuid) = (await unit.ReadAsync(
                PasscodeStatements.Answer(caller.Client.Strategy, environmentId, caller.Identifier, ClientNetwork.Of(caller.Ip), clock.GetUtcNow().UtcDateTime.AddHours(-1), _options),
                PasscodeStatements.ReadAnswer))[0];
            // Hash even when there is nothing to compare against, so timing does not tell whether a challenge exists.
            matches = hasher.Matches(state.Newest?.Id ?? Guid.Empty, passcode, codeHash ?? new byte[32]) && state.Newest is not null;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var decision = DecideAnswer(state, matches, sandboxCode, caller.Rules, _options, now);

        if (state.Newest is { } newest)
        {
            if (decision.ConsumeChallenge) unit.Execute(PasscodeStatements.ConsumeChallenge(newest.Id, now));
            if (decision.CountChallengeTry) unit.Execute(PasscodeStatements.CountChallengeTry(newest.Id));
        }
        switch (decision.Verdict)
        {
            case AnswerVerdict.IdentifierBudgetSpent or AnswerVerdict.NetworkBudgetSpent or AnswerVerdict.ChallengeOutOfTries:
                unit.Insert(AuditLog.NewEvent(now, AuditActions.LimitHit, caller.Client.Id, environmentId, null, caller.Ip, detail: decision.Verdict switch
                {
                    AnswerVerdict.IdentifierBudgetSpent => "wrong-passcode budget",
                    AnswerVerdict.NetworkBudgetSpent => "wrong-passcode budget of the network",
                    _ => "challenge tries",
                }));
                return new PasswordlessOutcome.TooManyRequests(decision.RetryAfterSeconds, decision.Verdict switch
                {
                    AnswerVerdict.IdentifierBudgetSpent => "Too many wrong passcodes for this identifier",
                    AnswerVerdict.NetworkBudgetSpent => "Too many wrong passcodes from this address",
                    _ => "Too many wrong passcodes: request a new one",
                });
            case AnswerVerdict.Wrong:
                if (decision.RecordFailure)
                    unit.Insert(new PasscodeFailure
                    {
                        EnvironmentId = environmentId, Identifier = caller.Identifier, At = now, IpNetwork = ClientNetwork.Of(caller.Ip), ChallengeLive = decision.ChallengeLive,
                    });
                unit.Insert(AuditLog.NewEvent(now, AuditActions.PasscodeFailed, caller.Client.Id, environmentId, state.Newest?.ProfileId, caller.Ip));
                return PasswordlessOutcome.WrongPasscode;
            case AnswerVerdict.Disabled: return PasswordlessOutcome.Disabled;
            case AnswerVerdict.SignupsClosed: return PasswordlessOutcome.SignupsClosedOnProof;
        }

        string profileId;
        Guid profileUuid;
        List<Revocation> revoked = [];
        if (decision.Verdict == AnswerVerdict.SignUpOnProof)
        {
            var profile = NewProfile(unit, caller, now, verified: true);
            (profileId, profileUuid) = (profile.Id, profile.Uuid);
            RecordVerified(unit, environmentId, profile.Id, profile.Uuid, now);
        }
        else
        {
            (profileId, profileUuid) = (decision.ProfileId!, holderUuid);
            if (decision.Verdict == AnswerVerdict.FirstProof)
            {
                // The first passcode sign-in proves the identifier: anything issued before it (e.g. to someone who signed
                // up with this identifier without proving it) is revoked, against pre-account-takeover.
                unit.Execute(PasscodeStatements.MarkVerified(caller.Client.Strategy, profileId, now));
                var live = await unit.ReadAsync(PasscodeStatements.RevokeLiveSessions(profileId, now),
                    row => (Id: row.GetGuid(0), EnvironmentId: row.GetString(1), ExpiresAt: PasscodeStatements.Utc(row.GetDateTime(2))));
                foreach (var session in live)
                {
                    var revocation = SessionService.SessionRevocation(session.Id, session.ExpiresAt, tokenOptions.Value.ClockSkew, now);
                    unit.Insert(revocation);
                    unit.Insert(SessionService.RevokedEvent(session.EnvironmentId, profileId, session.Id, now));
                    revoked.Add(revocation);
                }
                RecordVerified(unit, environmentId, profileId, profileUuid, now);
            }
        }

        var issued = Issue(unit, caller, key, profileId, profileUuid, now, sandboxCode ? "sandbox passcode" : "passcode");
        return new PasswordlessOutcome.SessionCreated(issued, revoked);
    }

    // ---- the rows both flows write ----------------------------------------------------------------------------------

    /// <summary>
    /// A new challenge for the caller and the message carrying its code. The code exists only inside the message,
    /// encrypted; the challenge keeps its keyed hash.
    /// </summary>
    private (PasscodeChallenge Challenge, OutboxMessage Message) NewChallenge(Caller caller, string? profileId, DateTime now, bool captureOnly)
    {
        var code = PasscodeHasher.NewCode();
        var challengeId = Guid.NewGuid();
        var challenge = new PasscodeChallenge
        {
            Id = challengeId,
            EnvironmentId = caller.Environment.Id,
            ClientId = caller.Client.Id,
            Identifier = caller.Identifier,
            ProfileId = profileId,
            CreatedAt = now,
            ExpiresAt = now + _options.Lifetime,
            IpAddress = ClientNetwork.Of(caller.Ip),
            CodeHash = hasher.Hash(challengeId, code),
        };
        var content = caller.Channel == OutboxChannel.Email
            ? MessageTemplates.PasscodeEmail(caller.Client.Name, code, _options.Lifetime)
            : MessageTemplates.PasscodeSms(caller.Client.Name, code, _options.Lifetime);
        var message = outbox.NewMessage(caller.Environment.Id, caller.Channel, caller.Identifier, "passcode", content, challenge.ExpiresAt, captureOnly);
        return (challenge, message);
    }

    private static Profile NewProfile(IWriteUnit unit, Caller caller, DateTime now, bool verified)
    {
        var profile = ProfileStore.New(caller.Environment.Id, uuid: null, now);
        if (caller.Client.Strategy == AuthStrategy.Email)
        {
            profile.Email = caller.Identifier;
            if (verified) profile.EmailVerifiedAt = now;
        }
        else
        {
            profile.Phone = caller.Identifier;
            if (verified) profile.PhoneVerifiedAt = now;
        }
        unit.Insert(profile);
        unit.Insert(ProfileStore.CreatedEvent(profile, now));
        return profile;
    }

    private static void RecordVerified(IWriteUnit unit, string environmentId, string profileId, Guid profileUuid, DateTime now) =>
        unit.Insert(Webhooks.EventLog.New(Webhooks.EventTypes.ProfileVerified, environmentId, profileId, new { id = profileId, uuid = profileUuid }, now));

    private IssuedSession Issue(IWriteUnit unit, Caller caller, SigningKeyRing.LoadedKey key, string profileId, Guid profileUuid, DateTime now, string detail)
    {
        var issued = IssuedSession.Create(issuer, tokenOptions.Value, key, new DateTimeOffset(now, TimeSpan.Zero), profileId, profileUuid,
            SessionKind.Passwordless, caller.Client.Id, caller.Client.Id, caller.Origin);
        unit.Insert(issued.Session);
        unit.Insert(AuditLog.NewEvent(now, AuditActions.SessionIssued, caller.Client.Id, caller.Environment.Id, profileId, caller.Ip,
            subject: issued.Session.Id.ToString("D"), detail: detail));
        return issued;
    }

    private static void CountIn(IWriteUnit unit, string environmentScope, string? ipScope, DateTime now) =>
        unit.Execute(PasscodeStatements.CountIn(environmentScope, ipScope, now));
}

/// <summary>What identify or authenticate came to; <see cref="PasswordlessApi"/> turns it into HTTP.</summary>
public abstract record PasswordlessOutcome
{
    /// <summary>A challenge was created (and its message queued unless the client is enumeration-safe and nobody can sign in).</summary>
    public sealed record Accepted(bool MessagePending) : PasswordlessOutcome;
    public sealed record SessionCreated(IssuedSession Session, List<Revocation> Revoked) : PasswordlessOutcome;
    public sealed record TooManyRequests(int RetryAfterSeconds, string Message) : PasswordlessOutcome;
    public sealed record DeliveryNotConfigured(OutboxChannel Channel) : PasswordlessOutcome;
    public sealed record Refused(PasswordlessRefusal Reason) : PasswordlessOutcome;
    /// <summary>PostgreSQL only: a send-limit scope must be locked exclusively; the unit committed nothing and runs again.</summary>
    internal sealed record Retry(SendLimitLocks.Modes Modes) : PasswordlessOutcome;

    public static readonly PasswordlessOutcome Disabled = new Refused(PasswordlessRefusal.Disabled);
    public static readonly PasswordlessOutcome SignupsClosed = new Refused(PasswordlessRefusal.SignupsClosed);
    public static readonly PasswordlessOutcome SignupsClosedOnProof = new Refused(PasswordlessRefusal.SignupsClosedOnProof);
    public static readonly PasswordlessOutcome WrongPasscode = new Refused(PasswordlessRefusal.WrongPasscode);
    public static readonly PasswordlessOutcome IdentifierJustRegistered = new Refused(PasswordlessRefusal.IdentifierJustRegistered);
}

public enum PasswordlessRefusal
{
    Disabled,
    /// <summary>Identify with an identifier nobody holds, on a client that does not sign up.</summary>
    SignupsClosed,
    /// <summary>A right passcode for an identifier nobody holds any more, on a client that does not sign up.</summary>
    SignupsClosedOnProof,
    WrongPasscode,
    IdentifierJustRegistered,
}
