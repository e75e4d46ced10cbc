using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tessera.Environments;

namespace Tessera.Webhooks;

/// <summary>
/// Something that happened, written in the same transaction as the change that caused it (see <see cref="EventLog"/>).
/// <see cref="Seq"/> orders events; <see cref="FannedOutAt"/> says the dispatcher has turned it into deliveries.
/// </summary>
public sealed class WebhookEvent
{
    public long Seq { get; set; }
    public required string Id { get; init; }
    public required string EnvironmentId { get; init; }
    public required string Type { get; init; }
    public string? ProfileId { get; init; }
    public required string RecordJson { get; init; }
    public DateTime OccurredAt { get; init; }
    public DateTime? FannedOutAt { get; set; }
}

public sealed class WebhookSubscription
{
    public const string IdPrefix = "wh_";
    public const string SecretPrefix = "whsec_";

    public required string Id { get; init; }
    public required string EnvironmentId { get; init; }
    public required string Name { get; set; }
    public required string TargetUrl { get; set; }
    /// <summary>Space-separated event types or parent scopes (<c>profile</c> covers <c>profile.created</c>).</summary>
    public required string EventTypes { get; set; }
    public required byte[] ProtectedSecret { get; init; }
    public bool Disabled { get; set; }
    public string? DisabledReason { get; set; }
    /// <summary>When the current run of consecutive failed attempts began; null after a success.</summary>
    public DateTime? FailingSince { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }

    public IReadOnlyList<string> EventTypeList => EventTypes.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public bool Matches(string eventType) =>
        EventTypeList.Any(t => t == eventType || eventType.StartsWith(t + ".", StringComparison.Ordinal));
}

public enum WebhookDeliveryStatus
{
    Pending,
    Succeeded,
    Failed,
}

/// <summary>One event to one subscription. <see cref="Seq"/> is the order within a subscription and ordering key.</summary>
public sealed class WebhookDelivery : Data.ILeasedJob
{
    public const string IdPrefix = "dlv_";

    public long Seq { get; set; }
    public required string Id { get; init; }
    public required string SubscriptionId { get; init; }
    public required string EnvironmentId { get; init; }
    public required string EventId { get; init; }
    public required string EventType { get; init; }
    /// <summary>The profile id (or, for an event without a profile, the event id): deliveries sharing it go in order.</summary>
    public required string OrderingKey { get; init; }
    public WebhookDeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public string? LockedBy { get; set; }
    public DateTime? LockedUntil { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public string? ReplayOf { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? CompletedAt { get; set; }
}

/// <summary>One HTTP attempt of a delivery, kept for the record.</summary>
public sealed class WebhookAttempt
{
    public long Id { get; set; }
    public required string DeliveryId { get; init; }
    public DateTime At { get; init; }
    public int? StatusCode { get; init; }
    public string? Error { get; init; }
    public int DurationMs { get; init; }
    public required string Instance { get; init; }
}

internal sealed class WebhookEventConfiguration : IEntityTypeConfiguration<WebhookEvent>
{
    public void Configure(EntityTypeBuilder<WebhookEvent> b)
    {
        b.ToTable("events");
        b.HasKey(e => e.Seq);
        b.Property(e => e.Seq).ValueGeneratedOnAdd();
        // Required said outright: with Seq as the key EF's model had Id nullable, while the migrated column is NOT NULL.
        b.Property(e => e.Id).IsRequired().HasMaxLength(64);
        b.Property(e => e.EnvironmentId).HasMaxLength(64);
        b.Property(e => e.Type).HasMaxLength(64);
        b.Property(e => e.ProfileId).HasMaxLength(64);
        b.Property(e => e.RecordJson).HasMaxLength(65536);
        b.HasIndex(e => e.Id).IsUnique();
        b.HasIndex(e => new { e.FannedOutAt, e.Seq });
        b.HasIndex(e => new { e.EnvironmentId, e.OccurredAt });
    }
}

internal sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
{
    public void Configure(EntityTypeBuilder<WebhookSubscription> b)
    {
        b.ToTable("webhook_subscriptions");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).HasMaxLength(64);
        b.Property(s => s.EnvironmentId).HasMaxLength(64);
        b.Property(s => s.Name).HasMaxLength(200);
        b.Property(s => s.TargetUrl).HasMaxLength(2048);
        b.Property(s => s.EventTypes).HasMaxLength(2048);
        b.Property(s => s.ProtectedSecret).HasMaxLength(256);
        b.Property(s => s.DisabledReason).HasMaxLength(1000);
        b.Ignore(s => s.EventTypeList);
        b.HasOne<TesseraEnvironment>().WithMany().HasForeignKey(s => s.EnvironmentId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => new { s.EnvironmentId, s.CreatedAt });
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.ToTable("webhook_deliveries");
        b.HasKey(d => d.Seq);
        b.Property(d => d.Seq).ValueGeneratedOnAdd();
        b.Property(d => d.Id).IsRequired().HasMaxLength(64); // as for the event's Id
        b.Property(d => d.SubscriptionId).HasMaxLength(64);
        b.Property(d => d.EnvironmentId).HasMaxLength(64);
        b.Property(d => d.EventId).HasMaxLength(64);
        b.Property(d => d.EventType).HasMaxLength(64);
        b.Property(d => d.OrderingKey).HasMaxLength(64);
        b.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(d => d.LockedBy).HasMaxLength(64);
        b.Property(d => d.LastError).HasMaxLength(1000);
        b.Property(d => d.ReplayOf).HasMaxLength(64);
        b.HasOne<WebhookSubscription>().WithMany().HasForeignKey(d => d.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(d => d.Id).IsUnique();
        // What the dispatcher polls, and "is an earlier delivery of this profile still pending".
        b.HasIndex(d => new { d.Status, d.NextAttemptAt });
        b.HasIndex(d => new { d.SubscriptionId, d.OrderingKey, d.Status, d.Seq });
        b.HasIndex(d => new { d.SubscriptionId, d.CreatedAt });
    }
}

internal sealed class WebhookAttemptConfiguration : IEntityTypeConfiguration<WebhookAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookAttempt> b)
    {
        b.ToTable("webhook_attempts");
        b.HasKey(a => a.Id);
        b.Property(a => a.Id).ValueGeneratedOnAdd();
        b.Property(a => a.DeliveryId).HasMaxLength(64);
        b.Property(a => a.Error).HasMaxLength(1000);
        b.Property(a => a.Instance).HasMaxLength(64);
        b.HasIndex(a => new { a.DeliveryId, a.At });
    }
}
