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

namespace Tessera.Passcodes;

/// <summary>
/// Passwordless sign-up and sign-in from browsers and apps (no credential): identify with an email or phone, then
/// authenticate with the one-time passcode sent to it.
/// </summary>
public static class PasswordlessApi
{
    public static IEndpointRouteBuilder MapPasswordlessApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/users/session", IdentifyOrAuthenticateAsync).WithTags("Passwordless")
            .WithSummary("Identify (sign up or send a passcode); with a passcode, authenticate");
        routes.MapPut("/v1/users/session", AuthenticateAsync).WithTags("Passwordless")
            .WithSummary("Trade a passcode for a session token");
        return routes;
    }

    private static async Task<IResult> IdentifyOrAuthenticateAsync(HttpContext http, PasscodeSignIn signIn)
    {
        var body = await JsonBody.ReadObjectAsync(http.Request, emptyIsObject: false, http.RequestAborted);
        if (body.Error is { } error) return error;
        var errors = new ValidationErrors();
        var request = PasswordlessRequest.Parse(body.Root, errors);
        if (errors.Any) return errors.ToResult();
        return request.HasPasscode
            ? await signIn.AuthenticateAsync(http, request, http.RequestAborted)
            : await signIn.IdentifyAsync(http, request, http.RequestAborted);
    }

    private static async Task<IResult> AuthenticateAsync(HttpContext http, PasscodeSignIn signIn)
    {
        var body = await JsonBody.ReadObjectAsync(http.Request, emptyIsObject: false, http.RequestAborted);
        if (body.Error is { } error) return error;
        var errors = new ValidationErrors();
        var request = PasswordlessRequest.Parse(body.Root, errors);
        if (!request.HasPasscode) errors.Add("passcode", "is required");
        if (errors.Any) return errors.ToResult();
        return await signIn.AuthenticateAsync(http, request, http.RequestAborted);
    }
}

