using Microsoft.EntityFrameworkCore;
using Tessera.Data;
using Tessera.FinancialData;

namespace Tessera.Webhooks;

/// <summary>
/// The events of one import. Chunk by chunk, inside each chunk's write transaction: <c>connection.created</c>,
/// <c>account.created</c> (and <c>account.verified</c> for a verified one), <c>balance.created</c> and <c>statement.ready</c> for rows the
/// upsert inserted (not those it updated), and one sync per connection the import touched:
/// <c>connection.synced.successful.initial</c> for a connection this import created, <c>connection.synced.successful</c>
/// for an existing one. When the import ends (<see cref="FinishAsync"/>): <c>connection.synced.successful.historical</c>
/// for each connection it created, and <c>profile.ready</c> for each connection it synced.
/// </summary>
/// <remarks>
/// Inserted or updated: the importer offers a fresh random id with every row, and an existing row keeps its own id
/// through <c>ON CONFLICT DO UPDATE</c>, so the id the upsert returns equals the one offered exactly when the row was
/// inserted. The same on SQLite and PostgreSQL, with no extra query.
/// </remarks>
public sealed class ImportEvents
{
    private sealed record Synced(string EnvironmentId, string ProfileId, bool Created);

    private readonly Dictionary<string, Synced> _synced = new(StringComparer.Ordinal);
    private readonly List<string> _syncedInChunk = [];
    private readonly HashSet<string> _connectionsInChunk = new(StringComparer.Ordinal);
    private readonly HashSet<string> _createdInChunk = new(StringComparer.Ordinal);
    private readonly HashSet<string> _accountsInChunk = new(StringComparer.Ordinal);

    /// <summary>A row the upsert wrote, as the importer offered it; <paramref name="id"/> as returned.</summary>
    internal void Written(TesseraDbContext db, IImportedRow row, string id, DateTime at)
    {
        var inserted = id == row.Id;
        switch (row)
        {
            case Connection connection:
                _connectionsInChunk.Add(id);
                if (inserted)
                {
                    _createdInChunk.Add(id);
                    EventLog.Record(db, EventTypes.ConnectionCreated, row.EnvironmentId, row.ProfileId, new { id, uuid = connection.Uuid }, at);
                }
                break;
            case Account account:
                _connectionsInChunk.Add(account.ConnectionId);
                if (inserted)
                {
                    EventLog.Record(db, EventTypes.AccountCreated, row.EnvironmentId, row.ProfileId, new { id, uuid = account.Uuid, connectionId = account.ConnectionId }, at);
                    if (account.Verified) EventLog.Record(db, EventTypes.AccountVerified, row.EnvironmentId, row.ProfileId, new { id, uuid = account.Uuid, connectionId = account.ConnectionId }, at);
                }
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
        var fresh = _connectionsInChunk.Where(c => !_synced.ContainsKey(c)).ToList();
        if (fresh.Count > 0)
        {
            var connections = await db.Connections.AsNoTracking().Where(c => fresh.Contains(c.Id))
                .Select(c => new { c.Id, c.Uuid, c.EnvironmentId, c.ProfileId }).ToListAsync(cancellationToken);
            foreach (var c in connections.OrderBy(c => c.Id, StringComparer.Ordinal))
            {
                var created = _createdInChunk.Contains(c.Id);
                EventLog.Record(db, created ? EventTypes.ConnectionSyncedSuccessfulInitial : EventTypes.ConnectionSyncedSuccessful,
                    c.EnvironmentId, c.ProfileId, new { id = c.Id, uuid = c.Uuid }, at);
                _synced[c.Id] = new Synced(c.EnvironmentId, c.ProfileId, created);
                _syncedInChunk.Add(c.Id);
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        Forget(db);
    }

    /// <summary>The chunk rolled back: its events must not be written by a later save.</summary>
    public void Discard(TesseraDbContext db)
    {
        foreach (var id in _syncedInChunk) _synced.Remove(id);
        Forget(db);
    }

    /// <summary>
    /// The import is over: every connection it synced is complete. Its own transaction: a crash before it leaves the
    /// data written and no <c>profile.ready</c>, as for a sync that did not finish.
    /// </summary>
    public async Task FinishAsync(TesseraDbContext db, DateTime at, CancellationToken cancellationToken)
    {
        if (_synced.Count == 0) return;
        await using var transaction = await db.BeginWriteTransactionAsync(cancellationToken);
        var ids = _synced.Keys.ToList();
        // Connections deleted during the import (with their profile) get no event.
        var live = (await db.Connections.AsNoTracking().Where(c => ids.Contains(c.Id)).Select(c => c.Id).ToListAsync(cancellationToken))
            .Order(StringComparer.Ordinal).ToList();
        foreach (var id in live)
        {
            var c = _synced[id];
            if (c.Created) EventLog.Record(db, EventTypes.ConnectionSyncedSuccessfulHistorical, c.EnvironmentId, c.ProfileId, new { id }, at);
            EventLog.RecordProfileReady(db, c.EnvironmentId, c.ProfileId, id, null, null, at);
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Forget(db);
        _synced.Clear();
    }

    private void Forget(TesseraDbContext db)
    {
        // Saved or discarded: stop tracking them, so a long import does not hold every event in memory.
        foreach (var entry in db.ChangeTracker.Entries<WebhookEvent>().ToList()) entry.State = EntityState.Detached;
        _syncedInChunk.Clear();
        _connectionsInChunk.Clear();
        _createdInChunk.Clear();
        _accountsInChunk.Clear();
    }
}
