using System.Linq.Expressions;
using Tessera.FinancialData;

namespace Tessera.DataApi;

/// <summary>
/// A transaction as the API shows it: the columns the schema exposes and no more. Reads project into it so a page
/// does not fetch (and on SQLite parse from text) the bookkeeping columns of 51 rows; writes keep using
/// <see cref="Transaction"/>.
/// </summary>
public sealed record TransactionView(string Id, string AccountId, Guid? Uuid, DateOnly Date, string Description, long Amount, string CurrencyCode,
    EntryType EntryType, TransactionStatus Status, string? MerchantId, string? MerchantName, string? MetadataJson)
{
    /// <summary>The projection, for queries (EF Core inlines it, compiled queries too).</summary>
    public static readonly Expression<Func<Transaction, TransactionView>> Projection = t => new TransactionView(
        t.Id, t.AccountId, t.Uuid, t.Date, t.Description, t.Amount, t.CurrencyCode, t.EntryType, t.Status, t.MerchantId, t.MerchantName, t.MetadataJson);

    private static readonly Func<Transaction, TransactionView> FromEntity = Projection.Compile();

    /// <summary>The view of a loaded entity (a mutation's record).</summary>
    public static TransactionView From(Transaction transaction) => FromEntity(transaction);
}
