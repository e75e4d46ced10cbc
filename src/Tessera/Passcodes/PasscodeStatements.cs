using System.Data.Common;
using Tessera.Clients;
using Tessera.Data;
using static Tessera.Passcodes.PasscodePolicy;

namespace Tessera.Passcodes;

/// <summary>
/// The statements of identify and authenticate, one text for both databases (<see cref="IWriteUnit"/>), and the
/// mapping of their rows onto <see cref="PasscodePolicy"/>'s state. The only SQL of passwordless sign-in.
/// </summary>
internal static class PasscodeStatements
{
    /// <summary>The identifier's profile, its newest challenge's time, and upper bounds of the hour's sends from the caller's network and in the environment.</summary>
    public static Sql SendState(AuthStrategy strategy, string environmentId, string identifier, string? ip, long firstWindow) =>
        new(strategy == AuthStrategy.Email ? SendStateByEmail : SendStateByPhone,
            ("environment", environmentId), ("identifier", identifier), ("ipScope", ip is null ? "" : PasscodeSendCounts.IpScope(ip)),
            ("environmentScope", PasscodeSendCounts.EnvironmentScope(environmentId)), ("firstWindow", firstWindow)) { PlannedForItsValues = true };

    public static SendState ReadSendState(DbDataReader row, bool hasIp) => new(
        ProfileId: row.IsDBNull(0) ? null : row.GetString(0),
        ProfileDisabled: !row.IsDBNull(1) && row.GetBoolean(1),
        NewestChallengeAt: row.IsDBNull(2) ? null : Utc(row.GetDateTime(2)),
        HasIp: hasIp, SendsFromIp: row.GetInt64(3), SendsInEnvironment: row.GetInt64(4), CountsExact: false);

    /// <summary>The hour's challenges from the network and in the environment, counted up to the limits (all a decision needs).</summary>
    public static Sql ExactSends(string environmentId, string? network, DateTime hourAgo, int ipLimit, int environmentLimit) =>
        new(ExactSendsSql, ("environment", environmentId), ("network", network ?? ""), ("since", hourAgo), ("ipLimit", ipLimit), ("environmentLimit", environmentLimit))
        { PlannedForItsValues = true };

    /// <summary>Sign-ups of the hour from the caller's network and in the environment, and the oldest window counted.</summary>
    public static Sql SignUps(string environmentId, string? ip, long firstWindow) =>
        new(SignUpsSql, ("environmentScope", PasscodeSendCounts.SignUpEnvironmentScope(environmentId)),
            ("ipScope", ip is null ? "" : PasscodeSendCounts.SignUpIpScope(ip)), ("firstWindow", firstWindow));

    public static SignUpState ReadSignUps(DbDataReader row, bool hasIp) => new(hasIp, row.GetInt64(0), row.GetInt64(1),
        row.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeSeconds(row.GetInt64(2) * PasscodeSendCounts.WindowSeconds).UtcDateTime);

    /// <summary>Counts one send (or sign-up) in each scope, in a random shard of the current window, in one statement.</summary>
    public static Sql CountIn(string scope, string? secondScope, DateTime now) => secondScope is null
        ? new(CountOneSql, ("scope", scope), ("window", PasscodeSendCounts.WindowOf(now)), ("shard", Random.Shared.Next(PasscodeSendCounts.Shards)))
        : new(CountTwoSql, ("scope", scope), ("second", secondScope), ("window", PasscodeSendCounts.WindowOf(now)), ("shard", Random.Shared.Next(PasscodeSendCounts.Shards)));

    /// <summary>The profile holding the identifier now: its id, uuid, whether disabled, whether the identifier is verified.</summary>
    public static Sql Holder(AuthStrategy strategy, string environmentId, string identifier) =>
        new(strategy == AuthStrategy.Email ? HolderByEmail : HolderByPhone, ("environment", environmentId), ("identifier", identifier));

    public static (Holder Holder, Guid Uuid) ReadHolder(DbDataReader row) =>
        (new Holder(row.GetString(0), row.GetBoolean(2), row.GetBoolean(3)), row.GetGuid(1));

    /// <summary>
    /// What a passcode answer decides on: the identifier's newest challenge (with its code hash) and, for each failure
    /// budget, the failures of the hour counted and the one whose expiry frees a try once the budget is spent.
    /// </summary>
    public static Sql Answer(AuthStrategy strategy, string environmentId, string identifier, string? network, DateTime hourAgo, PasscodeOptions options) =>
        new(strategy == AuthStrategy.Email ? AnswerByEmail : AnswerByPhone, ("environment", environmentId), ("identifier", identifier), ("network", network ?? ""), ("since", hourAgo),
            ("identifierBudget", options.MaxFailuresPerIdentifierPerHour - 1), ("networkBudget", options.MaxFailuresPerIpPerHour - 1))
        { PlannedForItsValues = true };

    public static (AnswerState State, byte[]? CodeHash, Guid HolderUuid) ReadAnswer(DbDataReader row)
    {
        Holder? holder = row.IsDBNull(10) ? null : new Holder(row.GetString(10), row.GetBoolean(12), row.GetBoolean(13));
        Challenge? newest = row.IsDBNull(0) ? null
            : new Challenge(row.GetGuid(0), row.IsDBNull(1) ? null : row.GetString(1), Utc(row.GetDateTime(3)), row.GetInt32(4), !row.IsDBNull(5));
        var state = new AnswerState(
            IdentifierFailures: row.GetInt64(6), OldestIdentifierFailureToExpire: row.IsDBNull(7) ? null : Utc(row.GetDateTime(7)),
            NetworkFailures: row.GetInt64(8), OldestNetworkFailureToExpire: row.IsDBNull(9) ? null : Utc(row.GetDateTime(9)),
            Newest: newest, Holder: holder);
        return (state, newest is null ? null : row.GetFieldValue<byte[]>(2), holder is null ? Guid.Empty : row.GetGuid(11));
    }

