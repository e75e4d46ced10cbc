using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tessera.Profiles;

namespace Tessera.FinancialData;

// Stored as their C# names, written on the wire as EQUITY, MUTUAL_FUND, ... (WireEnum).
public enum SecurityType { Equity, Etf, MutualFund, FixedIncome, Cash, Option, Cryptocurrency, Other }

/// <summary>
/// A security (stock, fund, bond) as a profile's institution describes it. Scoped to one profile like every
/// financial row: two profiles holding Apple have two rows, so no query can join across profiles through it.
/// </summary>
public sealed class InvestmentSecurity : IImportedRow
{
    public const string IdPrefix = "sec_";

    public required string Id { get; init; }
    public required string EnvironmentId { get; init; }
    public required string ProfileId { get; init; }
    public Guid? Uuid { get; init; }
    public required string Name { get; set; }
    public string? Ticker { get; set; }
    public SecurityType Type { get; set; }
    public string? Cusip { get; set; }
    public string? Isin { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// A position of one account in one security, as the provider reported it at <see cref="At"/>. Quantities and
/// prices are decimals (fractional shares, prices in fractions of a cent), in the account's currency; the same
/// <c>numeric</c> semantics on both databases since nothing sums them in SQL (the roll-up is <see cref="HoldingRollup"/>).
/// </summary>
public sealed class AccountHolding : IImportedRow
{
    public const string IdPrefix = "achld_";

    public required string Id { get; init; }
    public required string EnvironmentId { get; init; }
    public required string ProfileId { get; init; }
    public required string AccountId { get; set; }
    public required string SecurityId { get; set; }
    public Guid? Uuid { get; init; }
    public decimal Quantity { get; set; }
    public decimal Price { get; set; }
    public decimal Value { get; set; }
    public decimal? CostBasis { get; set; }
    /// <summary>When the provider priced the position (UTC).</summary>
    public DateTime At { get; set; }
    /// <summary>The provider's own record of the position, as given (the schema's <c>remoteData</c>).</summary>
    public string? RemoteDataJson { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// A periodic statement of an account. <see cref="Url"/> is the PDF address given at import; a SANDBOX mock
/// statement has none stored and <see cref="MockPdf"/> set: Tessera serves its PDF at a signed, expiring URL.
/// </summary>
public sealed class Statement : IImportedRow
{
    public const string IdPrefix = "stmt_";

    public required string Id { get; init; }
    public required string EnvironmentId { get; init; }
    public required string ProfileId { get; init; }
    public required string AccountId { get; set; }
    public Guid? Uuid { get; init; }
    public DateOnly StartOn { get; set; }
    public DateOnly EndOn { get; set; }
    public string? Url { get; set; }
    public bool MockPdf { get; set; }
    public string? MetadataJson { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class InvestmentSecurityConfiguration : IEntityTypeConfiguration<InvestmentSecurity>
{
    public void Configure(EntityTypeBuilder<InvestmentSecurity> b)
    {
        b.ToTable("securities");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasMaxLength(64);
        b.Property(x => x.EnvironmentId).HasMaxLength(64);
        b.Property(x => x.ProfileId).HasMaxLength(64);
        b.Property(x => x.Name).HasMaxLength(FinancialLimits.Name);
        b.Property(x => x.Ticker).HasMaxLength(InvestmentLimits.Ticker);
        b.Property(x => x.Type).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.Cusip).HasMaxLength(9);
        b.Property(x => x.Isin).HasMaxLength(12);
        b.HasOne<Profile>().WithMany().HasForeignKey(x => x.ProfileId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.EnvironmentId, x.Uuid }).IsUnique();
        // The profile's cascade delete looks securities up by profile.
        b.HasIndex(x => x.ProfileId);
    }
}

internal sealed class AccountHoldingConfiguration : IEntityTypeConfiguration<AccountHolding>
{
    public void Configure(EntityTypeBuilder<AccountHolding> b)
    {
        b.ToTable("account_holdings");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasMaxLength(64);
        b.Property(x => x.EnvironmentId).HasMaxLength(64);
        b.Property(x => x.ProfileId).HasMaxLength(64);
        b.Property(x => x.AccountId).HasMaxLength(64);
        b.Property(x => x.SecurityId).HasMaxLength(64);
        b.Property(x => x.Quantity).HasPrecision(28, 8);
        b.Property(x => x.Price).HasPrecision(28, 8);
        b.Property(x => x.Value).HasPrecision(28, 8);
        b.Property(x => x.CostBasis).HasPrecision(28, 8);
        b.Property(x => x.RemoteDataJson).HasMaxLength(FinancialLimits.MetadataJson);
        b.HasOne<Profile>().WithMany().HasForeignKey(x => x.ProfileId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<InvestmentSecurity>().WithMany().HasForeignKey(x => x.SecurityId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.EnvironmentId, x.Uuid }).IsUnique();
        // Account.holdings (by account) and Query.holdings (the profile's, rolled up).
        b.HasIndex(x => new { x.AccountId, x.Id });
        b.HasIndex(x => new { x.ProfileId, x.EnvironmentId });
        b.HasIndex(x => x.SecurityId);
    }
}

internal sealed class StatementConfiguration : IEntityTypeConfiguration<Statement>
{
    public void Configure(EntityTypeBuilder<Statement> b)
    {
        b.ToTable("statements");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasMaxLength(64);
        b.Property(x => x.EnvironmentId).HasMaxLength(64);
        b.Property(x => x.ProfileId).HasMaxLength(64);
        b.Property(x => x.AccountId).HasMaxLength(64);
        b.Property(x => x.Url).HasMaxLength(FinancialLimits.Url);
        b.Property(x => x.MetadataJson).HasMaxLength(FinancialLimits.MetadataJson);
        b.HasOne<Profile>().WithMany().HasForeignKey(x => x.ProfileId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.EnvironmentId, x.Uuid }).IsUnique();
        // Query.statements (the profile's, by period) and Account.statements.
        b.HasIndex(x => new { x.ProfileId, x.EnvironmentId, x.EndOn, x.Id });
        b.HasIndex(x => new { x.AccountId, x.EndOn, x.Id });
    }
}

public static class InvestmentLimits
{
    public const int Ticker = 32;
}
