using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Tessera.Audit;
using Tessera.Clients;
using Tessera.Data;
using Tessera.Delivery;
using Tessera.Environments;
using Tessera.Metrics;
using Tessera.Sessions;

namespace Tessera.Passcodes;

/// <summary>
/// The steady state of passwordless sign-in (<see cref="IPasscodeSteadyState"/>) on PostgreSQL, in two round trips of
/// plain Npgsql batches: <c>BEGIN</c>, the locks and every read the unit decides on; then its writes with the
/// <c>COMMIT</c>. Through EF the same work took five or six round trips, and EF's per-statement and save pipeline cost
/// more CPU than the database (bench/README.md).
/// </summary>
/// <remarks>
/// The guarantees are the EF path's. The identifier's lock comes first (cooldown, single use); a send also holds the
/// send limits' scope locks (<see cref="SendLimitLocks"/>) and is deferred when they must be taken stronger. Each lock is
/// its own statement before the reads, so under READ COMMITTED the reads see what every earlier holder committed. A
/// deferred or refused unit is rolled back before the EF path starts afresh.
/// </remarks>
public sealed class PostgresPasscodeWriter(
    TesseraDbContext db,
    SendLimitLocks sendLimitLocks,
    PasscodeHasher hasher,
    Outbox outbox,
    OutboxSignal outboxSignal,
    SigningKeyRing keys,
    SessionTokenIssuer issuer,
    IOptions<SessionTokenOptions> tokenOptions,
    IOptions<PasscodeOptions> options,
    TesseraMetrics metrics,
    TimeProvider clock) : IPasscodeSteadyState
{
    private readonly PasscodeOptions _options = options.Value;

    public bool Enabled => db.Database.IsNpgsql();

    async Task<SteadyStateOutcome> IPasscodeSteadyState.SendAsync(PasscodeSignIn.Caller caller, string? ip, bool captureOnly, CancellationToken cancellationToken)
    {
        var modes = await sendLimitLocks.FirstModesAsync(db, cancellationToken);
        var outcome = await InTransactionAsync(connection => SendAsync(connection, caller, ip, modes, captureOnly, cancellationToken), cancellationToken);
        // After the commit, as the EF path's interceptor does: the dispatcher must find the row when it wakes.
        if (outcome is SteadyStateOutcome.Sent { Pending: true }) outboxSignal.Notify();
        return outcome;
    }

    async Task<SteadyStateOutcome> IPasscodeSteadyState.AuthenticateAsync(PasscodeSignIn.Caller caller, string passcode, bool sandboxCode, SessionOrigin origin, CancellationToken cancellationToken)
    {
        var key = await keys.GetActiveAsync(caller.Environment.Id, cancellationToken);
        return await InTransactionAsync(connection => AuthenticateAsync(connection, caller, passcode, sandboxCode, key, origin, cancellationToken), cancellationToken);
    }

    /// <summary>Runs a unit on the context's connection; one that did not commit (deferred, refused, failed) is rolled back.</summary>
    private async Task<SteadyStateOutcome> InTransactionAsync(Func<NpgsqlConnection, Task<SteadyStateOutcome>> unit, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var committed = false;
        try
        {
            var outcome = await unit(connection);
            committed = outcome is SteadyStateOutcome.Sent or SteadyStateOutcome.Issued;
            return outcome;
        }
        finally
        {
            if (!committed) await PostgresStatement.RollBackAsync(connection);
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<SteadyStateOutcome> SendAsync(NpgsqlConnection connection, PasscodeSignIn.Caller caller, string? ip, SendLimitLocks.Modes modes,
        bool captureOnly, CancellationToken cancellationToken)
    {
        var environmentId = caller.Environment.Id;
        var environmentScope = PasscodeSendCounts.EnvironmentScope(environmentId);
        // The clock is read before the locks (the batch that takes them also reads): a send overtaken while it waited,
        // whose clock reading is not after the newest challenge, is deferred, so challenges of one identifier are
        // still created in the order they commit.
        var now = clock.GetUtcNow().UtcDateTime;

        // Round trip 1: BEGIN, the identifier's and the scopes' locks, then what identify decides on.
        string? profileId;
        bool disabled;
        DateTime? newestChallengeAt;
        long sendsFromIp, sendsInEnvironment;
        await using (var read = new NpgsqlBatch(connection))
        {
            read.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
            read.BatchCommands.Add(new NpgsqlBatchCommand(PostgresStatement.PlanForTheValues));
            var locks = LockStatements(read, caller, ip, modes);
            read.BatchCommands.Add(PostgresStatement.Of(SendStateSql(caller.Client.Strategy), environmentId, caller.Identifier,
                PasscodeSendCounts.IpScope(ip ?? ""), PasscodeSendCounts.FirstWindowOfHourBefore(now), environmentScope));
            await using var state = await read.ExecuteReaderAsync(cancellationToken);
            for (var i = 0; i < locks; i++) await state.NextResultAsync(cancellationToken);
            await state.ReadAsync(cancellationToken);
            profileId = state.IsDBNull(0) ? null : state.GetString(0);
            disabled = !state.IsDBNull(1) && state.GetBoolean(1);
            newestChallengeAt = state.IsDBNull(2) ? null : state.GetDateTime(2);
            sendsFromIp = state.GetInt64(3);
            sendsInEnvironment = state.GetInt64(4);
        }
        metrics.CountRequestDbCommands(1);

        // A send overtaken while it waited for the locks (its clock reading not after the newest challenge) goes to the
        // EF path, which reads the clock under the locks: challenges of one identifier are created in commit order.
        if (newestChallengeAt is { } last && last >= now) return SteadyStateOutcome.DeferredOutcome;
        // Under the locks held the bounds decide; near a limit the EF path takes the stronger locks and the exact count.
        if (sendLimitLocks.Escalation(modes, ip is not null, sendsFromIp, sendsInEnvironment) is not null) return SteadyStateOutcome.DeferredOutcome;
        var decision = PasscodePolicy.DecideSend(new PasscodePolicy.SendState(profileId, disabled, newestChallengeAt, ip is not null, sendsFromIp, sendsInEnvironment, CountsExact: false),
            caller.Rules, _options, now);
        if (decision.Verdict == PasscodePolicy.SendVerdict.Disabled) return SteadyStateOutcome.DisabledOutcome;
        if (decision.Verdict != PasscodePolicy.SendVerdict.SendPasscode) return SteadyStateOutcome.DeferredOutcome;

        // Round trip 2: the challenge, its message, the send counts, the audit event, COMMIT.
        var (challenge, message) = PasscodeSignIn.NewChallenge(hasher, outbox, _options, caller, profileId, ip, now, captureOnly);
        await using (var write = new NpgsqlBatch(connection))
        {
            write.BatchCommands.Add(PostgresStatement.Of(
                "INSERT INTO passcode_challenges (id, environment_id, client_id, identifier, profile_id, code_hash, created_at, expires_at, failed_attempts, consumed_at, ip_address) " +
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, NULL, $9)",
                challenge.Id, challenge.EnvironmentId, challenge.ClientId, challenge.Identifier, challenge.ProfileId, challenge.CodeHash,
                challenge.CreatedAt, challenge.ExpiresAt, challenge.IpAddress));
            write.BatchCommands.Add(PostgresStatement.Of(
                "INSERT INTO outbox_messages (id, environment_id, channel, recipient, purpose, protected_content, status, attempts, created_at, next_attempt_at, expires_at) " +
                "VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, $10)",
                message.Id, message.EnvironmentId, message.Channel, message.Recipient, message.Purpose, message.ProtectedContent, message.Status,
                message.CreatedAt, message.NextAttemptAt, message.ExpiresAt));
            // Last before the commit, as the EF path does: the count row stays locked until then.
            var window = PasscodeSendCounts.WindowOf(now);
            var shard = Random.Shared.Next(PasscodeSendCounts.Shards);
            write.BatchCommands.Add(ip is null
                ? PostgresStatement.Of(RecordSendSql(scopes: 1), environmentScope, window, shard)
                : PostgresStatement.Of(RecordSendSql(scopes: 2), environmentScope, window, shard, PasscodeSendCounts.IpScope(ip)));
            write.BatchCommands.Add(AuditLog.PostgresInsert(AuditLog.NewEvent(now, AuditActions.PasscodeSent, caller.Client.Id, environmentId, profileId, ip)));
            write.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            await write.ExecuteNonQueryAsync(cancellationToken);
        }
        metrics.CountRequestDbCommands(1);
        return new SteadyStateOutcome.Sent(message.Status == OutboxStatus.Pending);
    }

    private async Task<SteadyStateOutcome> AuthenticateAsync(NpgsqlConnection connection, PasscodeSignIn.Caller caller, string passcode, bool sandboxCode,
        SigningKeyRing.LoadedKey key, SessionOrigin origin, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var utcNow = now.UtcDateTime;
        var environmentId = caller.Environment.Id;

        // Round trip 1: BEGIN, the identifier's lock, the failures and newest challenge (not for the sandbox code), the
        // profile holding the identifier.
        var state = new PasscodePolicy.AnswerState(0, null, 0, null, null, null);
        var matches = false;
        Guid profileUuid = default;
        await using (var read = new NpgsqlBatch(connection))
        {
            read.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
            // The sandbox code reads no challenge: its profile lookup has one index to take, and a generic plan is fine.
            if (!sandboxCode) read.BatchCommands.Add(new NpgsqlBatchCommand(PostgresStatement.PlanForTheValues));
            read.BatchCommands.Add(PostgresStatement.Of(LockExclusive, IdentifierKey(caller)));
            if (!sandboxCode)
                read.BatchCommands.Add(PostgresStatement.Of(NewestChallenge, environmentId, caller.Identifier, utcNow.AddHours(-1), Http.ClientNetwork.Of(origin.IpAddress) ?? ""));
            read.BatchCommands.Add(PostgresStatement.Of(ProfileSql(caller.Client.Strategy), environmentId, caller.Identifier));
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken); // past the lock's row
            if (!sandboxCode)
            {
                await reader.ReadAsync(cancellationToken);
                state = state with { IdentifierFailures = reader.GetInt64(6), NetworkFailures = reader.GetInt64(7) };
                if (!reader.IsDBNull(0))
                {
                    var challenge = new PasscodePolicy.Challenge(reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetDateTime(3), reader.GetInt32(4), !reader.IsDBNull(5));
                    state = state with { Newest = challenge };
                    matches = hasher.Matches(challenge.Id, passcode, reader.GetFieldValue<byte[]>(2));
                }
                // Hash even when there is nothing to compare against, as the EF path does, so timing does not tell whether a challenge exists.
                else hasher.Matches(Guid.Empty, passcode, new byte[32]);
                await reader.NextResultAsync(cancellationToken);
            }
            if (await reader.ReadAsync(cancellationToken))
            {
                state = state with { Holder = new PasscodePolicy.Holder(reader.GetString(0), reader.GetBoolean(2), reader.GetBoolean(3)) };
                profileUuid = reader.GetGuid(1);
            }
        }
        metrics.CountRequestDbCommands(1);

        var decision = PasscodePolicy.DecideAnswer(state, matches, sandboxCode, caller.Rules, _options, utcNow);
        if (decision.Verdict == PasscodePolicy.AnswerVerdict.Disabled) return SteadyStateOutcome.DisabledOutcome;
        // Anything but a sign-in to a verified identifier (a wrong answer, a limit, a first proof, a sign-up) is the EF path's.
        if (decision.Verdict != PasscodePolicy.AnswerVerdict.SignIn) return SteadyStateOutcome.DeferredOutcome;
        var profileId = decision.ProfileId!;
        Guid? challengeId = decision.ConsumeChallenge ? state.Newest?.Id : null;

        // Round trip 2: the challenge consumed, the session, its audit event, COMMIT.
        var issued = IssuedSession.Create(issuer, tokenOptions.Value, key, now, profileId, profileUuid, SessionKind.Passwordless, caller.Client.Id, caller.Client.Id, origin);
        await using (var write = new NpgsqlBatch(connection))
        {
            if (challengeId is { } consumed) write.BatchCommands.Add(PostgresStatement.Of("UPDATE passcode_challenges SET consumed_at = $1 WHERE id = $2", utcNow, consumed));
            write.BatchCommands.Add(issued.Session.PostgresInsert());
            write.BatchCommands.Add(AuditLog.PostgresInsert(AuditLog.NewEvent(utcNow, AuditActions.SessionIssued, caller.Client.Id, environmentId, profileId, origin.IpAddress,
                subject: issued.Session.Id.ToString("D"), detail: sandboxCode ? "sandbox passcode" : "passcode")));
            write.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            await write.ExecuteNonQueryAsync(cancellationToken);
        }
        metrics.CountRequestDbCommands(1);
        return new SteadyStateOutcome.Issued(issued);
    }

    /// <summary>Adds the identifier's and the scopes' lock statements, in <see cref="SendLimitLocks"/>' order; returns how many (one row each).</summary>
    private static int LockStatements(NpgsqlBatch batch, PasscodeSignIn.Caller caller, string? ip, SendLimitLocks.Modes modes)
    {
        batch.BatchCommands.Add(PostgresStatement.Of(LockExclusive, IdentifierKey(caller)));
        if (ip is not null) batch.BatchCommands.Add(PostgresStatement.Of(modes.IpExclusive ? LockExclusive : LockShared, PasscodeSendCounts.IpScope(ip)));
        batch.BatchCommands.Add(PostgresStatement.Of(modes.EnvironmentExclusive ? LockExclusive : LockShared, PasscodeSendCounts.EnvironmentScope(caller.Environment.Id)));
        return ip is null ? 2 : 3;
    }

    private static string IdentifierKey(PasscodeSignIn.Caller caller) => DbErrors.IdentifierLockKey(caller.Environment.Id, caller.Identifier);

    private const string LockExclusive = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";
    private const string LockShared = "SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))";

    private const string NewestChallenge =
        "SELECT c.id, c.profile_id, c.code_hash, c.expires_at, c.failed_attempts, c.consumed_at, " +
        "(SELECT count(*) FROM passcode_failures WHERE environment_id = $1 AND identifier = $2 AND challenge_live AND at > $3), " +
        "(SELECT count(*) FROM passcode_failures WHERE ip_network = $4 AND at > $3) " +
        "FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT * FROM passcode_challenges WHERE environment_id = $1 AND identifier = $2 ORDER BY created_at DESC LIMIT 1) c ON true";

    private static string RecordSendSql(int scopes) => scopes == 1 ? RecordOneScope : RecordTwoScopes;
    private const string RecordUpsert = " ON CONFLICT (scope, window_index, shard) DO UPDATE SET sends = passcode_send_counts.sends + 1";
    private const string RecordOneScope = "INSERT INTO passcode_send_counts (scope, window_index, shard, sends) VALUES ($1, $2, $3, 1)" + RecordUpsert;
    private const string RecordTwoScopes = "INSERT INTO passcode_send_counts (scope, window_index, shard, sends) VALUES ($1, $2, $3, 1), ($4, $2, $3, 1)" + RecordUpsert;

    private static readonly string SendStateByEmail = SendState("email"), SendStateByPhone = SendState("phone");
    private static string SendStateSql(AuthStrategy strategy) => strategy == AuthStrategy.Email ? SendStateByEmail : SendStateByPhone;

    /// <summary>What identify decides on, in one statement: <see cref="PasscodeQueries.SendStateByEmail"/>'s columns.</summary>
    private static string SendState(string column) =>
        "SELECT p.id, p.disabled_at IS NOT NULL, " +
        "(SELECT max(created_at) FROM passcode_challenges WHERE environment_id = $1 AND identifier = $2), " +
        "(SELECT coalesce(sum(sends), 0) FROM passcode_send_counts WHERE scope = $3 AND window_index >= $4), " +
        "(SELECT coalesce(sum(sends), 0) FROM passcode_send_counts WHERE scope = $5 AND window_index >= $4) " +
        $"FROM (SELECT 1) one LEFT JOIN profiles p ON p.environment_id = $1 AND p.{column} = $2";

    // The profile holding the identifier now: a passcode proves an identifier only for its holder.
    private static readonly string ProfileByEmail = Profile("email"), ProfileByPhone = Profile("phone");

    private static string ProfileSql(AuthStrategy strategy) => strategy == AuthStrategy.Email ? ProfileByEmail : ProfileByPhone;

    private static string Profile(string column) =>
        $"SELECT id, uuid, disabled_at IS NOT NULL, {column}_verified_at IS NOT NULL FROM profiles WHERE environment_id = $1 AND {column} = $2";
}
