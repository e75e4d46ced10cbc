using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tessera.Profiles;

namespace Tessera.FinancialData;

/// <summary>A link between a profile and one institution, through a provider (or an import), holding accounts.</summary>
public sealed class Connection : IImportedRow
{
    public const string IdPrefix = "conn_";

    public required string Id { get; init; }
    public required string EnvironmentId { get; init; }
    public required string ProfileId { get; init; }
    /// <summary>The customer's own key, unique per environment; imports upsert by it.</summary>
    public Guid? Uuid { get; init; }
    public ConnectionProvider Provider { get; set; }
    public ConnectionStatus Status { get; set; }
    public string? InstitutionId { get; set; }
    public string? InstitutionName { get; set; }
    public string? InstitutionLogoUrl { get; set; }
    public string? MetadataJson { get; set; }
    /// <summary>The provider's payload imported with the record (GraphQL <c>remoteData</c>), as given.</summary>
    public string? RemoteDataJson { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class ConnectionConfiguration : IEntityTypeConfiguration<Connection>
{
    public void Configure(EntityTypeBuilder<Connection> b)
    {
        b.ToTable("connections");
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).HasMaxLength(64);
        b.Property(c => c.EnvironmentId).HasMaxLength(64);
        b.Property(c => c.ProfileId).HasMaxLength(64);
        b.Property(c => c.Provider).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.Status).HasConversion<string>().HasMaxLength(32);
        b.Property(c => c.InstitutionId).HasMaxLength(FinancialLimits.ExternalId);
        b.Property(c => c.InstitutionName).HasMaxLength(FinancialLimits.Name);
        b.Property(c => c.InstitutionLogoUrl).HasMaxLength(FinancialLimits.Url);
        b.Property(c => c.MetadataJson).HasMaxLength(FinancialLimits.MetadataJson);
        b.Property(c => c.RemoteDataJson).HasMaxLength(FinancialLimits.RemoteDataJson);
        // Deleting a profile deletes its financial data, in the database, whatever deletes it.
        b.HasOne<Profile>().WithMany().HasForeignKey(c => c.ProfileId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => new { c.EnvironmentId, c.Uuid }).IsUnique();
        b.HasIndex(c => new { c.ProfileId, c.CreatedAt });
    }
}

/// <summary>Column sizes shared by the entities, the migration and import validation.</summary>
public static class FinancialLimits
{
    public const int ExternalId = 128;
    public const int Name = 200;
    public const int Description = 1000;
    public const int Url = 2048;
    public const int Mask = 32;
    public const int MetadataJson = 32768;
    public const int MetadataKeys = 50;
    /// <summary>A provider payload (<c>remoteData</c>), as JSON text.</summary>
    public const int RemoteDataJson = 262_144;
}