/// <summary>
/// The identify and authenticate flows, with every rule of the spec's Security section. The steady state is tried
/// first outside EF (<see cref="IPasscodeSteadyState"/>); what it defers runs here.
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

    private readonly PasscodeOptions _options = options.Value;

    /// <summary>The database's writer of the steady state, tried before the EF path.</summary>
    private IPasscodeSteadyState? SteadyState => sqliteWriter.Enabled ? sqliteWriter : postgresWriter.Enabled ? postgresWriter : null;

    /// <summary>Who asks: the client, its environment, and the identifier normalized for the client's strategy.</summary>
    internal sealed record Caller(Client Client, TesseraEnvironment Environment, string Identifier)
    {
        public OutboxChannel Channel => Client.Strategy == AuthStrategy.Email ? OutboxChannel.Email : OutboxChannel.Sms;
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
        if (SteadyState is { } steadyState)
        {
            var canSend = outbox.CanSend(caller.Channel);
            // A production environment with no provider gets its 503 from the EF path, after the checks before it.
            if (canSend || caller.Environment.Mode != EnvironmentMode.Production)
            {
                switch (await steadyState.SendAsync(caller, ip, captureOnly: !canSend, cancellationToken))
                {
                    case SteadyStateOutcome.Sent: return Accepted();
                    case SteadyStateOutcome.Disabled: return Disabled();
                }
            }
        }

        var (transaction, state, now) = await BeginSendAsync(caller, ip, cancellationToken);
        await using var owned = transaction;

        if (state.ProfileId is null)
        {
            if (!caller.Client.SignupsEnabled)
                return ApiError.Result(403, "Sign-ups are closed", "This client does not create new profiles; sign in with an identifier that has one.");
            if (!caller.Client.VerifyNewProfiles)
            {
                // Sign-up: a profile at once, its identifier unverified until a first passcode sign-in.
                var profile = profiles.Create(caller.Environment.Id, uuid: null);
                SetIdentifier(profile, caller);
                var issued = await sessions.IssueAsync(profile, SessionKind.Passwordless, caller.Client.Id, caller.Client.Id, http, cancellationToken);
                audit.Record(Audit.AuditActions.SessionIssued, caller.Client.Id, caller.Environment.Id, profile.Id, Credentials.ClientIp(http), subject: issued.Session.Id.ToString("D"), detail: "sign-up");
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
        }

        if (state.ProfileDisabled) return Disabled();
        var sent = await SendPasscodeAsync(http, caller, state, ip, now, cancellationToken);
        if (sent is not null)
        {
            await transaction.DisposeAsync();
            if (sent is IStatusCodeHttpResult { StatusCode: StatusCodes.Status429TooManyRequests })
                await audit.RecordNowAsync(Audit.AuditActions.LimitHit, caller.Client.Id, caller.Environment.Id, state.ProfileId, ip, detail: "passcode send", cancellationToken: cancellationToken);
            return sent;
        }
        await PasscodeSendCounts.RecordAsync(db, caller.Environment.Id, ip, now, cancellationToken);
        audit.Record(Audit.AuditActions.PasscodeSent, caller.Client.Id, caller.Environment.Id, state.ProfileId, ip);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Accepted();
    }

    /// <summary>
    /// Identify's transaction with its locks held, and the send state read under them: the identifier's lock (cooldown,
    /// one sign-up) and, on PostgreSQL, the send limits' scope locks (<see cref="SendLimitLocks"/>).
    /// </summary>
    private async Task<(WriteTransaction Transaction, PasscodeQueries.SendState State, DateTime Now)> BeginSendAsync(Caller caller, string? ip, CancellationToken cancellationToken)
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
                if (postgres && sendLimitLocks.Escalation(modes, ip is not null, state.SendsFromIpAtMost, state.SendsInEnvironmentAtMost) is { } stronger)
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
    private Task<PasscodeQueries.SendState> ReadSendStateAsync(Caller caller, string? ip, DateTime now, CancellationToken cancellationToken)
    {
        var query = (caller.Client.Strategy == AuthStrategy.Email ? PasscodeQueries.SendStateByEmail : PasscodeQueries.SendStateByPhone).For(db);
        return query(db, caller.Environment.Id, caller.Identifier, PasscodeSendCounts.IpScope(ip ?? ""),
            PasscodeSendCounts.EnvironmentScope(caller.Environment.Id), PasscodeSendCounts.FirstWindowOfHourBefore(now), cancellationToken);
    }

    /// <summary>Creates a challenge and its message, unless a send limit says no (then the 429 to return).</summary>
    private async Task<IResult?> SendPasscodeAsync(HttpContext http, Caller caller, PasscodeQueries.SendState state, string? ip, DateTime now, CancellationToken cancellationToken)
    {
        if (state.NewestChallengeAt is { } last && now - last < _options.ResendCooldown)
            return ApiError.TooManyRequests(http, (int)Math.Ceiling((last + _options.ResendCooldown - now).TotalSeconds), "A passcode was just sent to this identifier");

        // Near a limit (by the upper bound), the challenges of the last hour decide, counted up to the limit.
        var hourAgo = now.AddHours(-1);
        if (ip is not null && state.SendsFromIpAtMost >= _options.MaxSendsPerIpPerHour
            && await db.PasscodeChallenges.Where(c => c.IpAddress == ip && c.CreatedAt > hourAgo)
                .OrderBy(c => c.CreatedAt).Take(_options.MaxSendsPerIpPerHour).CountAsync(cancellationToken) >= _options.MaxSendsPerIpPerHour)
            return ApiError.TooManyRequests(http, 3600, "Too many passcodes requested from this address");
        if (state.SendsInEnvironmentAtMost >= _options.MaxSendsPerEnvironmentPerHour
            && await db.PasscodeChallenges.Where(c => c.EnvironmentId == caller.Environment.Id && c.CreatedAt > hourAgo)
                .OrderBy(c => c.CreatedAt).Take(_options.MaxSendsPerEnvironmentPerHour).CountAsync(cancellationToken) >= _options.MaxSendsPerEnvironmentPerHour)
            return ApiError.TooManyRequests(http, 3600, "Too many passcodes sent by this environment");

        var channel = caller.Channel;
        var canSend = outbox.CanSend(channel);
        if (!canSend && caller.Environment.Mode == EnvironmentMode.Production)
            return ApiError.Result(503, "Delivery is not configured", $"Configure an {(channel == OutboxChannel.Email ? "SMTP" : "SMS")} provider for production environments.");

        var (challenge, message) = NewChallenge(hasher, outbox, _options, caller, state.ProfileId, ip, now, captureOnly: !canSend);
        db.PasscodeChallenges.Add(challenge);
        db.OutboxMessages.Add(message);
        return null;
    }

    public async Task<IResult> AuthenticateAsync(HttpContext http, PasswordlessRequest request, CancellationToken cancellationToken)
    {
        var (caller, error) = await ResolveAsync(http, request, cancellationToken);
        if (caller is null) return error!;
        var passcode = request.Passcode ?? "";
        var sandboxCode = caller.Environment.Mode == EnvironmentMode.Sandbox && passcode == PasscodeHasher.SandboxCode;
        if (SteadyState is { } steadyState)
        {
            switch (await steadyState.AuthenticateAsync(caller, passcode, sandboxCode, SessionOrigin.Of(http), cancellationToken))
            {
                case SteadyStateOutcome.Issued issuedOutside: return SessionCreated(http, issuedOutside.Session);
                case SteadyStateOutcome.Disabled: return Disabled();
            }
        }

        await using var transaction = await db.BeginWriteTransactionAsync(cancellationToken);
        await db.LockIdentifierAsync(caller.Environment.Id, caller.Identifier, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;

        async Task RecordLimitHitAsync(string which)
        {
            audit.Record(Audit.AuditActions.LimitHit, caller.Client.Id, caller.Environment.Id, null, Credentials.ClientIp(http), detail: which);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        PasscodeChallenge? challenge = null;
        if (!sandboxCode)
        {
            var hourAgo = now.AddHours(-1);
            var failures = await db.PasscodeFailures
                .Where(f => f.EnvironmentId == caller.Environment.Id && f.Identifier == caller.Identifier && f.At > hourAgo)
                .OrderBy(f => f.At).Select(f => f.At).ToListAsync(cancellationToken);
            if (failures.Count >= _options.MaxFailuresPerIdentifierPerHour)
            {
                var oldest = failures[failures.Count - _options.MaxFailuresPerIdentifierPerHour];
                await RecordLimitHitAsync("wrong-passcode budget");
                return ApiError.TooManyRequests(http, (int)Math.Ceiling((oldest.AddHours(1) - now).TotalSeconds), "Too many wrong passcodes for this identifier");
            }

            // Only the newest challenge of the identifier counts: a resend supersedes the code before it.
            challenge = await db.PasscodeChallenges
                .Where(c => c.EnvironmentId == caller.Environment.Id && c.Identifier == caller.Identifier)
                .OrderByDescending(c => c.CreatedAt).FirstOrDefaultAsync(cancellationToken);
            if (challenge is not null && challenge.ConsumedAt is null && challenge.ExpiresAt > now
                && challenge.FailedAttempts >= _options.MaxAttemptsPerChallenge)
            {
                await RecordLimitHitAsync("challenge tries");
                return ApiError.TooManyRequests(http, (int)Math.Ceiling((challenge.ExpiresAt - now).TotalSeconds), "Too many wrong passcodes: request a new one");
            }

            var live = challenge is not null && challenge.ConsumedAt is null && challenge.ExpiresAt > now;
            // Hash even when there is nothing to compare against, so timing does not tell whether a challenge exists.
            var right = hasher.Matches(challenge?.Id ?? Guid.Empty, passcode, challenge?.CodeHash ?? new byte[32]) && live;
            if (!right)
            {
                if (live) challenge!.FailedAttempts++;
                db.PasscodeFailures.Add(new PasscodeFailure { EnvironmentId = caller.Environment.Id, Identifier = caller.Identifier, At = now });
                audit.Record(Audit.AuditActions.PasscodeFailed, caller.Client.Id, caller.Environment.Id, challenge?.ProfileId, Credentials.ClientIp(http));
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return WrongPasscode(http);
            }
            challenge!.ConsumedAt = now;
        }

        var profile = challenge?.ProfileId is { } profileId
            ? await PasscodeQueries.ProfileById.For(db)(db, caller.Environment.Id, profileId, cancellationToken)
            : null;
        profile ??= await FindByIdentifierAsync(caller, cancellationToken);
        if (profile?.DisabledAt is not null) return Disabled();
        if (profile is null)
        {
            if (!caller.Client.SignupsEnabled)
                return ApiError.Result(403, "Sign-ups are closed", "This client does not create new profiles.");
            profile = profiles.Create(caller.Environment.Id, uuid: null);
            SetIdentifier(profile, caller);
        }

        // The first passcode sign-in proves the identifier: anything issued before it (e.g. to someone who signed
        // up with this identifier without proving it) is revoked, against pre-account-takeover.
        var revoked = new List<Sessions.Revocation>();
        if (MarkVerified(profile, caller, now))
        {
            revoked = await sessions.RevokeAllForProfileAsync(profile.Id, cancellationToken);
            Webhooks.EventLog.Record(db, Webhooks.EventTypes.ProfileVerified, profile.EnvironmentId, profile.Id, new { id = profile.Id, uuid = profile.Uuid }, now);
        }

        var issued = await sessions.IssueAsync(profile, SessionKind.Passwordless, caller.Client.Id, caller.Client.Id, http, cancellationToken);
        audit.Record(Audit.AuditActions.SessionIssued, caller.Client.Id, caller.Environment.Id, profile.Id, Credentials.ClientIp(http), subject: issued.Session.Id.ToString("D"),
            detail: sandboxCode ? "sandbox passcode" : "passcode");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        sessions.ApplyLocally(revoked);
        return SessionCreated(http, issued);
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
            IpAddress = ip,
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
