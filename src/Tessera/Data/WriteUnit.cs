using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Tessera.Metrics;

namespace Tessera.Data;

/// <summary>
/// One transaction of a hot write path (passwordless sign-in, issuance), written once against this interface and run
/// by each database in its fastest way: on SQLite inside group commit (<see cref="SqliteGroupCommit"/>), on PostgreSQL
/// as pipelined Npgsql batches (<see cref="PostgresWriteUnit"/>). The statements are the same text on both, bound by
/// name and typed by EF's mapping. docs/adr/0004-write-paths.md says why these paths are not EF's.
/// </summary>
public interface IWriteUnit
{
    StoreTypes Types { get; }

    /// <summary>
    /// True on PostgreSQL, where concurrent units run at once and <see cref="Lock"/> orders them; false on SQLite,
    /// where a unit runs alone under the database's one-writer gate.
    /// </summary>
    bool RunsConcurrently { get; }

    /// <summary>
    /// A lock on <paramref name="key"/> held to the end of the transaction (PostgreSQL advisory lock), taken before the
    /// next read so that read sees everything its earlier holders committed. Nothing on SQLite.
    /// </summary>
    void Lock(string key, bool exclusive);

    /// <summary>Runs what is queued, then <paramref name="query"/>; each row mapped.</summary>
    ValueTask<List<T>> ReadAsync<T>(Sql query, Func<DbDataReader, T> row);

    /// <summary>
    /// Runs what is queued, then <paramref name="first"/>, then <paramref name="second"/>, in one round trip on
    /// PostgreSQL. The second starts when the first has finished (its locks taken), so it sees everything committed
    /// before then, as a read of its own would.
    /// </summary>
    async ValueTask<(List<T1> First, List<T2> Second)> ReadAsync<T1, T2>(Sql first, Func<DbDataReader, T1> firstRow, Sql second, Func<DbDataReader, T2> secondRow) =>
        (await ReadAsync(first, firstRow), await ReadAsync(second, secondRow));

    /// <summary>A statement without rows: at once on SQLite, with the next read or the commit on PostgreSQL.</summary>
    void Execute(Sql statement);

    /// <summary>The entity inserted as EF would insert it.</summary>
    void Insert(object entity) => Execute(Sql.Insert(Types, entity));
}

/// <summary>Where the hot write paths run their units: the database in use decides how.</summary>
public sealed class WriteUnits(TesseraDbContext db, SqliteGroupCommit groupCommit, TesseraMetrics metrics)
{
    public Task<T> RunAsync<T>(Func<IWriteUnit, ValueTask<T>> work, CancellationToken cancellationToken) =>
        groupCommit.Enabled
            ? groupCommit.RunAsync(StoreTypes.Of(db), work, cancellationToken)
            : PostgresWriteUnit.RunAsync(db, metrics, work, cancellationToken);
}

internal sealed class SqliteWriteUnit(SqliteWriter writer, StoreTypes types) : IWriteUnit
{
    private bool _closed;

    public StoreTypes Types => types;
    public bool RunsConcurrently => false;

    public void Lock(string key, bool exclusive)
    {
    }

    public ValueTask<List<T>> ReadAsync<T>(Sql query, Func<DbDataReader, T> row)
    {
        using var reader = Writer.Query(query, types);
        var rows = new List<T>();
        while (reader.Read()) rows.Add(row(reader));
        return ValueTask.FromResult(rows);
    }

    public void Execute(Sql statement) => Writer.Execute(statement, types);

    /// <summary>The unit's turn is over: the connection belongs to the next unit.</summary>
    public void Close() => _closed = true;

    private SqliteWriter Writer => _closed ? throw new InvalidOperationException("This unit's turn at the SQLite writer is over.") : writer;
}

/// <summary>
/// A unit on PostgreSQL: statements queue until a read or the commit needs the server, then go in one Npgsql batch
/// (one round trip; Npgsql prepares each text after its second use). A unit that does not finish is rolled back, so the
/// pooled connection goes back with no transaction open.
/// </summary>
public sealed class PostgresWriteUnit : IWriteUnit
{
    /// <summary>
    /// Around a <see cref="Sql.PlannedForItsValues"/> statement, and only around it: a generic plan made while a table
    /// was small can read an identifier's rows through a broader index for as long as it stays cached. Left on, the
    /// setting would replan the rest of the transaction too, PostgreSQL's foreign-key checks included (measured on the
    /// passcode units: +435 µs of planning per request; bench/README, 7 December).
    /// </summary>
    private const string PlanForTheValues = "SET LOCAL plan_cache_mode = force_custom_plan", PlanAsUsual = "SET LOCAL plan_cache_mode TO DEFAULT";

    private const string LockExclusive = "SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))";
    private const string LockShared = "SELECT pg_advisory_xact_lock_shared(hashtextextended(@key, 0))";

    // Parameters are created by EF's mappings, which want a command to create them from.
    private static readonly NpgsqlCommand ParameterFactory = new();

