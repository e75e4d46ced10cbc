using System.Text.Json;
using Tessera.Webhooks;

namespace Tessera.Subscriptions;

/// <summary>
/// One committed event of the event log (<see cref="EventLog"/>), as subscriptions see it: which profile it belongs
/// to, what it is about, when it happened. <see cref="Seq"/> orders it in the log.
/// </summary>
public sealed record SubscriptionEvent(long Seq, string Type, string EnvironmentId, string ProfileId, string RecordId, string? ConnectionId, DateTime OccurredAt);

/// <summary>
/// Which event log types feed which subscription field, and which events a subscription's arguments let through:
/// the one place that decides what a socket is sent.
/// </summary>
public static class SubscriptionEvents
{
    public const string AccountVerified = "accountVerified";
    public const string ConnectionCreated = "connectionCreated";
    public const string ConnectionSynced = "connectionSynced";
    public const string ConnectionUpdated = "connectionUpdated";
    public const string ProfileReady = "profileReady";

    /// <summary>The subscription fields an event type feeds (none for most).</summary>
    public static IReadOnlyList<string> FieldsFor(string eventType) => eventType switch
    {
        EventTypes.AccountVerified => [AccountVerified],
        EventTypes.ConnectionCreated => [ConnectionCreated],
        // The first sync's end and every later one; the historical load of a new connection is the same sync's tail.
        EventTypes.ConnectionSyncedSuccessful or EventTypes.ConnectionSyncedSuccessfulInitial => [ConnectionSynced],
        _ when eventType.StartsWith("connection.synced.errored.", StringComparison.Ordinal) => [ConnectionSynced, ConnectionUpdated],
        EventTypes.ConnectionDisconnected => [ConnectionUpdated],
        EventTypes.ProfileReady => [ProfileReady],
        _ => [],
    };

    /// <summary>Whether a subscription to <paramref name="field"/> with these arguments receives the event.</summary>
    public static bool Matches(string field, IReadOnlyDictionary<string, object?> arguments, SubscriptionEvent evt)
    {
        if (!FieldsFor(evt.Type).Contains(field)) return false;
        return field switch
        {
            AccountVerified => ArgumentAllows(arguments, "accountId", evt.RecordId),
            ConnectionSynced or ConnectionUpdated => ArgumentAllows(arguments, "connectionId", evt.RecordId),
            _ => true,
        };
    }

    /// <summary>True when the argument is absent or null (every record) or names this record.</summary>
    private static bool ArgumentAllows(IReadOnlyDictionary<string, object?> arguments, string name, string recordId) =>
        !arguments.TryGetValue(name, out var value) || value is null || value is string id && string.Equals(id, recordId, StringComparison.Ordinal);

    /// <summary>Whether any subscription field listens to this type: the feed reads only these rows' records.</summary>
    public static bool IsSubscribable(string eventType) => FieldsFor(eventType).Count > 0;

    /// <summary>
    /// The event as subscriptions see it, from the log row; null for an event of no profile or no subscribable type.
    /// The record is what <see cref="EventLog"/> wrote: its <c>id</c>, and for <c>profile.ready</c> the connection in
    /// its metadata.
    /// </summary>
    public static SubscriptionEvent? FromLog(long seq, string type, string environmentId, string? profileId, string recordJson, DateTime occurredAt)
    {
        if (profileId is null || !IsSubscribable(type)) return null;
        try
        {
            using var record = JsonDocument.Parse(recordJson);
            var root = record.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String) return null;
            string? connectionId = null;
            if (root.TryGetProperty("connectionId", out var c) && c.ValueKind == JsonValueKind.String) connectionId = c.GetString();
            else if (root.TryGetProperty(EventLog.MetadataKey, out var metadata) && metadata.ValueKind == JsonValueKind.Object
                     && metadata.TryGetProperty("connectionId", out var mc) && mc.ValueKind == JsonValueKind.String) connectionId = mc.GetString();
            return new SubscriptionEvent(seq, type, environmentId, profileId, id.GetString()!, connectionId, DateTime.SpecifyKind(occurredAt, DateTimeKind.Utc));
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
