using Microsoft.Data.Sqlite;
using Tessera.Hosting;

namespace Tessera.Data;

/// <summary>
/// Copies the WAL's new pages into the SQLite database file on a connection and thread of its own, so that the
/// group-commit loop (<see cref="SqliteGroupCommit"/>) only appends to the WAL.
/// </summary>
/// <remarks>
/// <para>
/// SQLite's default is to checkpoint on the connection that commits past 1,000 WAL pages, inside that commit: the
/// one writer stopped to read every page back, write it into the database and fsync both files (the only fsyncs at
/// <c>synchronous=normal</c>). On the issuance row that was a third of the writer's time, with the second core idle.
/// The loop's connection now has <c>wal_autocheckpoint=0</c> and wakes this one after each commit; a passive
/// checkpoint runs beside the next batch, taking no lock a writer or reader waits on.
/// </para>
/// <para>
/// The WAL only starts over at its beginning when a write transaction begins with every page copied. Under a steady
/// stream of batches that moment never comes (the checkpointer always trails the last batch): in about a minute of
/// issuance without this bound the WAL grew to 4.3 GB. So when the WAL holds <see cref="DatabaseOptions.SqliteWalPagesBeforeCatchUp"/>
/// pages or more, the checkpointer copies the rest holding the database's one-writer gate, which is what SQLite's own
/// autocheckpoint did at every 1,000 pages, with most of the work already done. Durability is unchanged: commits and
/// checkpoints sync exactly as <c>synchronous</c> says, and a crash before a checkpoint loses nothing of the WAL.
/// </para>
/// </remarks>
public sealed class SqliteCheckpointer : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly int _pagesBeforeCatchUp;
    private readonly ILogger _logger;
    private readonly WakeSignal _wake = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    internal SqliteCheckpointer(string connectionString, int pagesBeforeCatchUp, ILogger logger)
    {
        _connectionString = connectionString;
        _pagesBeforeCatchUp = pagesBeforeCatchUp;
        _logger = logger;
    }

    /// <summary>What each checkpoint found and did, for tests and diagnostics: raised on the checkpointer's thread.</summary>
    internal event Action<SqliteCheckpoint>? Checkpointed;

    /// <summary>Starts the checkpointer's loop: once, from the group-commit loop as it starts (so on no request's flow).</summary>
    internal void Start() => _loop = Task.Run(RunAsync);

    /// <summary>After a commit: a checkpoint follows soon, on the checkpointer's thread. Cheap; calls coalesce.</summary>
    internal void Notify() => _wake.Notify();

    private async Task RunAsync()
    {
        SqliteConnection? connection = null;
        var gate = WriteTransaction.SqliteGate(_connectionString);
        try
        {
            while (await _wake.WaitAsync(Timeout.InfiniteTimeSpan, TimeProvider.System, _stopping.Token))
            {
                try
                {
                    connection ??= SqliteConnections.Open(_connectionString);
                    var passive = Checkpoint(connection, heldWriters: false);
                    if (passive.WalPages < _pagesBeforeCatchUp) continue;
                    // Writers wait for this one: with the gate held nothing is appended, so every page gets copied
                    // and the next write transaction starts the WAL over.
                    await gate.WaitAsync(_stopping.Token);
                    try { Checkpoint(connection, heldWriters: true); }
                    finally { gate.Release(); }
                }
                catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    // The WAL keeps every commit whatever happens here; the next wake-up tries on a fresh connection.
                    _logger.LogError(ex, "A WAL checkpoint failed; the next commit retries it.");
                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private SqliteCheckpoint Checkpoint(SqliteConnection connection, bool heldWriters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        using var reader = command.ExecuteReader();
        reader.Read();
        // busy, log (pages in the WAL), checkpointed (of those, copied into the database); -1 when not in WAL mode.
        var result = new SqliteCheckpoint(WalPages: reader.GetInt64(1), CopiedPages: reader.GetInt64(2), HeldWriters: heldWriters);
        Checkpointed?.Invoke(result);
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_loop is not null) await _loop;
        _stopping.Dispose();
    }
}

/// <summary>One checkpoint: the WAL's pages, how many of them are now in the database, and whether writers were held back.</summary>
internal readonly record struct SqliteCheckpoint(long WalPages, long CopiedPages, bool HeldWriters);
