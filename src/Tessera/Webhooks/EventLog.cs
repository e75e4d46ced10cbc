using System.Text.Json;
using Tessera.Data;
using Tessera.Http;
using Tessera.Security;

namespace Tessera.Webhooks;

/// <summary>The event types Tessera emits; a subscription may also name a parent scope (<c>profile</c>, <c>connection.synced</c>).</summary>
public static class EventTypes
{
    public const string ProfileCreated = "profile.created";
    public const string ProfileDeleted = "profile.deleted";
    public const string ProfileVerified = "profile.verified";
    public const string SessionRevoked = "session.revoked";
    public const string ConnectionCreated = "connection.created";
    public const string ConnectionSyncedSuccessful = "connection.synced.successful";
    public const string ConnectionDisconnected = "connection.disconnected";
    public const string AccountCreated = "account.created";
    public const string BalanceCreated = "balance.created";
    public const string StatementReady = "statement.ready";

    public static readonly IReadOnlyList<string> All =
        [ProfileCreated, ProfileDeleted, ProfileVerified, SessionRevoked, ConnectionCreated, ConnectionSyncedSuccessful, ConnectionDisconnected, AccountCreated, BalanceCreated, StatementReady];

    /// <summary>Every type and every parent scope of one (<c>connection</c>, <c>connection.synced</c>).</summary>
    public static readonly IReadOnlySet<string> Subscribable = All
        .SelectMany(t => Enumerable.Range(1, t.Count(c => c == '.') + 1).Select(n => string.Join('.', t.Split('.').Take(n))))
        .ToHashSet(StringComparer.Ordinal);
}

/// <summary>
/// Records events into the caller's unit of work: <see cref="Record"/> only adds a row to the caller's
/// <see cref="TesseraDbContext"/>, so the event commits with the change that caused it, or not at all.
/// </summary>
public static class EventLog
{
    public const string IdPrefix = "evt_";

    public static WebhookEvent Record(TesseraDbContext db, string type, string environmentId, string? profileId, object record, DateTime at)
    {
        var evt = New(type, environmentId, profileId, record, at);
        db.WebhookEvents.Add(evt);
        return evt;
    }

    /// <summary>The event row, for writers outside EF (<see cref="Data.IWriteUnit"/>) to insert with their change.</summary>
    public static WebhookEvent New(string type, string environmentId, string? profileId, object record, DateTime at) =>
        new()
        {
            Id = Ids.New(IdPrefix),
            EnvironmentId = environmentId,
            Type = type,
            ProfileId = profileId,
            RecordJson = JsonSerializer.Serialize(record, TesseraJson.Options),
            OccurredAt = at,
        };

    /// <summary>The record of <c>statement.ready</c>. No url: a mock statement's expires long before a delivery is retried.</summary>
    internal static object StatementRecord(string id, FinancialData.Statement statement) => new { id, uuid = statement.Uuid, accountId = statement.AccountId };

    /// <summary>The mock bank's rows: a connection, its accounts and balances, and its first sync.</summary>
    public static void RecordMockBank(TesseraDbContext db, FinancialData.MockBank.Plan plan, DateTime at)
    {
        var c = plan.Connection;
        Record(db, EventTypes.ConnectionCreated, c.EnvironmentId, c.ProfileId, new { id = c.Id, uuid = c.Uuid }, at);
        foreach (var a in plan.Accounts) Record(db, EventTypes.AccountCreated, a.EnvironmentId, a.ProfileId, new { id = a.Id, uuid = a.Uuid, connectionId = a.ConnectionId }, at);
        foreach (var b in plan.Balances) Record(db, EventTypes.BalanceCreated, b.EnvironmentId, b.ProfileId, new { id = b.Id, uuid = b.Uuid, accountId = b.AccountId }, at);
        foreach (var s in plan.Statements) Record(db, EventTypes.StatementReady, s.EnvironmentId, s.ProfileId, StatementRecord(s.Id, s), at);
        Record(db, EventTypes.ConnectionSyncedSuccessful, c.EnvironmentId, c.ProfileId, new { id = c.Id, uuid = c.Uuid }, at);
    }
}
