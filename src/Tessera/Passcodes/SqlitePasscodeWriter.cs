using Microsoft.Extensions.Options;
using Tessera.Audit;
using Tessera.Clients;
using Tessera.Data;
using Tessera.Delivery;
using Tessera.Environments;
using Tessera.Sessions;

namespace Tessera.Passcodes;

/// <summary>
/// The steady state of passwordless sign-in (<see cref="IPasscodeSteadyState"/>) on SQLite, written through group
/// commit (<see cref="SqliteGroupCommit"/>) instead of EF. Through EF each of these held the one-writer gate ~1 ms, most
/// of it EF's save pipeline and SQLite parsing commands prepared anew (bench/README.md).
/// </summary>
/// <remarks>
/// Every other case is <see cref="SteadyStateOutcome.Deferred"/> to <see cref="PasscodeSignIn"/>'s EF path, which decides it afresh
/// under the same gate: sign-up, a cooldown, a send limit near (the exact count) or hit, a wrong passcode (its failure
/// is recorded there), a challenge out of tries, and an identifier's first verification (which revokes what came
/// before). A deferred unit has written nothing: each unit reads everything it decides on before its first write.
/// </remarks>
public sealed class SqlitePasscodeWriter(
    SqliteGroupCommit groupCommit,
    PasscodeHasher hasher,
    Outbox outbox,
    OutboxSignal outboxSignal,
    SigningKeyRing keys,
    SessionTokenIssuer issuer,
    IOptions<SessionTokenOptions> tokenOptions,
    IOptions<PasscodeOptions> options,
    TimeProvider clock) : IPasscodeSteadyState
{
    private readonly PasscodeOptions _options = options.Value;

    public bool Enabled => groupCommit.Enabled;

    async Task<SteadyStateOutcome> IPasscodeSteadyState.SendAsync(PasscodeSignIn.Caller caller, string? ip, bool captureOnly, CancellationToken cancellationToken)
    {
        var outcome = await groupCommit.RunAsync(writer => Send(writer, caller, ip, captureOnly), cancellationToken);
        // After the commit, as the EF path's interceptor does: the dispatcher must find the row when it wakes.
        if (outcome is SteadyStateOutcome.Sent { Pending: true }) outboxSignal.Notify();
        return outcome;
    }

    async Task<SteadyStateOutcome> IPasscodeSteadyState.AuthenticateAsync(PasscodeSignIn.Caller caller, string passcode, bool sandboxCode, SessionOrigin origin, CancellationToken cancellationToken)
    {
        var key = await keys.GetActiveAsync(caller.Environment.Id, cancellationToken);
        return await groupCommit.RunAsync(writer => Authenticate(writer, caller, passcode, sandboxCode, key, origin), cancellationToken);
    }

    private SteadyStateOutcome Send(SqliteWriter writer, PasscodeSignIn.Caller caller, string? ip, bool captureOnly)
    {
        // The clock is read under the gate, so challenges of one identifier are created in the order they commit.
        var now = clock.GetUtcNow().UtcDateTime;
        var environmentId = caller.Environment.Id;
        string? profileId;
        bool disabled;
        DateTime? newestChallengeAt;
        long sendsFromIp, sendsInEnvironment;
        using (var state = writer.Query(SendStateSql(caller.Client.Strategy), environmentId, caller.Identifier,
                   PasscodeSendCounts.IpScope(ip ?? ""), PasscodeSendCounts.FirstWindowOfHourBefore(now), PasscodeSendCounts.EnvironmentScope(environmentId)))
        {
            state.Read();
            profileId = state.IsDBNull(0) ? null : state.GetString(0);
            disabled = !state.IsDBNull(1) && state.GetBoolean(1);
            newestChallengeAt = state.IsDBNull(2) ? null : state.GetDateTime(2);
            sendsFromIp = state.GetInt64(3);
            sendsInEnvironment = state.GetInt64(4);
        }

        var decision = PasscodePolicy.DecideSend(new PasscodePolicy.SendState(profileId, disabled, newestChallengeAt, ip is not null, sendsFromIp, sendsInEnvironment, CountsExact: false),
            caller.Rules, _options, now);
        if (decision.Verdict == PasscodePolicy.SendVerdict.Disabled) return SteadyStateOutcome.DisabledOutcome;
        if (decision.Verdict != PasscodePolicy.SendVerdict.SendPasscode) return SteadyStateOutcome.DeferredOutcome;

        var (challenge, message) = PasscodeSignIn.NewChallenge(hasher, outbox, _options, caller, profileId, ip, now, captureOnly);
        writer.Execute("INSERT INTO passcode_challenges (id, environment_id, client_id, identifier, profile_id, code_hash, created_at, expires_at, failed_attempts, consumed_at, ip_address) " +
                       "VALUES ($id, $environment, $client, $identifier, $profile, $hash, $createdAt, $expiresAt, 0, NULL, $ip)",
            challenge.Id, challenge.EnvironmentId, challenge.ClientId, challenge.Identifier, challenge.ProfileId, challenge.CodeHash,
            challenge.CreatedAt, challenge.ExpiresAt, challenge.IpAddress);
        writer.Execute("INSERT INTO outbox_messages (id, environment_id, channel, recipient, purpose, protected_content, status, attempts, created_at, next_attempt_at, expires_at) " +
                       "VALUES ($id, $environment, $channel, $recipient, $purpose, $content, $status, 0, $createdAt, $nextAttemptAt, $expiresAt)",
            message.Id, message.EnvironmentId, message.Channel, message.Recipient, message.Purpose, message.ProtectedContent, message.Status,
            message.CreatedAt, message.NextAttemptAt, message.ExpiresAt);
        RecordSend(writer, environmentId, ip, now);
        AuditLog.Insert(writer, AuditLog.NewEvent(now, AuditActions.PasscodeSent, caller.Client.Id, environmentId, profileId, ip));
        return new SteadyStateOutcome.Sent(message.Status == OutboxStatus.Pending);
    }

    /// <summary><see cref="PasscodeSendCounts.RecordAsync"/>'s statement, for this connection.</summary>
    private static void RecordSend(SqliteWriter writer, string environmentId, string? ip, DateTime now)
    {
        const string upsert = " ON CONFLICT (scope, window_index, shard) DO UPDATE SET sends = passcode_send_counts.sends + 1";
        var window = PasscodeSendCounts.WindowOf(now);
        var shard = Random.Shared.Next(PasscodeSendCounts.Shards);
        var environmentScope = PasscodeSendCounts.EnvironmentScope(environmentId);
        if (ip is null)
            writer.Execute("INSERT INTO passcode_send_counts (scope, window_index, shard, sends) VALUES ($environmentScope, $window, $shard, 1)" + upsert,
                environmentScope, window, shard);
        else
            writer.Execute("INSERT INTO passcode_send_counts (scope, window_index, shard, sends) VALUES ($environmentScope, $window, $shard, 1), ($ipScope, $window, $shard, 1)" + upsert,
                environmentScope, window, shard, PasscodeSendCounts.IpScope(ip));
    }

    private SteadyStateOutcome Authenticate(SqliteWriter writer, PasscodeSignIn.Caller caller, string passcode, bool sandboxCode, SigningKeyRing.LoadedKey key, SessionOrigin origin)
    {
        var now = clock.GetUtcNow();
        var utcNow = now.UtcDateTime;
        var environmentId = caller.Environment.Id;
        var network = Http.ClientNetwork.Of(origin.IpAddress);
        var state = new PasscodePolicy.AnswerState(0, null, 0, null, null, null);
        var matches = false;
        if (!sandboxCode)
        {
            using (var failures = writer.Query(FailuresSql, environmentId, caller.Identifier, utcNow.AddHours(-1), network ?? ""))
            {
                failures.Read();
                state = state with { IdentifierFailures = failures.GetInt64(0), NetworkFailures = failures.GetInt64(1) };
            }

            using var newest = writer.Query("SELECT id, profile_id, code_hash, expires_at, failed_attempts, consumed_at FROM passcode_challenges " +
                                            "WHERE environment_id = $environment AND identifier = $identifier ORDER BY created_at DESC LIMIT 1",
                environmentId, caller.Identifier);
            if (newest.Read())
            {
                var challenge = new PasscodePolicy.Challenge(newest.GetGuid(0), newest.IsDBNull(1) ? null : newest.GetString(1), newest.GetDateTime(3), newest.GetInt32(4), !newest.IsDBNull(5));
                state = state with { Newest = challenge };
                matches = hasher.Matches(challenge.Id, passcode, (byte[])newest.GetValue(2));
            }
            // Hash even when there is nothing to compare against, as the EF path does, so timing does not tell whether a challenge exists.
            else hasher.Matches(Guid.Empty, passcode, new byte[32]);
        }

        Guid profileUuid = default;
        using (var profile = writer.Query(ProfileSql(caller.Client.Strategy), environmentId, caller.Identifier))
        {
            if (profile.Read())
            {
                state = state with { Holder = new PasscodePolicy.Holder(profile.GetString(0), profile.GetBoolean(2), profile.GetBoolean(3)) };
                profileUuid = profile.GetGuid(1);
            }
        }

        var decision = PasscodePolicy.DecideAnswer(state, matches, sandboxCode, caller.Rules, _options, utcNow);
        if (decision.Verdict == PasscodePolicy.AnswerVerdict.Disabled) return SteadyStateOutcome.DisabledOutcome;
        // Anything but a sign-in to a verified identifier (a wrong answer, a limit, a first proof, a sign-up) is the EF path's.
        if (decision.Verdict != PasscodePolicy.AnswerVerdict.SignIn) return SteadyStateOutcome.DeferredOutcome;
        var profileId = decision.ProfileId!;
        var challengeId = decision.ConsumeChallenge ? state.Newest?.Id : null;

        if (challengeId is { } consumed)
            writer.Execute("UPDATE passcode_challenges SET consumed_at = $now WHERE id = $id", utcNow, consumed);
        var issued = IssuedSession.Create(issuer, tokenOptions.Value, key, now, profileId, profileUuid, SessionKind.Passwordless, caller.Client.Id, caller.Client.Id, origin);
        issued.Session.Insert(writer);
        AuditLog.Insert(writer, AuditLog.NewEvent(utcNow, AuditActions.SessionIssued, caller.Client.Id, environmentId, profileId, origin.IpAddress,
            subject: issued.Session.Id.ToString("D"), detail: sandboxCode ? "sandbox passcode" : "passcode"));
        return new SteadyStateOutcome.Issued(issued);
    }

    // The statements, one text per strategy (a command is prepared once per text).
    private static readonly string SendStateByEmail = SendState("email"), SendStateByPhone = SendState("phone");
    private static readonly string ProfileByEmail = Profile("email"), ProfileByPhone = Profile("phone");

    /// <summary>Wrong answers of the last hour: to live challenges of the identifier, and from the caller's network.</summary>
    private const string FailuresSql =
        "SELECT (SELECT count(*) FROM passcode_failures WHERE environment_id = $environment AND identifier = $identifier AND challenge_live AND at > $since), " +
        "(SELECT count(*) FROM passcode_failures WHERE ip_network = $network AND at > $since)";

    private static string SendStateSql(AuthStrategy strategy) => strategy == AuthStrategy.Email ? SendStateByEmail : SendStateByPhone;

    private static string ProfileSql(AuthStrategy strategy) => strategy == AuthStrategy.Email ? ProfileByEmail : ProfileByPhone;

    /// <summary>What identify decides on, in one statement: <see cref="PasscodeQueries.SendStateByEmail"/>'s columns.</summary>
    private static string SendState(string column) =>
        "SELECT p.id, p.disabled_at IS NOT NULL, " +
        "(SELECT max(created_at) FROM passcode_challenges WHERE environment_id = $environment AND identifier = $identifier), " +
        "(SELECT coalesce(sum(sends), 0) FROM passcode_send_counts WHERE scope = $ipScope AND window_index >= $firstWindow), " +
        "(SELECT coalesce(sum(sends), 0) FROM passcode_send_counts WHERE scope = $environmentScope AND window_index >= $firstWindow) " +
        $"FROM (SELECT 1) LEFT JOIN profiles p ON p.environment_id = $environment AND p.{column} = $identifier";

    /// <summary>The profile holding the identifier now (a passcode proves an identifier only for its holder).</summary>
    private static string Profile(string column) =>
        $"SELECT id, uuid, disabled_at IS NOT NULL, {column}_verified_at IS NOT NULL FROM profiles WHERE environment_id = $environment AND {column} = $key";
}
