using Microsoft.EntityFrameworkCore;
using Tessera.Data;

namespace Tessera.Audit;

/// <summary>
/// Appends security events through the caller's DbContext, so an event commits with the change it describes (or
/// not at all). Never pass a secret, passcode or token: ids only.
/// </summary>
public sealed class AuditLog(TesseraDbContext db, TimeProvider clock)
{
    public void Record(string action, string actor, string? environmentId, string? profileId = null, string? ip = null, string? subject = null, string? detail = null) =>
        db.AuditEvents.Add(NewEvent(clock.GetUtcNow().UtcDateTime, action, actor, environmentId, profileId, ip, subject, detail));

    /// <summary>The event as it is stored, for writers that insert it themselves (the issuance writers outside EF).</summary>
    public static AuditEvent NewEvent(DateTime at, string action, string actor, string? environmentId, string? profileId = null, string? ip = null, string? subject = null, string? detail = null) =>
        new()
        {
            At = at,
            Action = action,
            Actor = actor,
            EnvironmentId = environmentId,
            ProfileId = profileId,
            IpAddress = ip,
            Subject = subject,
            Detail = detail is { Length: > 1000 } ? detail[..1000] : detail,
        };

    /// <summary>Inserts the event through a SQLite writer outside EF (<see cref="SqliteGroupCommit"/>).</summary>
    public static void Insert(SqliteWriter writer, AuditEvent e) =>
        writer.Execute("INSERT INTO audit_events (at, action, environment_id, profile_id, actor, ip_address, subject, detail) " +
                       "VALUES ($at, $action, $environment, $profile, $actor, $ip, $subject, $detail)",
            e.At, e.Action, e.EnvironmentId, e.ProfileId, e.Actor, e.IpAddress, e.Subject, e.Detail);

    /// <summary>The same insert for a PostgreSQL batch outside EF.</summary>
    internal static Npgsql.NpgsqlBatchCommand PostgresInsert(AuditEvent e) =>
        PostgresStatement.Of("INSERT INTO audit_events (at, action, environment_id, profile_id, actor, ip_address, subject, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            e.At, e.Action, e.EnvironmentId, e.ProfileId, e.Actor, e.IpAddress, e.Subject, e.Detail);

    /// <summary>Records and saves at once, for events with no other change to ride on (a refused request).</summary>
    public async Task RecordNowAsync(string action, string actor, string? environmentId, string? profileId = null, string? ip = null, string? subject = null, string? detail = null, CancellationToken cancellationToken = default)
    {
        Record(action, actor, environmentId, profileId, ip, subject, detail);
        await db.SaveChangesAsync(cancellationToken);
    }

    public Task<List<AuditEvent>> ReadAsync(string environmentId, string? profileId, DateTime? since, int limit, CancellationToken cancellationToken) =>
        db.AuditEvents.AsNoTracking()
            .Where(e => e.EnvironmentId == environmentId && (profileId == null || e.ProfileId == profileId) && (since == null || e.At >= since))
            .OrderByDescending(e => e.Id).Take(limit).ToListAsync(cancellationToken);
}
