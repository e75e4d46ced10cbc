using Microsoft.EntityFrameworkCore;
using Tessera.Data;
using Tessera.FinancialData;

namespace Tessera.Webhooks;

/// <summary>
/// The events of one import, recorded chunk by chunk inside each chunk's write transaction:
/// <c>connection.created</c>, <c>account.created</c> and <c>balance.created</c> for rows the upsert inserted (not
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

    /// <summary>A row the upsert wrote: <paramref name="values"/> in the importer's column order, <paramref name="id"/> as returned.</summary>
    public void Written(TesseraDbContext db, ImportRecordType type, object?[] values, string id, DateTime at)
    {
        var inserted = id == (string?)values[0];
        var environmentId = (string)values[1]!;
        var profileId = (string)values[2]!;
        switch (type)
        {
            case ImportRecordType.Connection:
                _connectionsInChunk.Add(id);
                if (inserted) EventLog.Record(db, EventTypes.ConnectionCreated, environmentId, profileId, new { id, uuid = values[3] }, at);
                break;
            case ImportRecordType.Account:
                _connectionsInChunk.Add((string)values[3]!);
                if (inserted) EventLog.Record(db, EventTypes.AccountCreated, environmentId, profileId, new { id, uuid = values[4], connectionId = values[3] }, at);
                break;
            case ImportRecordType.Balance:
                _accountsInChunk.Add((string)values[3]!);
                if (inserted) EventLog.Record(db, EventTypes.BalanceCreated, environmentId, profileId, new { id, uuid = values[4], accountId = values[3] }, at);
                break;
            default:
                _accountsInChunk.Add((string)values[3]!);
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
