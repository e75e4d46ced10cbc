using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tessera.Profiles;

namespace Tessera.FinancialData;

/// <summary>An account at an institution, reached through one connection.</summary>
public sealed class Account : IImportedRow
{
    public const string IdPrefix = "acct_";

    public required string Id { get; init; }
    public required string EnvironmentId { get; init; }
    public required string ProfileId { get; init; }
    public required string ConnectionId { get; set; }
    public Guid? Uuid { get; init; }
    public required string Name { get; set; }
    /// <summary>The last digits of the account number, as the institution shows them.</summary>
    public string? Mask { get; set; }
    public AccountType Type { get; set; }
    public AccountKind Kind { get; set; }
    public AccountState State { get; set; }
    /// <summary>ISO 4217, upper case.</summary>
    public required string CurrencyCode { get; set; }
    public bool Verified { get; set; }
    public string? MetadataJson { get; set; }
    /// <summary>The provider's payload imported with the record (GraphQL <c>remoteData</c>), as given.</summary>
    public string? RemoteDataJson { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>The kind an account type implies when none is given.</summary>
    public static AccountKind KindOf(AccountType type) => type switch
    {
        AccountType.Credit => AccountKind.Credit,
        AccountType.Loan => AccountKind.Loan,
        AccountType.Investment => AccountKind.Investment,
        _ => AccountKind.Depository,
    };
}

internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> b)
    {
        b.ToTable("accounts");
        b.HasKey(a => a.Id);
        b.Property(a => a.Id).HasMaxLength(64);
        b.Property(a => a.EnvironmentId).HasMaxLength(64);
        b.Property(a => a.ProfileId).HasMaxLength(64);
        b.Property(a => a.ConnectionId).HasMaxLength(64);
        b.Property(a => a.Name).HasMaxLength(FinancialLimits.Name);
        b.Property(a => a.Mask).HasMaxLength(FinancialLimits.Mask);
        b.Property(a => a.Type).HasConversion<string>().HasMaxLength(16);
        b.Property(a => a.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(a => a.State).HasConversion<string>().HasMaxLength(16);
        b.Property(a => a.CurrencyCode).HasMaxLength(3);
        b.Property(a => a.MetadataJson).HasMaxLength(FinancialLimits.MetadataJson);
        b.Property(a => a.RemoteDataJson).HasMaxLength(FinancialLimits.RemoteDataJson);
        b.HasOne<Profile>().WithMany().HasForeignKey(a => a.ProfileId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Connection>().WithMany().HasForeignKey(a => a.ConnectionId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(a => new { a.EnvironmentId, a.Uuid }).IsUnique();
        // Query.accounts (a profile's accounts) and Connection.accounts.
        b.HasIndex(a => new { a.ProfileId, a.Name, a.Id });
        b.HasIndex(a => a.ConnectionId);
    }
}
