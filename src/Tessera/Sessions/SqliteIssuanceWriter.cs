using Microsoft.Extensions.Options;
using Tessera.Audit;
using Tessera.Data;
using Tessera.Environments;

namespace Tessera.Sessions;

/// <summary>
/// What one request asks of the issuance writers (<see cref="SqliteIssuanceWriter"/>, <see cref="PostgresIssuanceWriter"/>):
/// a token for the environment's profile with this p_ id or uuid, signed with <see cref="Key"/>.
/// </summary>
public sealed record IssuanceRequest(
    SigningKeyRing.LoadedKey Key, string? ProfileId, Guid? ProfileUuid, SessionKind Kind, string IssuedBy, SessionOrigin Origin)
{
    /// <summary>The session row and token for the profile found, with the audit entry that records it: what both writers insert.</summary>
    public (IssuedSession Issued, AuditEvent Audit) NewSession(SessionTokenIssuer issuer, SessionTokenOptions options, string profileId, Guid profileUuid, DateTimeOffset now)
    {
        var issued = IssuedSession.Create(issuer, options, Key, now, profileId, profileUuid, Kind, IssuedBy, clientId: null, Origin);
        var audit = AuditLog.NewEvent(now.UtcDateTime, AuditActions.SessionIssued, IssuedBy, Key.EnvironmentId, profileId, Origin.IpAddress,
            subject: issued.Session.Id.ToString("D"));
        return (issued, audit);
    }
}

/// <summary>An issuance writer's answer. <see cref="NotFound"/> leaves the request to the general path (which may create the profile).</summary>
public abstract record IssuanceOutcome
{
    public sealed record Issued(IssuedSession Session, IssuanceAllowance Allowance) : IssuanceOutcome;
    public sealed record LimitHit(string ProfileId, IssuanceAllowance Allowance) : IssuanceOutcome;
    public sealed record Disabled : IssuanceOutcome;
    public sealed record NotFound : IssuanceOutcome;
}

/// <summary>
/// Server-side issuance for an existing profile on SQLite, through group commit (<see cref="SqliteGroupCommit"/>):
/// SQLite has one writer at a time, and an issuance through EF held it ~0.9 ms, a third of it the commit (WAL frames,
/// checkpoints) and most of the rest commands created and prepared anew (bench/README.md).
/// </summary>
/// <remarks>
/// Correctness is the general path's: the unit runs alone under the database's one-writer gate, so no other writer
/// runs between its limit count and its insert, and it sees the sessions that earlier units inserted.
/// </remarks>
public sealed class SqliteIssuanceWriter(SqliteGroupCommit groupCommit, SessionTokenIssuer issuer, IOptions<SessionTokenOptions> tokenOptions,
    IOptions<IssuanceLimitOptions> limits, TimeProvider clock)
{
    // Constants, not interpolated per call: the writer finds each statement's prepared command by its text.
    private const string ProfileColumns = "SELECT id, uuid, disabled_at IS NOT NULL FROM profiles WHERE environment_id = $environment";
    private const string ProfileById = ProfileColumns + " AND id = $key", ProfileByUuid = ProfileColumns + " AND uuid = $key";

    /// <summary>True on SQLite; PostgreSQL has its own writer (<see cref="PostgresIssuanceWriter"/>).</summary>
    public bool Enabled => groupCommit.Enabled;

    public Task<IssuanceOutcome> IssueAsync(IssuanceRequest request, CancellationToken cancellationToken)
    {
        if (!Enabled) throw new InvalidOperationException("The SQLite issuance writer serves SQLite only.");
        return groupCommit.RunAsync(writer => Issue(writer, request), cancellationToken);
    }

    private IssuanceOutcome Issue(SqliteWriter writer, IssuanceRequest request)
    {
        var now = clock.GetUtcNow();
        var utcNow = now.UtcDateTime;
        string profileId;
        Guid profileUuid;
        using (var profile = request.ProfileId is not null
                   ? writer.Query(ProfileById, request.Key.EnvironmentId, request.ProfileId)
                   : writer.Query(ProfileByUuid, request.Key.EnvironmentId, request.ProfileUuid!.Value))
        {
            if (!profile.Read()) return new IssuanceOutcome.NotFound();
            if (profile.GetBoolean(2)) return new IssuanceOutcome.Disabled();
            profileId = profile.GetString(0);
            profileUuid = profile.GetGuid(1);
        }

        var recent = new List<DateTime>();
        using (var sessions = writer.Query("SELECT issued_at FROM sessions WHERE profile_id = $profile AND revoked_at IS NULL AND issued_at > $since",
                   profileId, utcNow.AddDays(-1)))
        {
            while (sessions.Read()) recent.Add(DateTime.SpecifyKind(sessions.GetDateTime(0), DateTimeKind.Utc));
        }
        var allowance = IssuanceAllowance.Evaluate(limits.Value, recent, utcNow);
        if (!allowance.Allowed) return new IssuanceOutcome.LimitHit(profileId, allowance);

        var (issued, audit) = request.NewSession(issuer, tokenOptions.Value, profileId, profileUuid, now);
        issued.Session.Insert(writer);
        AuditLog.Insert(writer, audit);
        return new IssuanceOutcome.Issued(issued, allowance);
    }
}
