using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tessera.Profiles;

namespace Tessera.FinancialData;

/// <summary>
/// A movement of money on an account. <see cref="Amount"/> is exact: minor units (cents) as a 64-bit integer,
/// never negative; the direction is <see cref="EntryType"/>.
/// </summary>
public sealed class Transaction : IImportedRow
{
    public const string IdPrefix = "txn_";

    public required string Id { get; init; }
    public required string EnvironmentId { get; init; }
    public required string ProfileId { get; init; }
    public required string AccountId { get; set; }
    public Guid? Uuid { get; init; }
    /// <summary>The posting date. SQLite stores it as ISO text (YYYY-MM-DD) and PostgreSQL as <c>date</c>: both order it alike.</summary>
    public DateOnly Date { get; set; }
    public required string Description { get; set; }
    public long Amount { get; set; }
    public required string CurrencyCode { get; set; }
    public EntryType EntryType { get; set; }
    public TransactionStatus Status { get; set; }
    public string? MerchantId { get; set; }
    public string? MerchantName { get; set; }
    public string? MetadataJson { get; set; }
    /// <summary>The provider's payload imported with the record (GraphQL <c>remoteData</c>), as given.</summary>
    public string? RemoteDataJson { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class TransactionConfiguration : IEntityTypeConfiguration<Transaction>
{
    public void Configure(EntityTypeBuilder<Transaction> b)
    {
        b.ToTable("transactions");
        b.HasKey(t => t.Id);
        b.Property(t => t.Id).HasMaxLength(64);
        b.Property(t => t.EnvironmentId).HasMaxLength(64);
        b.Property(t => t.ProfileId).HasMaxLength(64);
        b.Property(t => t.AccountId).HasMaxLength(64);
        b.Property(t => t.Description).HasMaxLength(FinancialLimits.Description);
        b.Property(t => t.CurrencyCode).HasMaxLength(3);
        b.Property(t => t.EntryType).HasConversion<string>().HasMaxLength(16);
        b.Property(t => t.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(t => t.MerchantId).HasMaxLength(FinancialLimits.ExternalId);
        b.Property(t => t.MerchantName).HasMaxLength(FinancialLimits.Name);
        b.Property(t => t.MetadataJson).HasMaxLength(FinancialLimits.MetadataJson);
        b.Property(t => t.RemoteDataJson).HasMaxLength(FinancialLimits.RemoteDataJson);
        b.HasOne<Profile>().WithMany().HasForeignKey(t => t.ProfileId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Account>().WithMany().HasForeignKey(t => t.AccountId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(t => new { t.EnvironmentId, t.Uuid }).IsUnique();
        // Keyset pagination of Query.transactions (a profile's, by date then id) and of Account.transactions. The
        // environment is in the index because every query filters by it: without it, counting a profile's 100k
        // rows visits every row instead of the index alone. profile_id first also serves the profile cascade.
        b.HasIndex(t => new { t.ProfileId, t.EnvironmentId, t.Date, t.Id });
        b.HasIndex(t => new { t.ProfileId, t.EnvironmentId, t.Amount, t.Id });
        b.HasIndex(t => new { t.AccountId, t.Date, t.Id });
    }
}
