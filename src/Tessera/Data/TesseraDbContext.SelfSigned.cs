using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tessera.Audit;
using Tessera.Environments;
using Tessera.SelfSigned;

namespace Tessera.Data;

public sealed partial class TesseraDbContext
{
    public DbSet<SigningSecret> SigningSecrets => Set<SigningSecret>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
}

internal sealed class SigningSecretConfiguration : IEntityTypeConfiguration<SigningSecret>
{
    public void Configure(EntityTypeBuilder<SigningSecret> b)
    {
        b.ToTable("signing_secrets");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).HasMaxLength(64);
        b.Property(s => s.EnvironmentId).HasMaxLength(64);
        b.Property(s => s.ProtectedSecret).HasMaxLength(256);
        b.Property(s => s.SecretHint).HasMaxLength(16);
        b.Property(s => s.Algorithm).HasMaxLength(16);
        b.Property(s => s.PublicKey).HasMaxLength(1024);
        b.HasOne<TesseraEnvironment>().WithMany().HasForeignKey(s => s.EnvironmentId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => s.EnvironmentId);
    }
}

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> b)
    {
        b.ToTable("audit_events");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedOnAdd();
        b.Property(e => e.Action).HasMaxLength(64);
        b.Property(e => e.EnvironmentId).HasMaxLength(64);
        b.Property(e => e.ProfileId).HasMaxLength(64);
        b.Property(e => e.Actor).HasMaxLength(64);
        b.Property(e => e.IpAddress).HasMaxLength(64);
        b.Property(e => e.Subject).HasMaxLength(128);
        b.Property(e => e.Detail).HasMaxLength(1000);
        b.HasIndex(e => new { e.EnvironmentId, e.At });
        b.HasIndex(e => new { e.ProfileId, e.At });
    }
}
