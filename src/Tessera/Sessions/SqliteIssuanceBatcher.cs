using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Tessera.Audit;
using Tessera.Data;
using Tessera.Environments;
using Tessera.Metrics;

namespace Tessera.Sessions;

/// <summary>
/// What one request asks of the issuance writers (<see cref="SqliteIssuanceBatcher"/>, <see cref="PostgresIssuanceWriter"/>):
/// a token for the environment's profile with this p_ id or uuid, signed with <see cref="Key"/>.
/// </summary>
public sealed record IssuanceRequest(
    SigningKeyRing.LoadedKey Key, string? ProfileId, Guid? ProfileUuid, SessionKind Kind, string IssuedBy, SessionOrigin Origin)
{
    /// <summary>The session row and token for the profile found, with the audit entry that records it: what both writers insert.</summary>
    public (IssuedSession Issued, AuditEvent Audit) NewSession(SessionTokenIssuer issuer, SessionTokenOptions options, string profileId, Guid profileUuid, DateTimeOffset now)
    {
        var issued = IssuedSession.Create(issuer, options, Key, now, profileId, profileUuid, Kind, IssuedBy, clientId: null, Origin);
        var audit = AuditLog.NewEvent(now.UtcDateTime, AuditActions.SessionIssued, IssuedBy, Key.EnvironmentId, profileId, Origin.IpAddress,
            subject: issued.Session.Id.ToString("D"));
        return (issued, audit);
    }
}

/// <summary>An issuance writer's answer. <see cref="NotFound"/> leaves the request to the general path (which may create the profile).</summary>
public abstract record IssuanceOutcome
{
    public sealed record Issued(IssuedSession Session, IssuanceAllowance Allowance) : IssuanceOutcome;
    public sealed record LimitHit(string ProfileId, IssuanceAllowance Allowance) : IssuanceOutcome;
    public sealed record Disabled : IssuanceOutcome;
    public sealed record NotFound : IssuanceOutcome;
}

/// <summary>
/// Server-side issuance for an existing profile on SQLite, written in batches: group commit. SQLite has one writer at
/// a time, and an issuance through EF held it ~0.9 ms, a third of it the commit (WAL frames, checkpoints) and most of
/// the rest commands created and prepared anew (bench/README.md). Here one loop takes every issuance waiting, writes
/// them all in one transaction with commands prepared once on its own connection, and answers each after the commit.
/// </summary>
/// <remarks>
/// Correctness is the general path's: the loop holds the database's one-writer gate (<see cref="WriteTransaction"/>)
/// for the transaction, so no other writer runs between an item's limit count and its insert, and an item sees the
/// sessions that earlier items of its batch inserted. Nothing is answered before the commit; if the transaction fails,
/// every item of the batch fails with it and nothing was written.
/// </remarks>
public sealed class SqliteIssuanceBatcher : IAsyncDisposable
{
    /// <summary>At most this many issuances share a transaction, so one batch holds the gate for a bounded time.</summary>
    internal const int MaxBatch = 64;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly string _connectionString;
    private readonly string _synchronous;
    private readonly SessionTokenIssuer _issuer;
    private readonly SessionTokenOptions _tokenOptions;
    private readonly IssuanceLimitOptions _limits;
    private readonly TesseraMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly ILogger<SqliteIssuanceBatcher> _logger;
    private readonly Lock _startLock = new();
    private Task? _loop;
    private Writer? _writer;

