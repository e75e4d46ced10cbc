using System.ComponentModel.DataAnnotations;

namespace Tessera.Webhooks;

/// <summary>Webhook delivery, bound from <c>Webhooks</c>.</summary>
public sealed class WebhookOptions : IValidatableObject
{
    public const string Section = "Webhooks";

    /// <summary>Run the dispatcher in this process. Defaults to true; false for an instance that only serves the API
    /// (another instance delivers: deliveries live in the database).</summary>
    public bool BackgroundDispatch { get; set; } = true;

    /// <summary>How often each instance looks for events and due deliveries. Defaults to 1 second.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one POST may take before it counts as failed. Defaults to 10 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait after the first failure; it doubles after each further one (±20 % jitter). Defaults to 10 seconds.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between two attempts. Defaults to 1 hour.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a delivery is retried before it is given up (marked failed). Defaults to 3 days; at least 24 hours.</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromDays(3);

    /// <summary>A subscription whose attempts have all failed for this long is disabled. Defaults to 3 days.</summary>
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Sends in flight per instance. Defaults to 16.</summary>
    [Range(1, 256)] public int MaxConcurrency { get; set; } = 16;

    /// <summary>Sends in flight per subscription and instance, so one slow endpoint cannot take every slot. Defaults to 2.</summary>
    [Range(1, 64)] public int MaxConcurrencyPerSubscription { get; set; } = 2;

    /// <summary>How long an instance holds a delivery it is sending: well over <see cref="Timeout"/>. Defaults to 2 minutes.</summary>
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Let subscriptions target loopback, private, link-local and unique-local addresses (a receiver on this host or
    /// its network). Defaults to false, in every environment mode: otherwise anyone with an API key could probe the
    /// host's network through the delivery log. Checked when a subscription is saved and on every connect.
    /// </summary>
    public bool AllowPrivateTargets { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PollInterval <= TimeSpan.Zero || PollInterval > TimeSpan.FromHours(1))
            yield return new ValidationResult("Webhooks:PollInterval must be within (0, 1 h].", [nameof(PollInterval)]);
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(1))
            yield return new ValidationResult("Webhooks:Timeout must be within (0, 1 min].", [nameof(Timeout)]);
        if (RetryBaseDelay <= TimeSpan.Zero || MaxRetryDelay < RetryBaseDelay)
            yield return new ValidationResult("Webhooks:RetryBaseDelay must be positive and at most Webhooks:MaxRetryDelay.", [nameof(RetryBaseDelay)]);
        if (RetryFor < TimeSpan.FromHours(24))
            yield return new ValidationResult("Webhooks:RetryFor must be at least 24 hours.", [nameof(RetryFor)]);
        if (DisableAfter <= TimeSpan.Zero)
            yield return new ValidationResult("Webhooks:DisableAfter must be positive.", [nameof(DisableAfter)]);
        if (LockDuration < Timeout + Timeout)
            yield return new ValidationResult("Webhooks:LockDuration must be at least twice Webhooks:Timeout.", [nameof(LockDuration)]);
    }
}
