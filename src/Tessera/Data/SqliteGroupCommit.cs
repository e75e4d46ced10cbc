using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Tessera.Metrics;
using Tessera.Telemetry;

namespace Tessera.Data;

/// <summary>
/// The hot write paths' units (<see cref="IWriteUnit"/>) on SQLite, run in shared transactions: group commit. SQLite
/// has one writer at a time and a commit costs more than the unit's statements, so one loop takes every unit waiting,
/// runs them in one transaction with statements prepared once on its own connection, and answers each after the commit.
/// </summary>
/// <remarks>
/// The loop holds the database's one-writer gate (<see cref="WriteTransaction"/>) for the transaction, so each unit
/// runs alone against what every earlier unit (of its batch or before) wrote. A unit runs inside a savepoint: if it
/// throws, only its own writes are undone and only its caller sees the error. Nothing is answered before the commit;
/// if the commit fails, every unit of the batch fails and none of it was written.
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
    private readonly SqliteCheckpointer? _checkpointer;
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
        if (Enabled) _checkpointer = new SqliteCheckpointer(_connectionString, database.Value.SqliteWalPagesBeforeCatchUp, logger);
    }

    /// <summary>Copies the loop's commits from the WAL into the database, on its own thread (SQLite only).</summary>
    internal SqliteCheckpointer? Checkpointer => _checkpointer;

    /// <summary>True on SQLite; PostgreSQL orders concurrent writers itself and has no use for it.</summary>
    public bool Enabled { get; }

    /// <summary>
    /// Runs <paramref name="work"/> in the next batch's transaction, its statements typed by <paramref name="types"/>.
    /// It must complete synchronously (a SQLite unit's reads do): the whole batch, and every other writer of the
    /// database, waits for it.
    /// </summary>
    public Task<T> RunAsync<T>(StoreTypes types, Func<IWriteUnit, ValueTask<T>> work, CancellationToken cancellationToken)
    {
        if (!Enabled) throw new InvalidOperationException("Group commit serves SQLite only.");
        EnsureStarted();
        var unit = new Unit<T>(writer =>
        {
            var writeUnit = new SqliteWriteUnit(writer, types);
            var pending = work(writeUnit);
            // Whatever the unit does after this point would run outside the gate: it may do nothing more.
            writeUnit.Close();
            if (!pending.IsCompleted) throw new InvalidOperationException("A group-commit unit awaited something other than its own statements.");
            return pending.GetAwaiter().GetResult();
        }, cancellationToken);
        if (!_queue.Writer.TryWrite(unit)) throw new ObjectDisposedException(nameof(SqliteGroupCommit));
        return unit.Outcome.Task;
    }

    private void EnsureStarted()
    {
        if (_loop is not null) return;
        // Not on the flow of the request that happened to start it: the loop serves every request.
        lock (_startLock)
            using (ExecutionContext.SuppressFlow())
                _loop ??= Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        var batch = new List<Unit>(MaxBatch);
        var gate = WriteTransaction.SqliteGate(_connectionString);
        _checkpointer!.Start();
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
            _checkpointer.Notify();
            foreach (var unit in batch) unit.Complete();
        }
    }

    private void RunBatch(SqliteWriter writer, List<Unit> batch)
    {
        using var span = StartSpan(batch);
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

    /// <summary>
    /// When tracing is on, a span for the batch: in the trace of its first unit's request, linked from the others'
    /// (one transaction serves them all).
    /// </summary>
    private static Activity? StartSpan(List<Unit> batch)
    {
        if (!TesseraTelemetry.Source.HasListeners()) return null;
        var links = new List<ActivityLink>(batch.Count - 1);
        for (var i = 1; i < batch.Count; i++)
            if (batch[i].Parent != default) links.Add(new ActivityLink(batch[i].Parent));
        var span = TesseraTelemetry.Source.StartActivity("sqlite group_commit", ActivityKind.Client, batch[0].Parent, links: links);
        span?.SetTag("db.system.name", "sqlite");
        span?.SetTag("db.operation.name", "group_commit");
        span?.SetTag("db.operation.batch.size", batch.Count);
        return span;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop is not null) await _loop;
        _writer?.Dispose();
        if (_checkpointer is not null) await _checkpointer.DisposeAsync();
    }

    private abstract class Unit(CancellationToken cancellationToken)
    {
        public CancellationToken CancellationToken { get; } = cancellationToken;
        /// <summary>The span of whoever queued the unit (none when tracing is off).</summary>
        public ActivityContext Parent { get; } = Activity.Current?.Context ?? default;
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
/// prepared statement while its connection stays open) and bound by name through EF's type mapping (<see cref="StoreTypes"/>).
/// </summary>
internal sealed class SqliteWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RelationalTypeMapping?[]> _slotMappings = new(StringComparer.Ordinal);
    private SqliteTransaction? _transaction;
    private int _statements;

    private SqliteWriter(SqliteConnection connection) => _connection = connection;

    internal static SqliteWriter Open(string connectionString, string synchronous) =>
        // EF turns foreign keys on for its connections; the same settings here as there. Checkpoints are the
        // checkpointer's (SqliteCheckpointer), not this connection's commits'.
        new(SqliteConnections.Open(connectionString, "PRAGMA foreign_keys=1; PRAGMA wal_autocheckpoint=0; " + SqlitePragmas.Statements(synchronous)));

    internal SqliteTransaction Begin()
    {
        _transaction = _connection.BeginTransaction(deferred: false);
        return _transaction;
    }

    /// <summary>Runs a statement that returns no rows; the rows it changed.</summary>
    public int Execute(Sql statement, StoreTypes types)
    {
        _statements++;
        return Prepare(statement, types).ExecuteNonQuery();
    }

    /// <summary>Runs a query; dispose the reader before the next statement.</summary>
    public SqliteDataReader Query(Sql statement, StoreTypes types)
    {
        _statements++;
        return Prepare(statement, types).ExecuteReader();
    }

    /// <summary>The loop's own transaction control (savepoints), kept out of the statement count.</summary>
    internal void Control(string sql)
    {
        var command = Command(sql);
        command.Parameters.Clear();
        command.ExecuteNonQuery();
    }

    /// <summary>The statements run since the last call (savepoints excluded), for the database-commands metric.</summary>
    internal int TakeStatementCount()
    {
        var count = _statements;
        _statements = 0;
        return count;
    }

    private SqliteCommand Prepare(Sql statement, StoreTypes types)
    {
        var command = Command(statement.Text);
        var ordered = SqlText.Of(statement.Text).Order(statement.Args);
        // A prepared command keeps its parameters (in the text's name order): a null, or a value of the mapping the
        // parameter was made for, only replaces the value.
        var parameters = command.Parameters;
        if (!_slotMappings.TryGetValue(statement.Text, out var slots) || parameters.Count != ordered.Length)
        {
            parameters.Clear();
            slots = new RelationalTypeMapping?[ordered.Length];
            _slotMappings[statement.Text] = slots;
        }
        for (var i = 0; i < ordered.Length; i++)
        {
            var arg = ordered[i];
            var mapping = types.MappingOf(arg);
            if (i < parameters.Count && (arg.Value is null || ReferenceEquals(slots[i], mapping)))
            {
                parameters[i].Value = mapping is null ? DBNull.Value : StoreTypes.ProviderValue(mapping, arg.Value);
                continue;
            }
            var created = types.Parameter(command, "@" + arg.Name, arg.Value, mapping);
            slots[i] = mapping;
            if (i < parameters.Count) parameters[i] = (SqliteParameter)created;
            else parameters.Add(created);
        }
        return command;
    }

    private SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }
        command.Transaction = _transaction;
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values) command.Dispose();
        _connection.Dispose();
    }
}

/// <summary>Connections opened outside EF's pool (the group-commit writer's, the checkpointer's).</summary>
internal static class SqliteConnections
{
    /// <summary>An open connection with <paramref name="setup"/> run on it; nothing left open if either fails.</summary>
    internal static SqliteConnection Open(string connectionString, string? setup = null)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            if (setup is not null)
            {
                using var command = connection.CreateCommand();
                command.CommandText = setup;
                command.ExecuteNonQuery();
            }
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
