using Microsoft.EntityFrameworkCore;
using Tessera.Data;

namespace Tessera.Webhooks;

/// <summary>Replaying a delivery, for the API and the console alike.</summary>
public static class WebhookReplay
{
    public enum Outcome
    {
        Queued,
        NotFound,
        StillPending,
    }

    /// <summary>
    /// Queues a new delivery of the same event to the same subscription, after everything pending for the profile:
    /// a replay never jumps the queue. A delivery still pending cannot be replayed. The caller has already checked
    /// that the subscription is in its environment.
    /// </summary>
    public static async Task<(Outcome Outcome, WebhookDelivery? Replay)> ReplayAsync(TesseraDbContext db, TimeProvider clock, string subscriptionId, string deliveryId, CancellationToken cancellationToken)
    {
        var original = await db.WebhookDeliveries.AsNoTracking().FirstOrDefaultAsync(d => d.SubscriptionId == subscriptionId && d.Id == deliveryId, cancellationToken);
        if (original is null) return (Outcome.NotFound, null);
        if (original.Status == WebhookDeliveryStatus.Pending) return (Outcome.StillPending, null);
        var replay = WebhookDispatcher.NewDelivery(subscriptionId, original.EnvironmentId, original.EventId, original.EventType, original.OrderingKey, clock.GetUtcNow().UtcDateTime, original.Id);
        db.WebhookDeliveries.Add(replay);
        await db.SaveChangesAsync(cancellationToken);
        return (Outcome.Queued, replay);
    }
}
