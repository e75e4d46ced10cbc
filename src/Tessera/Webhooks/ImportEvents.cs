using Microsoft.EntityFrameworkCore;
using Tessera.Data;
using Tessera.FinancialData;

namespace Tessera.Webhooks;

/// <summary>
/// The events of one import, recorded chunk by chunk inside each chunk's write transaction:
/// <c>connection.created</c>, <c>account.created</c>, <c>balance.created</c> and <c>statement.ready</c> for rows the upsert inserted (not
/// those it updated), and <c>connection.synced.successful</c> once per connection the import touched.
/// </summary>
/// <remarks>
/// Inserted or updated: the importer offers a fresh random id with every row, and an existing row keeps its own id
/// through <c>ON CONFLICT DO UPDATE</c>, so the id the upsert returns equals the one offered exactly when the row was
/// inserted. The same on SQLite and PostgreSQL, with no extra query.
/// </remarks>
public sealed class ImportEvents
{
    private readonly HashSet<string> _synced = new(StringComparer.Ordinal);
    private readonly List<string> _syncedInChunk = [];
    private readonly HashSet<string> _connectionsInChunk = new(StringComparer.Ordinal);
    private readonly HashSet<string> _accountsInChunk = new(StringComparer.Ordinal);

    /// <summary>A row the upsert wrote, as the importer offered it; <paramref name="id"/> as returned.</summary>
    internal void Written(TesseraDbContext db, IImportedRow row, string id, DateTime at)
    {
        var inserted = id == row.Id;
        switch (row)
        {
            case Connection connection:
                _connectionsInChunk.Add(id);
                if (inserted) EventLog.Record(db, EventTypes.ConnectionCreated, row.EnvironmentId, row.ProfileId, new { id, uuid = connection.Uuid }, at);
                break;
            case Account account:
                _connectionsInChunk.Add(account.ConnectionId);
                if (inserted) EventLog.Record(db, EventTypes.AccountCreated, row.EnvironmentId, row.ProfileId, new { id, uuid = account.Uuid, connectionId = account.ConnectionId }, at);
                break;
            case Balance balance:
                _accountsInChunk.Add(balance.AccountId);
                if (inserted) EventLog.Record(db, EventTypes.BalanceCreated, row.EnvironmentId, row.ProfileId, new { id, uuid = balance.Uuid, accountId = balance.AccountId }, at);
                break;
            case Transaction transaction:
                _accountsInChunk.Add(transaction.AccountId);
                break;
            case AccountHolding holding:
                _accountsInChunk.Add(holding.AccountId);
                break;
            case Statement statement:
                _accountsInChunk.Add(statement.AccountId);
                if (inserted) EventLog.Record(db, EventTypes.StatementReady, row.EnvironmentId, row.ProfileId, EventLog.StatementRecord(id, statement), at);
                break;
        }
    }

    /// <summary>Adds the chunk's sync events and saves every event of the chunk, inside the chunk's transaction.</summary>
    public async Task SaveAsync(TesseraDbContext db, DateTime at, CancellationToken cancellationToken)
    {
        if (_accountsInChunk.Count > 0)
        {
            var accounts = _accountsInChunk.ToList();
            foreach (var connectionId in await db.Accounts.AsNoTracking().Where(a => accounts.Contains(a.Id)).Select(a => a.ConnectionId).Distinct().ToListAsync(cancellationToken))
                _connectionsInChunk.Add(connectionId);
        }
        var fresh = _connectionsInChunk.Where(c => !_synced.Contains(c)).ToList();
        if (fresh.Count > 0)
        {
            var connections = await db.Connections.AsNoTracking().Where(c => fresh.Contains(c.Id))
                .Select(c => new { c.Id, c.Uuid, c.EnvironmentId, c.ProfileId }).ToListAsync(cancellationToken);
            foreach (var c in connections.OrderBy(c => c.Id, StringComparer.Ordinal))
            {
                EventLog.Record(db, EventTypes.ConnectionSyncedSuccessful, c.EnvironmentId, c.ProfileId, new { id = c.Id, uuid = c.Uuid }, at);
                _synced.Add(c.Id);
                _syncedInChunk.Add(c.Id);
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        // Saved: stop tracking them, so a long import does not hold every event in memory.
        foreach (var entry in db.ChangeTracker.Entries<WebhookEvent>().ToList()) entry.State = EntityState.Detached;
        _connectionsInChunk.Clear();
        _accountsInChunk.Clear();
        _syncedInChunk.Clear();
    }

    /// <summary>The chunk rolled back: its events must not be written by a later save.</summary>
    public void Discard(TesseraDbContext db)
    {
        foreach (var entry in db.ChangeTracker.Entries<WebhookEvent>().ToList()) entry.State = EntityState.Detached;
        foreach (var id in _syncedInChunk) _synced.Remove(id);
        _syncedInChunk.Clear();
        _connectionsInChunk.Clear();
        _accountsInChunk.Clear();
    }
}
