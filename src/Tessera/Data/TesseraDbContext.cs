using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Tessera.ApiKeys;
using Tessera.Clients;
using Tessera.Delivery;
using Tessera.Environments;
using Tessera.Passcodes;
using Tessera.Profiles;
using Tessera.Sessions;

namespace Tessera.Data;

/// <summary>
/// The one DbContext. Tables and columns are snake_case so both databases read naturally. Features may add their
/// DbSets in a partial file of their own (<c>TesseraDbContext.Feature.cs</c>) and their configurations anywhere in
/// the assembly: they are picked up by <c>ApplyConfigurationsFromAssembly</c>.
/// </summary>
public sealed partial class TesseraDbContext(DbContextOptions<TesseraDbContext> options) : DbContext(options)
{
    public DbSet<TesseraEnvironment> Environments => Set<TesseraEnvironment>();
    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<Client> Clients => Set<Client>();
    public DbSet<Profile> Profiles => Set<Profile>();
    public DbSet<Session> Sessions => Set<Session>();
    public DbSet<Revocation> Revocations => Set<Revocation>();
    public DbSet<PasscodeChallenge> PasscodeChallenges => Set<PasscodeChallenge>();
    public DbSet<PasscodeFailure> PasscodeFailures => Set<PasscodeFailure>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    private bool? _isPostgres;

    /// <summary>
    /// Whether this context runs on PostgreSQL (else SQLite), asked once per context: <c>Database.IsNpgsql()</c> reads
    /// the provider's assembly name, an allocation on every call of the hot paths that branch on it. A pooled context
    /// never changes provider.
    /// </summary>
    public bool IsPostgres => _isPostgres ??= Database.IsNpgsql();

    /// <summary>The other provider: see <see cref="IsPostgres"/>.</summary>
    public bool IsSqlite => !IsPostgres;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(TesseraDbContext).Assembly);

        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase.From(property.Name));
                if (property.ClrType == typeof(DateTime)) property.SetValueConverter(UtcConverter);
                else if (property.ClrType == typeof(DateTime?)) property.SetValueConverter(NullableUtcConverter);
            }
        }
    }

    // SQLite hands back DateTime with an unspecified kind; every timestamp in Tessera is UTC.
    private static readonly ValueConverter<DateTime, DateTime> UtcConverter = new(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    private static readonly ValueConverter<DateTime?, DateTime?> NullableUtcConverter = new(
        v => v.HasValue ? (v.Value.Kind == DateTimeKind.Utc ? v : v.Value.ToUniversalTime()) : v,
        v => v.HasValue ? DateTime.SpecifyKind(v.Value, DateTimeKind.Utc) : v);
}

internal static class SnakeCase
{
    public static string From(string name)
    {
        var builder = new System.Text.StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]))) builder.Append('_');
                builder.Append(char.ToLowerInvariant(c));
            }
            else builder.Append(c);
        }
        return builder.ToString();
    }
}

internal sealed class EnvironmentConfiguration : IEntityTypeConfiguration<TesseraEnvironment>
{
    public void Configure(EntityTypeBuilder<TesseraEnvironment> b)
    {
        b.ToTable("environments");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).HasMaxLength(64);
        b.Property(e => e.Name).HasMaxLength(200);
        b.Property(e => e.Mode).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.MetadataJson).HasMaxLength(16384);
        b.HasIndex(e => e.Name).IsUnique();
    }
}

internal sealed class SigningKeyConfiguration : IEntityTypeConfiguration<SigningKey>
{
    public void Configure(EntityTypeBuilder<SigningKey> b)
    {
        b.ToTable("signing_keys");
        b.HasKey(k => k.Id);
        b.Property(k => k.Id).HasMaxLength(64);
        b.Property(k => k.EnvironmentId).HasMaxLength(64);
        b.Property(k => k.ProtectedKey).HasMaxLength(256);
        b.Property(k => k.Algorithm).HasMaxLength(16).HasDefaultValue(SigningAlgorithms.HS512);
        b.Property(k => k.PublicKey).HasMaxLength(1024);
        b.HasOne<TesseraEnvironment>().WithMany().HasForeignKey(k => k.EnvironmentId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(k => k.EnvironmentId);
    }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.ToTable("api_keys");
        b.HasKey(k => k.Id);
        b.Property(k => k.Id).HasMaxLength(64);
        b.Property(k => k.EnvironmentId).HasMaxLength(64);
        b.Property(k => k.Name).HasMaxLength(200);
        b.Property(k => k.SecretHash).HasMaxLength(32);
        b.Property(k => k.SecretHint).HasMaxLength(16);
        b.Property(k => k.MetadataJson).HasMaxLength(16384);
        b.HasOne<TesseraEnvironment>().WithMany().HasForeignKey(k => k.EnvironmentId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(k => k.SecretHash).IsUnique();
        b.HasIndex(k => k.EnvironmentId);
    }
}

internal sealed class ClientConfiguration : IEntityTypeConfiguration<Client>
{
    public void Configure(EntityTypeBuilder<Client> b)
    {
        b.ToTable("clients");
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).HasMaxLength(64);
        b.Property(c => c.EnvironmentId).HasMaxLength(64);
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.Strategy).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.AllowedOrigins).HasMaxLength(4096);
        b.HasOne<TesseraEnvironment>().WithMany().HasForeignKey(c => c.EnvironmentId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => c.EnvironmentId);
    }
}

