using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tessera.Profiles;

namespace Tessera.FinancialData;

/// <summary>
/// One observation of an account's balance; the account's balance is its latest. Amounts are minor units of the
/// account's currency (cents), signed: liabilities (credit cards, loans) carry negative balances.
/// </summary>
public sealed class Balance : IImportedRow
{
    public const string IdPrefix = "bal_";

    public required string Id { get; init; }
    public required string EnvironmentId { get; init; }
    public required string ProfileId { get; init; }
    public required string AccountId { get; set; }
    public Guid? Uuid { get; init; }
    /// <summary>When the institution reported it (UTC).</summary>
    public DateTime At { get; set; }
    public long Current { get; set; }
    public long? Available { get; set; }
    /// <summary>The credit limit, for credit accounts (the schema's <c>limit</c>, a reserved word in SQL).</summary>
    public long? CreditLimit { get; set; }
    /// <summary>The provider's payload imported with the record (GraphQL <c>remoteData</c>), as given.</summary>
    public string? RemoteDataJson { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class BalanceConfiguration : IEntityTypeConfiguration<Balance>
{
    public void Configure(EntityTypeBuilder<Balance> b)
    {
        b.ToTable("balances");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasMaxLength(64);
        b.Property(x => x.EnvironmentId).HasMaxLength(64);
        b.Property(x => x.ProfileId).HasMaxLength(64);
        b.Property(x => x.AccountId).HasMaxLength(64);
        b.Property(x => x.RemoteDataJson).HasMaxLength(FinancialLimits.RemoteDataJson);
        b.HasOne<Profile>().WithMany().HasForeignKey(x => x.ProfileId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.EnvironmentId, x.Uuid }).IsUnique();
        // Account.balance: the latest row of an account.
        b.HasIndex(x => new { x.AccountId, x.At });
        // The profile's cascade delete looks balances up by profile.
        b.HasIndex(x => x.ProfileId);
    }
}