    public static Sql ConsumeChallenge(Guid id, DateTime now) => new("UPDATE passcode_challenges SET consumed_at = @now WHERE id = @id", ("now", now), ("id", id));

    public static Sql CountChallengeTry(Guid id) => new("UPDATE passcode_challenges SET failed_attempts = failed_attempts + 1 WHERE id = @id", ("id", id));

    public static Sql MarkVerified(AuthStrategy strategy, string profileId, DateTime now) =>
        new(strategy == AuthStrategy.Email ? VerifyEmail : VerifyPhone, ("now", now), ("profile", profileId));

    /// <summary>Revokes the profile's live sessions; their ids, environments and expiries.</summary>
    public static Sql RevokeLiveSessions(string profileId, DateTime now) =>
        new("UPDATE sessions SET revoked_at = @now WHERE profile_id = @profile AND revoked_at IS NULL AND expires_at > @now RETURNING id, environment_id, expires_at",
            ("now", now), ("profile", profileId));

    /// <summary>SQLite hands back times of unspecified kind; every stored time is UTC.</summary>
    public static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    // One text per strategy: the column differs, and each text is prepared once.
    private static readonly string SendStateByEmail = SendStateFor("email"), SendStateByPhone = SendStateFor("phone");
    private static readonly string HolderByEmail = HolderFor("email"), HolderByPhone = HolderFor("phone");
    private static readonly string VerifyEmail = VerifyFor("email"), VerifyPhone = VerifyFor("phone");
    private static readonly string AnswerByEmail = AnswerFor("email"), AnswerByPhone = AnswerFor("phone");

    private static string SendStateFor(string column) =>
        "SELECT p.id, p.disabled_at IS NOT NULL, " +
        "(SELECT max(created_at) FROM passcode_challenges WHERE environment_id = @environment AND identifier = @identifier), " +
        "(SELECT coalesce(sum(sends), 0) FROM passcode_send_counts WHERE scope = @ipScope AND window_index >= @firstWindow), " +
        "(SELECT coalesce(sum(sends), 0) FROM passcode_send_counts WHERE scope = @environmentScope AND window_index >= @firstWindow) " +
        $"FROM (SELECT 1) one LEFT JOIN profiles p ON p.environment_id = @environment AND p.{column} = @identifier";

    private static string HolderFor(string column) =>
        $"SELECT id, uuid, disabled_at IS NOT NULL, {column}_verified_at IS NOT NULL FROM profiles WHERE environment_id = @environment AND {column} = @identifier";

    private static string VerifyFor(string column) => $"UPDATE profiles SET {column}_verified_at = @now, updated_at = @now WHERE id = @profile";

    private const string ExactSendsSql =
        "SELECT (SELECT count(*) FROM (SELECT 1 FROM passcode_challenges WHERE ip_address = @network AND created_at > @since LIMIT @ipLimit) ip), " +
        "(SELECT count(*) FROM (SELECT 1 FROM passcode_challenges WHERE environment_id = @environment AND created_at > @since LIMIT @environmentLimit) env)";

    private const string SignUpsSql =
        "SELECT (SELECT coalesce(sum(sends), 0) FROM passcode_send_counts WHERE scope = @ipScope AND window_index >= @firstWindow), " +
        "(SELECT coalesce(sum(sends), 0) FROM passcode_send_counts WHERE scope = @environmentScope AND window_index >= @firstWindow), " +
        "(SELECT min(window_index) FROM passcode_send_counts WHERE scope IN (@ipScope, @environmentScope) AND window_index >= @firstWindow)";

    private const string CountConflict = " ON CONFLICT (scope, window_index, shard) DO UPDATE SET sends = passcode_send_counts.sends + 1";
    private const string CountOneSql = "INSERT INTO passcode_send_counts (scope, window_index, shard, sends) VALUES (@scope, @window, @shard, 1)" + CountConflict;
    private const string CountTwoSql =
        "INSERT INTO passcode_send_counts (scope, window_index, shard, sends) VALUES (@scope, @window, @shard, 1), (@second, @window, @shard, 1)" + CountConflict;

    // The failure budgets count only the hour's failures; OFFSET picks the budget's oldest failure among the newest.
    private static string AnswerFor(string column) =>
        "SELECT c.id, c.profile_id, c.code_hash, c.expires_at, c.failed_attempts, c.consumed_at, " +
        "(SELECT count(*) FROM passcode_failures WHERE environment_id = @environment AND identifier = @identifier AND challenge_live AND at > @since), " +
        "(SELECT at FROM passcode_failures WHERE environment_id = @environment AND identifier = @identifier AND challenge_live AND at > @since ORDER BY at DESC LIMIT 1 OFFSET @identifierBudget), " +
        "(SELECT count(*) FROM passcode_failures WHERE ip_network = @network AND at > @since), " +
        "(SELECT at FROM passcode_failures WHERE ip_network = @network AND at > @since ORDER BY at DESC LIMIT 1 OFFSET @networkBudget)" +
        $", p.id, p.uuid, p.disabled_at IS NOT NULL, p.{column}_verified_at IS NOT NULL " +
        "FROM (SELECT 1) one LEFT JOIN passcode_challenges c ON c.id = " +
        "(SELECT id FROM passcode_challenges WHERE environment_id = @environment AND identifier = @identifier ORDER BY created_at DESC LIMIT 1) " +
        $"LEFT JOIN profiles p ON p.environment_id = @environment AND p.{column} = @identifier";
}
