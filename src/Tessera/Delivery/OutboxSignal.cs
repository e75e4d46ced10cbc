using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace Tessera.Delivery;

/// <summary>Wakes this instance's <see cref="OutboxDispatcher"/> when a message to send was committed here.</summary>
public sealed class OutboxSignal : Hosting.WakeSignal;

/// <summary>
/// Notifies the <see cref="OutboxSignal"/> once a save that added a pending message is committed: after the save
/// itself, or, when the caller wraps it in a transaction (the passcode code does), after that transaction commits.
/// Waking the dispatcher earlier would make it look before the row is visible and then wait a whole poll interval.
/// </summary>
internal sealed class OutboxCommitInterceptor(OutboxSignal signal) : DbTransactionInterceptor, ISaveChangesInterceptor
{
    private static readonly object Marker = new();
    private readonly ConditionalWeakTable<DbContext, object> _savingOutsideTransaction = new();
    private readonly ConditionalWeakTable<DbTransaction, object> _transactionsWithMessages = new();

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Track(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Track(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (eventData.Context is { } context) _savingOutsideTransaction.Remove(context);
    }

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveChangesFailed(eventData);
        return Task.CompletedTask;
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(transaction);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed(transaction);
        return Task.CompletedTask;
    }

    private void Track(DbContext? context)
    {
        if (context is null) return;
        var adds = context.ChangeTracker.Entries<OutboxMessage>().Any(e => e.State == EntityState.Added && e.Entity.Status == OutboxStatus.Pending);
        if (!adds) return;
        if (context.Database.CurrentTransaction?.GetDbTransaction() is { } transaction) _transactionsWithMessages.AddOrUpdate(transaction, Marker);
        else _savingOutsideTransaction.AddOrUpdate(context, Marker);
    }

    private void Saved(DbContext? context)
    {
        if (context is not null && _savingOutsideTransaction.Remove(context)) signal.Notify();
    }

    private void Committed(DbTransaction transaction)
    {
        if (_transactionsWithMessages.Remove(transaction)) signal.Notify();
    }
}
