using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Tessera.Data;

/// <summary>
/// A transaction that writes. SQLite allows one writer at a time; without help, concurrent writers collide on its
/// lock and sleep in the driver's busy-retry loop (hundreds of milliseconds of tail latency). The embedded database
/// lives in one process, so writers queue on an async gate instead and each runs at once when its turn comes.
/// PostgreSQL needs no gate: row locks and advisory locks order the writers that conflict.
/// </summary>
/// <remarks>
/// EF's automatic savepoint around each save is off while it lasts: a failed save ends the unit of work (every caller
/// returns or starts a new transaction), so the savepoint would only cost two more round trips per save on PostgreSQL
/// and two more statements under SQLite's write lock.
/// </remarks>
public sealed class WriteTransaction : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> SqliteGates = new(StringComparer.Ordinal);
    private readonly TesseraDbContext _db;
    private readonly IDbContextTransaction _transaction;
    private readonly bool _savepoints;
    private SemaphoreSlim? _gate;
    private bool _opened;

    private WriteTransaction(TesseraDbContext db, IDbContextTransaction transaction, bool savepoints, SemaphoreSlim? gate, bool opened)
    {
        _db = db;
        _transaction = transaction;
        _savepoints = savepoints;
        _gate = gate;
        _opened = opened;
    }

    public static async Task<WriteTransaction> BeginAsync(TesseraDbContext db, CancellationToken cancellationToken)
    {
        SemaphoreSlim? gate = null;
        var opened = false;
        if (db.IsSqlite)
        {
            // Open (and set up) the connection before queueing, so the gate is held only for the transaction itself.
            if (db.Database.GetDbConnection().State != System.Data.ConnectionState.Open)
            {
                await db.Database.OpenConnectionAsync(cancellationToken);
                opened = true;
            }
            gate = Gate(db.Database.GetConnectionString());
            try
            {
                await gate.WaitAsync(cancellationToken);
            }
            catch
            {
                if (opened) await db.Database.CloseConnectionAsync();
                throw;
            }
        }
        try
        {
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var savepoints = db.Database.AutoSavepointsEnabled;
            db.Database.AutoSavepointsEnabled = false;
            return new WriteTransaction(db, transaction, savepoints, gate, opened);
        }
        catch
        {
            gate?.Release();
            if (opened) await db.Database.CloseConnectionAsync();
            throw;
        }
    }

    private static SemaphoreSlim Gate(string? connectionString) => SqliteGates.GetOrAdd(connectionString ?? "", _ => new SemaphoreSlim(1, 1));

    /// <summary>The one-writer gate of the SQLite database at <paramref name="connectionString"/>, for writers that do not go through EF.</summary>
    internal static SemaphoreSlim SqliteGate(string connectionString) => Gate(connectionString);

    /// <summary>Commits; the next writer may start at once, whatever the caller still does before disposing.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await _transaction.CommitAsync(cancellationToken);
        Interlocked.Exchange(ref _gate, null)?.Release();
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        _db.Database.AutoSavepointsEnabled = _savepoints;
        Interlocked.Exchange(ref _gate, null)?.Release();
        if (_opened)
        {
            _opened = false;
            await _db.Database.CloseConnectionAsync();
        }
    }
}

public static class WriteTransactionExtensions
{
    public static Task<WriteTransaction> BeginWriteTransactionAsync(this TesseraDbContext db, CancellationToken cancellationToken) =>
        WriteTransaction.BeginAsync(db, cancellationToken);
}
