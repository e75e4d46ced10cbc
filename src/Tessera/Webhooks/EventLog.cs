using System.Text.Json;
using Tessera.Data;
using Tessera.Http;
using Tessera.Security;

namespace Tessera.Webhooks;

/// <summary>
/// The event types Tessera emits, named as Quiltt names them (docs/adr/0003-webhooks.md); a subscription may also
/// name a parent scope (<c>profile</c>, <c>connection.synced</c>).
/// </summary>
public static class EventTypes
{
    public const string ProfileCreated = "profile.created";
    /// <summary>A sync finished and the profile's data is ready (mock bank, end of an import); metadata names the connection.</summary>
    public const string ProfileReady = "profile.ready";
    public const string ProfileDeleted = "profile.deleted";
    /// <summary>Tessera's own: a sign-in identifier was proven with a passcode.</summary>
    public const string ProfileVerified = "profile.verified";
    /// <summary>Tessera's own: a session was revoked.</summary>
    public const string SessionRevoked = "session.revoked";
    public const string ConnectionCreated = "connection.created";
    /// <summary>A later sync of an existing connection.</summary>
    public const string ConnectionSyncedSuccessful = "connection.synced.successful";
    /// <summary>The first sync of a new connection: its first data is readable.</summary>
    public const string ConnectionSyncedSuccessfulInitial = "connection.synced.successful.initial";
    /// <summary>A new connection's history has been loaded.</summary>
    public const string ConnectionSyncedSuccessfulHistorical = "connection.synced.successful.historical";
    public const string ConnectionDisconnected = "connection.disconnected";
    public const string ConnectionSyncedErroredRepairable = "connection.synced.errored.repairable";
    public const string ConnectionSyncedErroredInstitution = "connection.synced.errored.institution";
    public const string ConnectionSyncedErroredProvider = "connection.synced.errored.provider";
    public const string ConnectionSyncedErroredService = "connection.synced.errored.service";
    public const string AccountCreated = "account.created";
    /// <summary>An account's numbers are available (the mock bank's accounts, imported accounts marked verified).</summary>
    public const string AccountVerified = "account.verified";
    public const string BalanceCreated = "balance.created";
    public const string StatementReady = "statement.ready";

    public static readonly IReadOnlyList<string> All =
    [
        ProfileCreated, ProfileReady, ProfileDeleted, ProfileVerified, SessionRevoked,
        ConnectionCreated, ConnectionSyncedSuccessful, ConnectionSyncedSuccessfulInitial, ConnectionSyncedSuccessfulHistorical, ConnectionDisconnected,
        ConnectionSyncedErroredRepairable, ConnectionSyncedErroredInstitution, ConnectionSyncedErroredProvider, ConnectionSyncedErroredService,
        AccountCreated, AccountVerified, BalanceCreated, StatementReady,
    ];

    /// <summary>
    /// Quiltt's documented subscription types Tessera has no trigger for (yet): accepted, so a subscription written
    /// for Quiltt is saved unchanged, and simply never matched.
    /// </summary>
    public static readonly IReadOnlyList<string> AcceptedFromQuiltt =
    [
        "account.owners_verified", "account.reconnected", "charge.execute",
    ];

    /// <summary>Every type and every parent scope of one (<c>connection</c>, <c>connection.synced</c>).</summary>
    public static readonly IReadOnlySet<string> Subscribable = All.Concat(AcceptedFromQuiltt)
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

    /// <summary>
    /// The mock bank's rows: a connection, its accounts (verified, as a bank's with numbers are) and balances, its
    /// first sync with a year of history, and the profile ready.
    /// </summary>
    public static void RecordMockBank(TesseraDbContext db, FinancialData.MockBank.Plan plan, DateTime at)
    {
        var c = plan.Connection;
        Record(db, EventTypes.ConnectionCreated, c.EnvironmentId, c.ProfileId, new { id = c.Id, uuid = c.Uuid }, at);
        foreach (var a in plan.Accounts) Record(db, EventTypes.AccountCreated, a.EnvironmentId, a.ProfileId, new { id = a.Id, uuid = a.Uuid, connectionId = a.ConnectionId }, at);
        foreach (var a in plan.Accounts.Where(a => a.Verified)) Record(db, EventTypes.AccountVerified, a.EnvironmentId, a.ProfileId, new { id = a.Id, uuid = a.Uuid, connectionId = a.ConnectionId }, at);
        foreach (var b in plan.Balances) Record(db, EventTypes.BalanceCreated, b.EnvironmentId, b.ProfileId, new { id = b.Id, uuid = b.Uuid, accountId = b.AccountId }, at);
        foreach (var s in plan.Statements) Record(db, EventTypes.StatementReady, s.EnvironmentId, s.ProfileId, StatementRecord(s.Id, s), at);
        Record(db, EventTypes.ConnectionSyncedSuccessfulInitial, c.EnvironmentId, c.ProfileId, new { id = c.Id, uuid = c.Uuid }, at);
        Record(db, EventTypes.ConnectionSyncedSuccessfulHistorical, c.EnvironmentId, c.ProfileId, new { id = c.Id, uuid = c.Uuid }, at);
        // The data runs from the first transaction to today (the sync's end), whether or not today has one.
        var today = DateOnly.FromDateTime(at);
        RecordProfileReady(db, c.EnvironmentId, c.ProfileId, c.Id, plan.Transactions.Select(t => t.Date).DefaultIfEmpty(today).Min(), today, at);
    }

    /// <summary><c>profile.ready</c>: the record is the profile; metadata says which connection and dates changed.</summary>
    public static WebhookEvent RecordProfileReady(TesseraDbContext db, string environmentId, string profileId, string connectionId, DateOnly? startDate, DateOnly? endDate, DateTime at) =>
        Record(db, EventTypes.ProfileReady, environmentId, profileId,
            new Dictionary<string, object?> { ["id"] = profileId, [MetadataKey] = ReadyMetadata(connectionId, startDate, endDate) }, at);

    /// <summary>
    /// Where a recorder puts the event's own <c>metadata</c> (Quiltt's event field, not the record's) inside the
    /// stored record; <see cref="WebhookPayload"/> moves it out. A key no record field can have.
    /// </summary>
    public const string MetadataKey = "$metadata";

    private static Dictionary<string, object?> ReadyMetadata(string connectionId, DateOnly? startDate, DateOnly? endDate)
    {
        var metadata = new Dictionary<string, object?> { ["connectionId"] = connectionId };
        if (startDate is { } start && endDate is { } end)
        {
            metadata["startDate"] = start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            metadata["endDate"] = end.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        }
        return metadata;
    }
}
