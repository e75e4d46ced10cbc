using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
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
/// The identify and authenticate flows. Every rule is <see cref="PasscodePolicy"/>'s; this class reads the state under
/// the identifier's lock, asks the policy and applies its verdict. The steady state is tried first outside EF
/// (<see cref="IPasscodeSteadyState"/>, the same policy); whatever it does not write runs here.
/// </summary>
public sealed class PasscodeSignIn(
    TesseraDbContext db,
    ProfileStore profiles,
    SessionService sessions,
    Outbox outbox,
    PasscodeHasher hasher,
    IOptions<PasscodeOptions> options,
    Audit.AuditLog audit,
    SqlitePasscodeWriter sqliteWriter,
    PostgresPasscodeWriter postgresWriter,
    SendLimitLocks sendLimitLocks,
    TimeProvider clock)
{
    private static IResult Disabled() =>
        ApiError.Result(403, "Profile is disabled", "This profile cannot sign in; ask the app's support.");

    private static IResult SignupsClosed() =>
        ApiError.Result(403, "Sign-ups are closed", "This client does not create new profiles; sign in with an identifier that has one.");

    private readonly PasscodeOptions _options = options.Value;

    /// <summary>The database's writer of the steady state, tried before the EF path.</summary>
    private IPasscodeSteadyState? SteadyState => sqliteWriter.Enabled ? sqliteWriter : postgresWriter.Enabled ? postgresWriter : null;

    /// <summary>Who asks: the client, its environment, and the identifier normalized for the client's strategy.</summary>
    internal sealed record Caller(Client Client, TesseraEnvironment Environment, string Identifier)
    {
        public OutboxChannel Channel => Client.Strategy == AuthStrategy.Email ? OutboxChannel.Email : OutboxChannel.Sms;
        public ClientRules Rules => ClientRules.Of(Client);
    }

    private async Task<(Caller? Caller, IResult? Error)> ResolveAsync(HttpContext http, PasswordlessRequest request, CancellationToken cancellationToken)
    {
        var found = request.ClientId is { } clientId ? await PasscodeQueries.ClientWithEnvironment.For(db)(db, clientId, cancellationToken) : null;
        if (found is null)
            return (null, ApiError.Result(404, "Client not found", "Check the clientId: it is the id of a passwordless client of your environment."));
        if (!BrowserOrigins.IsAllowed(http, found.Client, found.Environment))
            return (null, ApiError.Result(403, "Origin not allowed", "Add this origin to the client's allowed origins (tessera clients update ID --allowed-origins ...)."));
        var errors = new ValidationErrors();
        var identifier = request.Identifier(found.Client, errors);
        if (identifier is null) return (null, errors.ToResult());
        return (new Caller(found.Client, found.Environment, identifier), null);
    }

    public async Task<IResult> IdentifyAsync(HttpContext http, PasswordlessRequest request, CancellationToken cancellationToken)
    {
        var (caller, error) = await ResolveAsync(http, request, cancellationToken);
        if (caller is null) return error!;

        var ip = Credentials.ClientIp(http);
        var canSend = outbox.CanSend(caller.Channel);
        if (SteadyState is { } steadyState && (canSend || caller.Environment.Mode != EnvironmentMode.Production))
        {
            // A production environment with no provider gets its 503 below, after the checks before it.
            switch (await steadyState.SendAsync(caller, ip, captureOnly: !canSend, cancellationToken))
            {
                case SteadyStateOutcome.Sent: return Accepted();
                case SteadyStateOutcome.Disabled when !caller.Client.EnumerationSafe: return Disabled();
            }
        }

        var (transaction, state, now) = await BeginSendAsync(caller, ip, cancellationToken);
        await using var owned = transaction;
        var decision = DecideSend(state, caller.Rules, _options, now);
        if (decision.Verdict == SendVerdict.CountExactly)
        {
            // Near a limit by the upper bounds: the challenges of the last hour decide, counted up to the limit.
            var hourAgo = now.AddHours(-1);
            var network = ClientNetwork.Of(ip);
            var fromIp = ip is null || state.SendsFromIp < _options.MaxSendsPerIpPerHour ? state.SendsFromIp
                : await db.PasscodeChallenges.Where(c => c.IpAddress == network && c.CreatedAt > hourAgo)
                    .OrderBy(c => c.CreatedAt).Take(_options.MaxSendsPerIpPerHour).CountAsync(cancellationToken);
            var inEnvironment = state.SendsInEnvironment < _options.MaxSendsPerEnvironmentPerHour ? state.SendsInEnvironment
                : await db.PasscodeChallenges.Where(c => c.EnvironmentId == caller.Environment.Id && c.CreatedAt > hourAgo)
                    .OrderBy(c => c.CreatedAt).Take(_options.MaxSendsPerEnvironmentPerHour).CountAsync(cancellationToken);
            decision = DecideSend(state with { SendsFromIp = fromIp, SendsInEnvironment = inEnvironment, CountsExact = true }, caller.Rules, _options, now);
        }

        switch (decision.Verdict)
        {
            case SendVerdict.SignupsClosed: return SignupsClosed();
            case SendVerdict.Disabled: return Disabled();
            case SendVerdict.SignUp: return await SignUpAsync(http, caller, transaction, ip, now, cancellationToken);
            case SendVerdict.Cooldown or SendVerdict.IpLimit or SendVerdict.EnvironmentLimit:
                await transaction.DisposeAsync();
                await audit.RecordNowAsync(Audit.AuditActions.LimitHit, caller.Client.Id, caller.Environment.Id, state.ProfileId, ip, detail: "passcode send", cancellationToken: cancellationToken);
                return ApiError.TooManyRequests(http, decision.RetryAfterSeconds, decision.Verdict switch
                {
                    SendVerdict.Cooldown => "A passcode was just sent to this identifier",
                    SendVerdict.IpLimit => "Too many passcodes requested from this address",
                    _ => "Too many passcodes sent by this environment",
                });
        }

        var sendsMessage = decision.Verdict == SendVerdict.SendPasscode;
        // Decoys too: an enumeration-safe client answers alike whether or not it would have sent.
        if (!canSend && caller.Environment.Mode == EnvironmentMode.Production)
            return ApiError.Result(503, "Delivery is not configured", $"Configure an {(caller.Channel == OutboxChannel.Email ? "SMTP" : "SMS")} provider for production environments.");
        var (challenge, message) = NewChallenge(hasher, outbox, _options, caller, state.ProfileId, ip, now, captureOnly: !canSend);
        db.PasscodeChallenges.Add(challenge);
        if (sendsMessage) db.OutboxMessages.Add(message);
        await PasscodeSendCounts.RecordAsync(db, caller.Environment.Id, ip, now, cancellationToken);
        audit.Record(Audit.AuditActions.PasscodeSent, caller.Client.Id, caller.Environment.Id, state.ProfileId, ip,
            detail: sendsMessage ? null : "nothing sent: no profile can sign in with this identifier (enumeration-safe client)");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Accepted();
    }

    /// <summary>Sign-up by identify: a profile and a session at once, the identifier unverified until its first passcode sign-in.</summary>
    private async Task<IResult> SignUpAsync(HttpContext http, Caller caller, WriteTransaction transaction, string? ip, DateTime now, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            // Sign-ups of one network and of one environment go one at a time, so concurrent ones cannot pass the
            // budget together; taken after identify's other locks, in one order, so they cannot deadlock.
            object[] keys = [PasscodeSendCounts.SignUpEnvironmentScope(caller.Environment.Id), ip is null ? "" : PasscodeSendCounts.SignUpIpScope(ip)];
            await db.Database.ExecuteSqlRawAsync(ip is null ? LockSignUpEnvironment : LockSignUpScopes, keys, cancellationToken);
        }
        if (DecideSignUp(await PasscodeSendCounts.ReadSignUpsAsync(db, caller.Environment.Id, ip, now, cancellationToken), _options, now) is { } retryAfter)
        {
            await transaction.DisposeAsync();
            await audit.RecordNowAsync(Audit.AuditActions.LimitHit, caller.Client.Id, caller.Environment.Id, null, ip, detail: "sign-up", cancellationToken: cancellationToken);
            return ApiError.TooManyRequests(http, retryAfter, "Too many sign-ups");
        }

        var profile = profiles.Create(caller.Environment.Id, uuid: null);
        SetIdentifier(profile, caller);
        var issued = await sessions.IssueAsync(profile, SessionKind.Passwordless, caller.Client.Id, caller.Client.Id, http, cancellationToken);
        audit.Record(Audit.AuditActions.SessionIssued, caller.Client.Id, caller.Environment.Id, profile.Id, ip, subject: issued.Session.Id.ToString("D"), detail: "sign-up");
        await PasscodeSendCounts.RecordSignUpAsync(db, caller.Environment.Id, ip, now, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex, out _))
        {
            // A concurrent sign-up took the identifier first: it now exists, so this caller must prove it.
            return ApiError.Result(409, "Identifier just registered", "Retry: a passcode will be sent.");
        }
        return SessionCreated(http, issued);
    }

    private const string LockSignUpEnvironment = "SELECT pg_advisory_xact_lock(hashtextextended({0}, 0))";
    private const string LockSignUpScopes = LockSignUpEnvironment + ";\nSELECT pg_advisory_xact_lock(hashtextextended({1}, 0))";

    /// <summary>
    /// Identify's transaction with its locks held, and the send state read under them: the identifier's lock (cooldown,
    /// one sign-up) and, on PostgreSQL, the send limits' scope locks (<see cref="SendLimitLocks"/>).
    /// </summary>
    private async Task<(WriteTransaction Transaction, SendState State, DateTime Now)> BeginSendAsync(Caller caller, string? ip, CancellationToken cancellationToken)
    {
        var postgres = db.Database.IsNpgsql();
        var modes = postgres ? await sendLimitLocks.FirstModesAsync(db, cancellationToken) : default;
        while (true)
        {
            var transaction = await db.BeginWriteTransactionAsync(cancellationToken);
            try
            {
                if (postgres)
                {
                    object[] keys = ip is null
                        ? [DbErrors.IdentifierLockKey(caller.Environment.Id, caller.Identifier), PasscodeSendCounts.EnvironmentScope(caller.Environment.Id)]
                        : [DbErrors.IdentifierLockKey(caller.Environment.Id, caller.Identifier), PasscodeSendCounts.EnvironmentScope(caller.Environment.Id), PasscodeSendCounts.IpScope(ip)];
                    await db.Database.ExecuteSqlRawAsync(SendLimitLocks.LockStatements(modes, ip is not null), keys, cancellationToken);
                }
                // Read the clock once the locks are held, so challenges of one identifier are created in the order they commit.
                var now = clock.GetUtcNow().UtcDateTime;
                var state = await ReadSendStateAsync(caller, ip, now, cancellationToken);
                if (postgres && sendLimitLocks.Escalation(modes, ip is not null, state.SendsFromIp, state.SendsInEnvironment) is { } stronger)
                {
                    await transaction.DisposeAsync(); // rolls back, releasing the shared locks before the exclusive ones are asked for
                    modes = stronger;
                    continue;
                }
                return (transaction, state, now);
            }
            catch
            {
                await transaction.DisposeAsync();
                throw;
            }
        }
    }

    private static IResult Accepted() => TypedResults.Json(new { }, statusCode: StatusCodes.Status202Accepted);

    /// <summary>
    /// The identifier's profile, its newest challenge and upper bounds of the hour's sends from the IP and in the
    /// environment, in one statement (one round trip on PostgreSQL, one statement under SQLite's write lock). The
    /// bounds read a few count rows, whatever the traffic of the hour.
    /// </summary>
    private async Task<SendState> ReadSendStateAsync(Caller caller, string? ip, DateTime now, CancellationToken cancellationToken)
    {
        var query = (caller.Client.Strategy == AuthStrategy.Email ? PasscodeQueries.SendStateByEmail : PasscodeQueries.SendStateByPhone).For(db);
        var read = await query(db, caller.Environment.Id, caller.Identifier, PasscodeSendCounts.IpScope(ip ?? ""),
            PasscodeSendCounts.EnvironmentScope(caller.Environment.Id), PasscodeSendCounts.FirstWindowOfHourBefore(now), cancellationToken);
        return new SendState(read.ProfileId, read.ProfileDisabled, read.NewestChallengeAt, ip is not null, read.SendsFromIpAtMost, read.SendsInEnvironmentAtMost, CountsExact: false);
    }

    public async Task<IResult> AuthenticateAsync(HttpContext http, PasswordlessRequest request, CancellationToken cancellationToken)
    {
        var (caller, error) = await ResolveAsync(http, request, cancellationToken);
        if (caller is null) return error!;
        var passcode = request.Passcode ?? "";
        var sandboxCode = caller.Environment.Mode == EnvironmentMode.Sandbox && passcode == PasscodeHasher.SandboxCode;
        var ip = Credentials.ClientIp(http);
        if (SteadyState is { } steadyState)
        {
            switch (await steadyState.AuthenticateAsync(caller, passcode, sandboxCode, SessionOrigin.Of(http), cancellationToken))
            {
                case SteadyStateOutcome.Issued issuedOutside: return SessionCreated(http, issuedOutside.Session);
                case SteadyStateOutcome.Disabled when !caller.Client.EnumerationSafe: return Disabled();
            }
        }

        await using var transaction = await db.BeginWriteTransactionAsync(cancellationToken);
        await db.LockIdentifierAsync(caller.Environment.Id, caller.Identifier, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;

        var (state, challenge, holder) = await ReadAnswerStateAsync(caller, ClientNetwork.Of(ip), sandboxCode, now, cancellationToken);
        // Hash even when there is nothing to compare against, so timing does not tell whether a challenge exists.
        var matches = !sandboxCode && hasher.Matches(challenge?.Id ?? Guid.Empty, passcode, challenge?.CodeHash ?? new byte[32]);
        var decision = DecideAnswer(state, matches, sandboxCode, caller.Rules, _options, now);

        if (challenge is not null)
        {
            if (decision.ConsumeChallenge) challenge.ConsumedAt = now;
            if (decision.CountChallengeTry) challenge.FailedAttempts++;
        }
        switch (decision.Verdict)
        {
            case AnswerVerdict.IdentifierBudgetSpent or AnswerVerdict.NetworkBudgetSpent or AnswerVerdict.ChallengeOutOfTries:
                audit.Record(Audit.AuditActions.LimitHit, caller.Client.Id, caller.Environment.Id, null, ip, detail: decision.Verdict switch
                {
                    AnswerVerdict.IdentifierBudgetSpent => "wrong-passcode budget",
                    AnswerVerdict.NetworkBudgetSpent => "wrong-passcode budget of the network",
                    _ => "challenge tries",
                });
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return ApiError.TooManyRequests(http, decision.RetryAfterSeconds, decision.Verdict switch
                {
                    AnswerVerdict.IdentifierBudgetSpent => "Too many wrong passcodes for this identifier",
                    AnswerVerdict.NetworkBudgetSpent => "Too many wrong passcodes from this address",
                    _ => "Too many wrong passcodes: request a new one",
                });
            case AnswerVerdict.Wrong:
                if (decision.RecordFailure)
                    db.PasscodeFailures.Add(new PasscodeFailure
                    {
                        EnvironmentId = caller.Environment.Id, Identifier = caller.Identifier, At = now, IpNetwork = ClientNetwork.Of(ip), ChallengeLive = decision.ChallengeLive,
                    });
                audit.Record(Audit.AuditActions.PasscodeFailed, caller.Client.Id, caller.Environment.Id, challenge?.ProfileId, ip);
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return WrongPasscode(http);
            case AnswerVerdict.Disabled: return Disabled();
            case AnswerVerdict.SignupsClosed: return ApiError.Result(403, "Sign-ups are closed", "This client does not create new profiles.");
        }

        Profile profile;
        if (decision.Verdict == AnswerVerdict.SignUpOnProof)
        {
            profile = profiles.Create(caller.Environment.Id, uuid: null);
            SetIdentifier(profile, caller);
        }
        else profile = holder!;

        // The first passcode sign-in proves the identifier: anything issued before it (e.g. to someone who signed
        // up with this identifier without proving it) is revoked, against pre-account-takeover.
        var revoked = new List<Revocation>();
        if (MarkVerified(profile, caller, now))
        {
            revoked = await sessions.RevokeAllForProfileAsync(profile.Id, cancellationToken);
            Webhooks.EventLog.Record(db, Webhooks.EventTypes.ProfileVerified, profile.EnvironmentId, profile.Id, new { id = profile.Id, uuid = profile.Uuid }, now);
        }

        var issued = await sessions.IssueAsync(profile, SessionKind.Passwordless, caller.Client.Id, caller.Client.Id, http, cancellationToken);
        audit.Record(Audit.AuditActions.SessionIssued, caller.Client.Id, caller.Environment.Id, profile.Id, ip, subject: issued.Session.Id.ToString("D"),
            detail: sandboxCode ? "sandbox passcode" : "passcode");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        sessions.ApplyLocally(revoked);
        return SessionCreated(http, issued);
    }

    /// <summary>What authenticate decides on, read under the identifier's lock; the challenge and profile tracked for the writes.</summary>
    private async Task<(AnswerState State, PasscodeChallenge? Challenge, Profile? Holder)> ReadAnswerStateAsync(Caller caller, string? network, bool sandboxCode, DateTime now,
        CancellationToken cancellationToken)
    {
        var holder = await FindByIdentifierAsync(caller, cancellationToken);
        Holder? holding = holder is null ? null
            : new Holder(holder.Id, holder.DisabledAt is not null, (caller.Client.Strategy == AuthStrategy.Email ? holder.EmailVerifiedAt : holder.PhoneVerifiedAt) is not null);
        // The sandbox code needs no challenge and spends no budget.
        if (sandboxCode) return (new AnswerState(0, null, 0, null, null, holding), null, holder);

        var hourAgo = now.AddHours(-1);
        var identifierFailures = await db.PasscodeFailures
            .Where(f => f.EnvironmentId == caller.Environment.Id && f.Identifier == caller.Identifier && f.ChallengeLive && f.At > hourAgo)
            .OrderBy(f => f.At).Select(f => f.At).ToListAsync(cancellationToken);
        var networkFailures = network is null ? []
            : await db.PasscodeFailures.Where(f => f.IpNetwork == network && f.At > hourAgo)
                .OrderByDescending(f => f.At).Take(_options.MaxFailuresPerIpPerHour).Select(f => f.At).ToListAsync(cancellationToken);
        var newest = await db.PasscodeChallenges
            .Where(c => c.EnvironmentId == caller.Environment.Id && c.Identifier == caller.Identifier)
            .OrderByDescending(c => c.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        var state = new AnswerState(
            identifierFailures.Count,
            identifierFailures.Count >= _options.MaxFailuresPerIdentifierPerHour ? identifierFailures[identifierFailures.Count - _options.MaxFailuresPerIdentifierPerHour] : null,
            networkFailures.Count,
            // The newest failures first, so the last of the budget's is the one whose expiry frees a try.
            networkFailures.Count >= _options.MaxFailuresPerIpPerHour ? networkFailures[_options.MaxFailuresPerIpPerHour - 1] : null,
            newest is null ? null : new Challenge(newest.Id, newest.ProfileId, newest.ExpiresAt, newest.FailedAttempts, newest.ConsumedAt is not null),
            holding);
        return (state, newest, holder);
    }

    /// <summary>
    /// A new challenge for the caller and the message carrying its code, neither added to any context. The code
    /// exists only inside the message, encrypted; the challenge keeps its keyed hash.
    /// </summary>
    internal static (PasscodeChallenge Challenge, OutboxMessage Message) NewChallenge(PasscodeHasher hasher, Outbox outbox, PasscodeOptions options,
        Caller caller, string? profileId, string? ip, DateTime now, bool captureOnly)
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
            ExpiresAt = now + options.Lifetime,
            IpAddress = ClientNetwork.Of(ip),
            CodeHash = hasher.Hash(challengeId, code),
        };
        var content = caller.Channel == OutboxChannel.Email
            ? MessageTemplates.PasscodeEmail(caller.Client.Name, code, options.Lifetime)
            : MessageTemplates.PasscodeSms(caller.Client.Name, code, options.Lifetime);
        var message = outbox.NewMessage(caller.Environment.Id, caller.Channel, caller.Identifier, "passcode", content, challenge.ExpiresAt, captureOnly);
        return (challenge, message);
    }

    private static IResult WrongPasscode(HttpContext http)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return ApiError.NotAuthenticated("The passcode is wrong, expired or already used: request a new one and try again.");
    }

    private static IResult SessionCreated(HttpContext http, IssuedSession issued)
    {
        http.Response.Headers.Authorization = "Bearer " + issued.Token;
        return TypedResults.Json(SessionView.From(issued), statusCode: StatusCodes.Status201Created);
    }

    private Task<Profile?> FindByIdentifierAsync(Caller caller, CancellationToken cancellationToken) =>
        caller.Client.Strategy == AuthStrategy.Email
            ? PasscodeQueries.ProfileByEmail.For(db)(db, caller.Environment.Id, caller.Identifier, cancellationToken)
            : PasscodeQueries.ProfileByPhone.For(db)(db, caller.Environment.Id, caller.Identifier, cancellationToken);

    private static void SetIdentifier(Profile profile, Caller caller)
    {
        if (caller.Client.Strategy == AuthStrategy.Email) profile.Email = caller.Identifier;
        else profile.Phone = caller.Identifier;
    }

    /// <returns>True when this is the identifier's first verification.</returns>
    private static bool MarkVerified(Profile profile, Caller caller, DateTime now)
    {
        if (caller.Client.Strategy == AuthStrategy.Email)
        {
            if (profile.EmailVerifiedAt is not null) return false;
            profile.EmailVerifiedAt = now;
        }
        else
        {
            if (profile.PhoneVerifiedAt is not null) return false;
            profile.PhoneVerifiedAt = now;
        }
        profile.UpdatedAt = now;
        return true;
    }
}
