using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Tessera.Metrics;

namespace Tessera.Data;

/// <summary>
/// The hot write paths on SQLite (issuance, passcode sends and answers), run in shared transactions: group commit.
/// SQLite has one writer at a time, and a write through EF held it 0.9-1 ms, a third of it the commit and most of the
/// rest commands built and prepared anew (bench/README.md). Here one loop takes every unit of work waiting, runs them
/// in one transaction with commands prepared once on its own connection, and answers each after the commit.
/// </summary>
/// <remarks>
/// Correctness is the EF path's: the loop holds the database's one-writer gate (<see cref="WriteTransaction"/>) for
/// the transaction, so each unit runs alone against what every earlier unit (of its batch or before) wrote. A unit
/// runs inside a savepoint: if it throws, only its own writes are undone and only its caller sees the error. Nothing
/// is answered before the commit; if the commit fails, every unit of the batch fails and none of it was written.
/// </remarks>
public sealed class SqliteGroupCommit : IAsyncDisposable
{
    /// <summary>At most this many units share a transaction, so one batch holds the gate for a bounded time.</summary>
    internal const int MaxBatch = 64;

    private readonly Channel<Unit> _queue = Channel.CreateUnbounded<Unit>(new UnboundedChannelOptions { SingleReader = true });
    private readonly string _connectionString;
    private readonly string _synchronous;
    private readonly TesseraMetrics _metrics;
    private readonly ILogger<SqliteGroupCommit> _logger;
    private readonly Lock _startLock = new();
    private Task? _loop;
    private SqliteWriter? _writer;

    public SqliteGroupCommit(IOptions<DatabaseOptions> database, TesseraMetrics metrics, ILogger<SqliteGroupCommit> logger)
    {
        Enabled = database.Value.Provider == DatabaseProvider.Sqlite;
        _connectionString = Enabled ? database.Value.SqliteConnectionString : "";
        _synchronous = database.Value.SqliteSynchronous;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>True on SQLite; PostgreSQL orders concurrent writers itself and has no use for it.</summary>
    public bool Enabled { get; }

    /// <summary>
    /// Runs <paramref name="work"/> in the next batch's transaction. It must not block or await: the whole batch, and
    /// every other writer of the database, waits for it.
    /// </summary>
    public Task<T> RunAsync<T>(Func<SqliteWriter, T> work, CancellationToken cancellationToken)
    {
        if (!Enabled) throw new InvalidOperationException("Group commit serves SQLite only.");
        EnsureStarted();
        var unit = new Unit<T>(work, cancellationToken);
        if (!_queue.Writer.TryWrite(unit)) throw new ObjectDisposedException(nameof(SqliteGroupCommit));
        return unit.Outcome.Task;
    }

    private void EnsureStarted()
    {
        if (_loop is not null) return;
        lock (_startLock) _loop ??= Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        var batch = new List<Unit>(MaxBatch);
        var gate = WriteTransaction.SqliteGate(_connectionString);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var unit))
            {
                // A caller gone before its turn gets nothing written.
                if (unit.CancellationToken.IsCancellationRequested) unit.Cancel();
                else batch.Add(unit);
            }
            if (batch.Count == 0) continue;

            await gate.WaitAsync();
            try
            {
                _writer ??= SqliteWriter.Open(_connectionString, _synchronous);
                RunBatch(_writer, batch);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "A write batch of {Count} failed; none of it was written.", batch.Count);
                // The connection may be in any state after a failure: the next batch opens a fresh one.
                _writer?.Dispose();
                _writer = null;
                foreach (var unit in batch) unit.Fail(ex);
                continue;
            }
            finally
            {
                gate.Release();
            }
            foreach (var unit in batch) unit.Complete();
        }
    }

    private void RunBatch(SqliteWriter writer, List<Unit> batch)
    {
        using var transaction = writer.Begin();
        foreach (var unit in batch)
        {
            writer.Control("SAVEPOINT unit");
            try
            {
                unit.Run(writer);
                writer.Control("RELEASE unit");
            }
            catch (Exception ex)
            {
                // Undo this unit's writes only (ROLLBACK TO keeps the savepoint: release it too), then go on. When the
                // connection itself failed, these throw too and the whole batch fails.
                writer.Control("ROLLBACK TO unit");
                writer.Control("RELEASE unit");
                unit.Failed(ex);
            }
        }
        transaction.Commit();
        _metrics.CountRequestDbCommands(writer.TakeStatementCount());
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop is not null) await _loop;
        _writer?.Dispose();
    }

    private abstract class Unit(CancellationToken cancellationToken)
    {
        public CancellationToken CancellationToken { get; } = cancellationToken;
        public abstract void Run(SqliteWriter writer);
        /// <summary>The unit threw: its writes were undone; the caller gets the exception after the commit.</summary>
        public abstract void Failed(Exception ex);
        public abstract void Complete();
        public abstract void Fail(Exception ex);
        public abstract void Cancel();
    }

    private sealed class Unit<T>(Func<SqliteWriter, T> work, CancellationToken cancellationToken) : Unit(cancellationToken)
    {
        private T? _result;
        private Exception? _error;
        public TaskCompletionSource<T> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Run(SqliteWriter writer) => _result = work(writer);

        public override void Failed(Exception ex) => _error = ex;

        public override void Complete()
        {
            if (_error is not null) Outcome.TrySetException(_error);
            else Outcome.TrySetResult(_result!);
        }

        public override void Fail(Exception ex) => Outcome.TrySetException(ex);
        public override void Cancel() => Outcome.TrySetCanceled(CancellationToken);
    }
}