    public SqliteIssuanceBatcher(IOptions<DatabaseOptions> database, SessionTokenIssuer issuer, IOptions<SessionTokenOptions> tokenOptions,
        IOptions<IssuanceLimitOptions> limits, TesseraMetrics metrics, TimeProvider clock, ILogger<SqliteIssuanceBatcher> logger)
    {
        Enabled = database.Value.Provider == DatabaseProvider.Sqlite;
        _connectionString = Enabled ? database.Value.SqliteConnectionString : "";
        _synchronous = database.Value.SqliteSynchronous;
        _issuer = issuer;
        _tokenOptions = tokenOptions.Value;
        _limits = limits.Value;
        _metrics = metrics;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>True on SQLite; PostgreSQL orders concurrent writers itself and has no use for it.</summary>
    public bool Enabled { get; }

    public Task<IssuanceOutcome> IssueAsync(IssuanceRequest request, CancellationToken cancellationToken)
    {
        if (!Enabled) throw new InvalidOperationException("The issuance batcher serves SQLite only.");
        EnsureStarted();
        var pending = new Pending(request, cancellationToken);
        if (!_queue.Writer.TryWrite(pending)) throw new ObjectDisposedException(nameof(SqliteIssuanceBatcher));
        return pending.Outcome.Task;
    }

    private void EnsureStarted()
    {
        if (_loop is not null) return;
        lock (_startLock) _loop ??= Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        var gate = WriteTransaction.SqliteGate(_connectionString);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                // A caller gone before its turn gets nothing written.
                if (pending.CancellationToken.IsCancellationRequested) pending.Outcome.TrySetCanceled(pending.CancellationToken);
                else batch.Add(pending);
            }
            if (batch.Count == 0) continue;

            var outcomes = new IssuanceOutcome[batch.Count];
            await gate.WaitAsync();
            try
            {
                _writer ??= Writer.Open(_connectionString, _synchronous);
                WriteBatch(_writer, batch, outcomes);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "An issuance batch of {Count} failed; none of it was written.", batch.Count);
                // The connection may be in any state after a failure: the next batch opens a fresh one.
                _writer?.Dispose();
                _writer = null;
                foreach (var pending in batch) pending.Outcome.TrySetException(ex);
                continue;
            }
            finally
            {
                gate.Release();
            }
            for (var i = 0; i < batch.Count; i++) batch[i].Outcome.TrySetResult(outcomes[i]);
        }
    }

    private void WriteBatch(Writer writer, List<Pending> batch, IssuanceOutcome[] outcomes)
    {
        using var transaction = writer.Connection.BeginTransaction(deferred: false);
        writer.Enlist(transaction);
        var now = _clock.GetUtcNow();
        var statements = 0;
        for (var i = 0; i < batch.Count; i++) outcomes[i] = WriteOne(writer, batch[i].Request, now, ref statements);
        transaction.Commit();
        _metrics.CountRequestDbCommands(statements);
    }

    private IssuanceOutcome WriteOne(Writer writer, IssuanceRequest request, DateTimeOffset now, ref int statements)
    {
        var environmentId = request.Key.EnvironmentId;
        statements++;
        var profile = writer.FindProfile(environmentId, request.ProfileId, request.ProfileUuid);
        if (profile is null) return new IssuanceOutcome.NotFound();
        if (profile.Value.Disabled) return new IssuanceOutcome.Disabled();

        statements++;
        var utcNow = now.UtcDateTime;
        var allowance = IssuanceAllowance.Evaluate(_limits, writer.RecentIssuance(profile.Value.Id, utcNow.AddDays(-1)), utcNow);
        if (!allowance.Allowed) return new IssuanceOutcome.LimitHit(profile.Value.Id, allowance);

        var (issued, audit) = request.NewSession(_issuer, _tokenOptions, profile.Value.Id, profile.Value.Uuid, now);
        writer.InsertSession(issued.Session);
        writer.InsertAudit(audit);
        statements += 2;
        return new IssuanceOutcome.Issued(issued, allowance);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop is not null) await _loop;
        _writer?.Dispose();
    }

    private sealed record Pending(IssuanceRequest Request, CancellationToken CancellationToken)
    {
        public TaskCompletionSource<IssuanceOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// The loop's own connection and its commands, prepared once. Values are bound as EF stores them: GUIDs as
    /// upper-case text, times as <c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c> text (Microsoft.Data.Sqlite's own format for a
    /// DateTime, which EF's SQLite mapping shares), enums by name.
    /// </summary>
    private sealed class Writer : IDisposable
    {
        public SqliteConnection Connection { get; }
        private readonly SqliteCommand _profileById, _profileByUuid, _recent, _insertSession, _insertAudit;

        private Writer(SqliteConnection connection)
        {
            Connection = connection;
            const string profileColumns = "SELECT id, uuid, disabled_at IS NOT NULL FROM profiles WHERE environment_id = $environment";
            _profileById = Command($"{profileColumns} AND id = $key", "$environment", "$key");
            _profileByUuid = Command($"{profileColumns} AND uuid = $key", "$environment", "$key");
            _recent = Command("SELECT issued_at FROM sessions WHERE profile_id = $profile AND revoked_at IS NULL AND issued_at > $since", "$profile", "$since");
            _insertSession = Command(
                "INSERT INTO sessions (id, environment_id, profile_id, kind, issued_by, client_id, issued_at, expires_at, revoked_at, ip_address, user_agent) " +
                "VALUES ($id, $environment, $profile, $kind, $issuedBy, $clientId, $issuedAt, $expiresAt, NULL, $ip, $userAgent)",
                "$id", "$environment", "$profile", "$kind", "$issuedBy", "$clientId", "$issuedAt", "$expiresAt", "$ip", "$userAgent");
            _insertAudit = Command(
                "INSERT INTO audit_events (at, action, environment_id, profile_id, actor, ip_address, subject, detail) " +
                "VALUES ($at, $action, $environment, $profile, $actor, $ip, $subject, $detail)",
                "$at", "$action", "$environment", "$profile", "$actor", "$ip", "$subject", "$detail");
        }

        public static Writer Open(string connectionString, string synchronous)
        {
            var connection = new SqliteConnection(connectionString);
            try
            {
                connection.Open();
                using var setup = connection.CreateCommand();
                // EF turns foreign keys on for its connections; the same settings here as there.
                setup.CommandText = "PRAGMA foreign_keys=1; " + SqlitePragmas.Statements(synchronous);
                setup.ExecuteNonQuery();
                return new Writer(connection);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        private SqliteCommand Command(string sql, params string[] parameters)
        {
            var command = Connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters) command.Parameters.Add(new SqliteParameter { ParameterName = name });
            return command;
        }

        public void Enlist(SqliteTransaction transaction)
        {
            foreach (var command in new[] { _profileById, _profileByUuid, _recent, _insertSession, _insertAudit }) command.Transaction = transaction;
        }

        public (string Id, Guid Uuid, bool Disabled)? FindProfile(string environmentId, string? profileId, Guid? profileUuid)
        {
            var command = profileId is not null ? _profileById : _profileByUuid;
            Bind(command, 0, environmentId);
            Bind(command, 1, profileId ?? Text(profileUuid!.Value));
            using var reader = command.ExecuteReader();
            if (!reader.Read()) return null;
            return (reader.GetString(0), Guid.Parse(reader.GetString(1)), reader.GetBoolean(2));
        }

        public List<DateTime> RecentIssuance(string profileId, DateTime since)
        {
            Bind(_recent, 0, profileId);
            Bind(_recent, 1, since);
            var recent = new List<DateTime>();
            using var reader = _recent.ExecuteReader();
            while (reader.Read()) recent.Add(DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc));
            return recent;
        }

        public void InsertSession(Session session)
        {
            var c = _insertSession;
            Bind(c, 0, Text(session.Id)); Bind(c, 1, session.EnvironmentId); Bind(c, 2, session.ProfileId); Bind(c, 3, session.Kind.ToString());
            Bind(c, 4, session.IssuedBy); Bind(c, 5, session.ClientId); Bind(c, 6, session.IssuedAt); Bind(c, 7, session.ExpiresAt);
            Bind(c, 8, session.IpAddress); Bind(c, 9, session.UserAgent);
            c.ExecuteNonQuery();
        }

        public void InsertAudit(AuditEvent e)
        {
            var c = _insertAudit;
            Bind(c, 0, e.At); Bind(c, 1, e.Action); Bind(c, 2, e.EnvironmentId); Bind(c, 3, e.ProfileId);
            Bind(c, 4, e.Actor); Bind(c, 5, e.IpAddress); Bind(c, 6, e.Subject); Bind(c, 7, e.Detail);
            c.ExecuteNonQuery();
        }

        private static string Text(Guid value) => value.ToString("D").ToUpperInvariant();

        private static void Bind(SqliteCommand command, int index, object? value) => command.Parameters[index].Value = value ?? DBNull.Value;

        public void Dispose()
        {
            foreach (var command in new[] { _profileById, _profileByUuid, _recent, _insertSession, _insertAudit }) command.Dispose();
            Connection.Dispose();
        }
    }
}