internal sealed class ProfileConfiguration : IEntityTypeConfiguration<Profile>
{
    public void Configure(EntityTypeBuilder<Profile> b)
    {
        b.ToTable("profiles");
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).HasMaxLength(64);
        b.Property(p => p.EnvironmentId).HasMaxLength(64);
        b.Property(p => p.Email).HasMaxLength(320);
        b.Property(p => p.Phone).HasMaxLength(16);
        b.Property(p => p.Name).HasMaxLength(200);
        b.Property(p => p.FirstName).HasMaxLength(100);
        b.Property(p => p.LastName).HasMaxLength(100);
        b.Property(p => p.DateOfBirth).HasMaxLength(10);
        b.Property(p => p.AddressLine1).HasMaxLength(200);
        b.Property(p => p.AddressLine2).HasMaxLength(200);
        b.Property(p => p.AddressCity).HasMaxLength(100);
        b.Property(p => p.AddressState).HasMaxLength(100);
        b.Property(p => p.AddressPostalCode).HasMaxLength(20);
        b.Property(p => p.AddressCountryCode).HasMaxLength(2);
        b.Property(p => p.MetadataJson).HasMaxLength(32768);
        b.HasOne<TesseraEnvironment>().WithMany().HasForeignKey(p => p.EnvironmentId).OnDelete(DeleteBehavior.Cascade);
        // The domain's uniqueness rules live in the database, so concurrent requests cannot break them.
        b.HasIndex(p => new { p.EnvironmentId, p.Uuid }).IsUnique();
        b.HasIndex(p => new { p.EnvironmentId, p.Email }).IsUnique();
        b.HasIndex(p => new { p.EnvironmentId, p.Phone }).IsUnique();
        b.HasIndex(p => new { p.EnvironmentId, p.CreatedAt, p.Id });
    }
}

internal sealed class SessionConfiguration : IEntityTypeConfiguration<Session>
{
    public void Configure(EntityTypeBuilder<Session> b)
    {
        b.ToTable("sessions");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.EnvironmentId).HasMaxLength(64);
        b.Property(s => s.ProfileId).HasMaxLength(64);
        b.Property(s => s.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(s => s.IssuedBy).HasMaxLength(64);
        b.Property(s => s.ClientId).HasMaxLength(64);
        b.Property(s => s.IpAddress).HasMaxLength(64);
        b.Property(s => s.UserAgent).HasMaxLength(512);
        b.HasOne<Profile>().WithMany().HasForeignKey(s => s.ProfileId).OnDelete(DeleteBehavior.Cascade);
        // Serves the issuance limit's count and "revoke every session of a profile".
        b.HasIndex(s => new { s.ProfileId, s.IssuedAt });
    }
}

internal sealed class RevocationConfiguration : IEntityTypeConfiguration<Revocation>
{
    public void Configure(EntityTypeBuilder<Revocation> b)
    {
        b.ToTable("revocations");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).ValueGeneratedOnAdd();
        b.Property(r => r.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.Subject).HasMaxLength(64);
        b.HasIndex(r => r.ExpiresAt);
    }
}

internal sealed class PasscodeChallengeConfiguration : IEntityTypeConfiguration<PasscodeChallenge>
{
    public void Configure(EntityTypeBuilder<PasscodeChallenge> b)
    {
        b.ToTable("passcode_challenges");
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).ValueGeneratedNever();
        b.Property(c => c.EnvironmentId).HasMaxLength(64);
        b.Property(c => c.ClientId).HasMaxLength(64);
        b.Property(c => c.Identifier).HasMaxLength(320);
        b.Property(c => c.ProfileId).HasMaxLength(64);
        b.Property(c => c.CodeHash).HasMaxLength(32);
        b.Property(c => c.IpAddress).HasMaxLength(64);
        b.HasOne<TesseraEnvironment>().WithMany().HasForeignKey(c => c.EnvironmentId).OnDelete(DeleteBehavior.Cascade);
        // The newest challenge of an identifier; the resend cooldown.
        b.HasIndex(c => new { c.EnvironmentId, c.Identifier, c.CreatedAt });
        // The per-IP and per-environment send limits.
        b.HasIndex(c => new { c.IpAddress, c.CreatedAt });
        b.HasIndex(c => new { c.EnvironmentId, c.CreatedAt });
    }
}

internal sealed class PasscodeFailureConfiguration : IEntityTypeConfiguration<PasscodeFailure>
{
    public void Configure(EntityTypeBuilder<PasscodeFailure> b)
    {
        b.ToTable("passcode_failures");
        b.HasKey(f => f.Id);
        b.Property(f => f.Id).ValueGeneratedOnAdd();
        b.Property(f => f.EnvironmentId).HasMaxLength(64);
        b.Property(f => f.Identifier).HasMaxLength(320);
        b.Property(f => f.IpNetwork).HasMaxLength(64);
        b.HasIndex(f => new { f.EnvironmentId, f.Identifier, f.At });
        b.HasIndex(f => new { f.IpNetwork, f.At });
    }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.ToTable("outbox_messages");
        b.HasKey(m => m.Id);
        b.Property(m => m.Id).ValueGeneratedNever();
        b.Property(m => m.EnvironmentId).HasMaxLength(64);
        b.Property(m => m.Channel).HasConversion<string>().HasMaxLength(16);
        b.Property(m => m.Recipient).HasMaxLength(320);
        b.Property(m => m.Purpose).HasMaxLength(32);
        b.Property(m => m.ProtectedContent).HasMaxLength(65536);
        b.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(m => m.LockedBy).HasMaxLength(64);
        b.Property(m => m.LastError).HasMaxLength(1000);
        b.HasOne<TesseraEnvironment>().WithMany().HasForeignKey(m => m.EnvironmentId).OnDelete(DeleteBehavior.Cascade);
        // What the dispatcher polls: due pending messages.
        b.HasIndex(m => new { m.Status, m.NextAttemptAt });
        b.HasIndex(m => new { m.EnvironmentId, m.CreatedAt });
    }
}
