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

    private WriteTransaction(TesseraDbContext db, IDbContextTransaction transaction, bool savepoints, SemaphoreSlim? gate)
    {
        _db = db;
        _transaction = transaction;
        _savepoints = savepoints;
        _gate = gate;
    }

    public static async Task<WriteTransaction> BeginAsync(TesseraDbContext db, CancellationToken cancellationToken)
    {
        SemaphoreSlim? gate = null;
        if (db.Database.IsSqlite())
        {
            gate = SqliteGates.GetOrAdd(db.Database.GetConnectionString() ?? "", _ => new SemaphoreSlim(1, 1));
            await gate.WaitAsync(cancellationToken);
        }
        try
        {
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var savepoints = db.Database.AutoSavepointsEnabled;
            db.Database.AutoSavepointsEnabled = false;
            return new WriteTransaction(db, transaction, savepoints, gate);
        }
        catch
        {
            gate?.Release();
            throw;
        }
    }

    public Task CommitAsync(CancellationToken cancellationToken) => _transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        _db.Database.AutoSavepointsEnabled = _savepoints;
        Interlocked.Exchange(ref _gate, null)?.Release();
    }
}

public static class WriteTransactionExtensions
{
    public static Task<WriteTransaction> BeginWriteTransactionAsync(this TesseraDbContext db, CancellationToken cancellationToken) =>
        WriteTransaction.BeginAsync(db, cancellationToken);
}
