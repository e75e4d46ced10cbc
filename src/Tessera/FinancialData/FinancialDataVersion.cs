using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tessera.Data;
using Tessera.Profiles;

namespace Tessera.FinancialData;

/// <summary>
/// A number that changes in the same database transaction as any write of a profile's connections, accounts,
/// balances or transactions. What is cached from those rows (a count of transactions) is cached with the version it
/// was read at and is used only while the version is unchanged: never stale, on every instance, since each reads
/// the version from the shared database. A profile that was never written has no row: version 0.
/// </summary>
/// <remarks>
/// Every writer of those tables calls <see cref="FinancialDataVersions.BumpAsync"/> before it commits: the importer
/// (per chunk), the mock bank and the GraphQL mutations. Deleting a profile deletes its row with it.
/// </remarks>
public sealed class FinancialDataVersion
{
    public required string ProfileId { get; init; }
    public long Version { get; set; }
}

internal sealed class FinancialDataVersionConfiguration : IEntityTypeConfiguration<FinancialDataVersion>
{
    public void Configure(EntityTypeBuilder<FinancialDataVersion> b)
    {
        b.ToTable("financial_data_versions");
        b.HasKey(v => v.ProfileId);
        b.Property(v => v.ProfileId).HasMaxLength(64);
        b.HasOne<Profile>().WithMany().HasForeignKey(v => v.ProfileId).OnDelete(DeleteBehavior.Cascade);
    }
}

public static class FinancialDataVersions
{
    /// <summary>
    /// Moves the version of each profile on, inside the caller's transaction (call it before committing). One
    /// statement; rows are taken in id order, so two writers touching the same profiles cannot deadlock on them.
    /// </summary>
    public static async Task BumpAsync(TesseraDbContext db, IEnumerable<string> profileIds, CancellationToken cancellationToken)
    {
        var ids = profileIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray<object>();
        if (ids.Length == 0) return;
        // Standard upsert, the same text on SQLite (3.24+) and PostgreSQL; the ids are parameters ({0}, {1}, ...).
        var values = string.Join(", ", ids.Select((_, i) => $"({{{i}}}, 1)"));
        await db.Database.ExecuteSqlAsync(FormattableStringFactory.Create(
            $"INSERT INTO financial_data_versions (profile_id, version) VALUES {values} " +
            "ON CONFLICT (profile_id) DO UPDATE SET version = financial_data_versions.version + 1", ids), cancellationToken);
    }
}