    private readonly NpgsqlConnection _connection;
    private readonly TesseraMetrics _metrics;
    private readonly CancellationToken _cancellationToken;
    private readonly List<NpgsqlBatchCommand> _queued = [];
    private int _queuedRowSets; // queued statements that return rows (the locks), skipped before a read's own rows

    private PostgresWriteUnit(NpgsqlConnection connection, StoreTypes types, TesseraMetrics metrics, CancellationToken cancellationToken)
    {
        _connection = connection;
        Types = types;
        _metrics = metrics;
        _cancellationToken = cancellationToken;
    }

    public StoreTypes Types { get; }
    public bool RunsConcurrently => true;

    public static async Task<T> RunAsync<T>(TesseraDbContext db, TesseraMetrics metrics, Func<IWriteUnit, ValueTask<T>> work, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var unit = new PostgresWriteUnit(connection, StoreTypes.Of(db), metrics, cancellationToken);
        unit._queued.Add(new NpgsqlBatchCommand("BEGIN"));
        var committed = false;
        try
        {
            var result = await work(unit);
            unit._queued.Add(new NpgsqlBatchCommand("COMMIT"));
            await unit.FlushAsync();
            committed = true;
            return result;
        }
        finally
        {
            if (!committed) await RollBackAsync(connection);
            await db.Database.CloseConnectionAsync();
        }
    }

    public void Lock(string key, bool exclusive)
    {
        Queue(new Sql(exclusive ? LockExclusive : LockShared, ("key", key)));
        _queuedRowSets++;
    }

    public async ValueTask<List<T>> ReadAsync<T>(Sql query, Func<DbDataReader, T> row)
    {
        Queue(query);
        await using var batch = TakeQueued(out var skip);
        var rows = new List<T>();
        await using (var reader = await batch.ExecuteReaderAsync(_cancellationToken))
        {
            for (var i = 0; i < skip; i++) await reader.NextResultAsync(_cancellationToken);
            while (await reader.ReadAsync(_cancellationToken)) rows.Add(row(reader));
        }
        _metrics.CountRequestDbCommands(1);
        return rows;
    }

    public async ValueTask<(List<T1> First, List<T2> Second)> ReadAsync<T1, T2>(Sql first, Func<DbDataReader, T1> firstRow, Sql second, Func<DbDataReader, T2> secondRow)
    {
        Queue(first);
        Queue(second);
        await using var batch = TakeQueued(out var skip);
        List<T1> firstRows = [];
        List<T2> secondRows = [];
        await using (var reader = await batch.ExecuteReaderAsync(_cancellationToken))
        {
            for (var i = 0; i < skip; i++) await reader.NextResultAsync(_cancellationToken);
            while (await reader.ReadAsync(_cancellationToken)) firstRows.Add(firstRow(reader));
            await reader.NextResultAsync(_cancellationToken);
            while (await reader.ReadAsync(_cancellationToken)) secondRows.Add(secondRow(reader));
        }
        _metrics.CountRequestDbCommands(1);
        return (firstRows, secondRows);
    }

    public void Execute(Sql statement) => Queue(statement);

    private async Task FlushAsync()
    {
        await using var batch = TakeQueued(out _);
        await batch.ExecuteNonQueryAsync(_cancellationToken);
        _metrics.CountRequestDbCommands(1);
    }

    /// <summary>What is queued, as one batch; the queue starts afresh. <paramref name="lockRowSets"/>: the row sets of
    /// the queued locks, which come before a read's own.</summary>
    private NpgsqlBatch TakeQueued(out int lockRowSets)
    {
        var batch = new NpgsqlBatch(_connection);
        foreach (var queued in _queued) batch.BatchCommands.Add(queued);
        lockRowSets = _queuedRowSets;
        _queued.Clear();
        _queuedRowSets = 0;
        return batch;
    }

    /// <summary>Queues the statement (between the plan settings when it asks to be planned for its values).</summary>
    private void Queue(Sql statement)
    {
        // The settings return no rows: a reader passes over them as over the inserts.
        if (statement.PlannedForItsValues) _queued.Add(new NpgsqlBatchCommand(PlanForTheValues));
        var text = SqlText.Of(statement.Text);
        var command = new NpgsqlBatchCommand(text.Positional);
        foreach (var arg in text.Order(statement.Args)) command.Parameters.Add(Types.Parameter(ParameterFactory, "", arg.Value, arg.Mapping));
        _queued.Add(command);
        if (statement.PlannedForItsValues) _queued.Add(new NpgsqlBatchCommand(PlanAsUsual));
    }

    /// <summary>Rolls back whatever the batches began; a broken connection is discarded by Npgsql instead.</summary>
    private static async Task RollBackAsync(NpgsqlConnection connection)
    {
        if (connection.State != System.Data.ConnectionState.Open) return;
        try
        {
            await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
            await rollback.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException)
        {
        }
    }
}
