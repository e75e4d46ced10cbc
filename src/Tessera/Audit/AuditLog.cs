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

    /// <summary>The event as it is stored, for writers outside EF (<see cref="IWriteUnit"/>) to insert with their change.</summary>
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
