using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tessera.Clients;
using Tessera.Environments;

namespace Tessera.Connectors;

/// <summary>
/// A Connector configuration: the id a front end passes to <c>QuilttButton</c>/<c>QuilttContainer</c>. It belongs to
/// one passwordless client, whose environment it serves and whose allowed origins may embed it (ADR 0012).
/// </summary>
public sealed class Connector
{
    public const string IdPrefix = "ctr_";

    public required string Id { get; init; }
    public required string EnvironmentId { get; init; }
    public required string ClientId { get; init; }
    public required string Name { get; set; }
    public DateTime CreatedAt { get; init; }
}

internal sealed class ConnectorConfiguration : IEntityTypeConfiguration<Connector>
{
    public void Configure(EntityTypeBuilder<Connector> b)
    {
        b.ToTable("connectors");
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).HasMaxLength(64);
        b.Property(c => c.EnvironmentId).HasMaxLength(64);
        b.Property(c => c.ClientId).HasMaxLength(64);
        b.Property(c => c.Name).HasMaxLength(200);
        b.HasOne<TesseraEnvironment>().WithMany().HasForeignKey(c => c.EnvironmentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Client>().WithMany().HasForeignKey(c => c.ClientId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => c.EnvironmentId);
        b.HasIndex(c => c.ClientId);
    }
}
