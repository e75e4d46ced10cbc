using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tessera.OperatorConsole;

/// <summary>What an operator may do: read everything (viewer) or also change it (admin).</summary>
public enum ConsoleRole
{
    Viewer,
    Admin,
}

/// <summary>A single-use sign-in link printed by <c>tessera console open</c>. Only the hash of its secret is kept.</summary>
public sealed class ConsoleLink
{
    public const string IdPrefix = "csl_";
    public required string Id { get; init; }
    public required byte[] SecretHash { get; init; }
    public required string Operator { get; init; }
    public ConsoleRole Role { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime ExpiresAt { get; init; }
    /// <summary>Set, once, by the request that opened it; a link is never opened twice.</summary>
    public DateTime? UsedAt { get; set; }
}

/// <summary>A browser's console session. The cookie carries id and secret; only the secret's hash is kept.</summary>
public sealed class ConsoleSession
{
    public const string IdPrefix = "css_";
    public required string Id { get; init; }
    public required byte[] SecretHash { get; init; }
    public required string Operator { get; init; }
    public ConsoleRole Role { get; init; }
    public required string LinkId { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime LastSeenAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public DateTime? SignedOutAt { get; set; }
    public string? IpAddress { get; init; }
    public string? UserAgent { get; init; }
}

internal sealed class ConsoleLinkConfiguration : IEntityTypeConfiguration<ConsoleLink>
{
    public void Configure(EntityTypeBuilder<ConsoleLink> b)
    {
        b.ToTable("console_links");
        b.HasKey(l => l.Id);
        b.Property(l => l.Id).HasMaxLength(64);
        b.Property(l => l.SecretHash).HasMaxLength(32);
        b.Property(l => l.Operator).HasMaxLength(48);
        b.Property(l => l.Role).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(l => l.ExpiresAt);
    }
}

internal sealed class ConsoleSessionConfiguration : IEntityTypeConfiguration<ConsoleSession>
{
    public void Configure(EntityTypeBuilder<ConsoleSession> b)
    {
        b.ToTable("console_sessions");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).HasMaxLength(64);
        b.Property(s => s.SecretHash).HasMaxLength(32);
        b.Property(s => s.Operator).HasMaxLength(48);
        b.Property(s => s.Role).HasConversion<string>().HasMaxLength(16);
        b.Property(s => s.LinkId).HasMaxLength(64);
        b.Property(s => s.IpAddress).HasMaxLength(64);
        b.Property(s => s.UserAgent).HasMaxLength(512);
        b.HasIndex(s => s.CreatedAt);
    }
}