/// <summary>
/// The group-commit loop's connection, with each statement prepared once (Microsoft.Data.Sqlite keeps a command's
/// prepared statement while its connection stays open). Statements name their parameters (<c>$environment</c>);
/// values are given in the order the names first appear, and bound as EF stores them: GUIDs as upper-case text,
/// times as <c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c> text (Microsoft.Data.Sqlite's own format for a DateTime, which EF's
/// SQLite mapping shares), enums by name.
/// </summary>
public sealed partial class SqliteWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private SqliteTransaction? _transaction;
    private int _statements;

    private SqliteWriter(SqliteConnection connection) => _connection = connection;

    internal static SqliteWriter Open(string connectionString, string synchronous)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            using var setup = connection.CreateCommand();
            // EF turns foreign keys on for its connections; the same settings here as there.
            setup.CommandText = "PRAGMA foreign_keys=1; " + SqlitePragmas.Statements(synchronous);
            setup.ExecuteNonQuery();
            return new SqliteWriter(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    internal SqliteTransaction Begin()
    {
        _transaction = _connection.BeginTransaction(deferred: false);
        return _transaction;
    }

    /// <summary>Runs a statement that returns no rows; the rows it changed.</summary>
    public int Execute(string sql, params ReadOnlySpan<object?> values)
    {
        _statements++;
        return Prepare(sql, values).ExecuteNonQuery();
    }

    /// <summary>Runs a query; dispose the reader before the next statement.</summary>
    public SqliteDataReader Query(string sql, params ReadOnlySpan<object?> values)
    {
        _statements++;
        return Prepare(sql, values).ExecuteReader();
    }

    /// <summary>The loop's own transaction control (savepoints), kept out of the statement count.</summary>
    internal void Control(string sql) => Prepare(sql, []).ExecuteNonQuery();

    /// <summary>The statements run since the last call (savepoints excluded), for the database-commands metric.</summary>
    internal int TakeStatementCount()
    {
        var count = _statements;
        _statements = 0;
        return count;
    }

    /// <summary>A GUID as EF's SQLite mapping stores it.</summary>
    public static string Text(Guid value) => value.ToString("D").ToUpperInvariant();

    private SqliteCommand Prepare(string sql, ReadOnlySpan<object?> values)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in ParameterNames(sql)) command.Parameters.Add(new SqliteParameter { ParameterName = name });
            _commands.Add(sql, command);
        }
        if (values.Length != command.Parameters.Count)
            throw new ArgumentException($"The statement takes {command.Parameters.Count} values, {values.Length} given.", nameof(values));
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = Storable(values[i]);
        command.Transaction = _transaction;
        return command;
    }

    private static object Storable(object? value) => value switch
    {
        null => DBNull.Value,
        Guid guid => Text(guid),
        Enum e => e.ToString(),
        DateTime { Kind: not DateTimeKind.Utc and not DateTimeKind.Unspecified } => throw new ArgumentException("Times are stored in UTC."),
        _ => value,
    };

    private static IEnumerable<string> ParameterNames(string sql) =>
        ParameterName().Matches(sql).Select(m => m.Value).Distinct(StringComparer.Ordinal);

    [GeneratedRegex(@"\$[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex ParameterName();

    public void Dispose()
    {
        foreach (var command in _commands.Values) command.Dispose();
        _connection.Dispose();
    }
}
