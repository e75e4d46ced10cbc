using Microsoft.Extensions.Options;
using Tessera.Audit;
using Tessera.Data;
using Tessera.Environments;

namespace Tessera.Sessions;

/// <summary>What one request asks: a token for the environment's profile with this p_ id or uuid, signed with <see cref="Key"/>.</summary>
public sealed record IssuanceRequest(
    SigningKeyRing.LoadedKey Key, string? ProfileId, Guid? ProfileUuid, SessionKind Kind, string IssuedBy, SessionOrigin Origin);

/// <summary>The answer of <see cref="ProfileIssuance"/>. <see cref="NotFound"/> leaves the request to the general path (which may create the profile).</summary>
public abstract record IssuanceOutcome
{
    public sealed record Issued(IssuedSession Session, IssuanceAllowance Allowance) : IssuanceOutcome;
    public sealed record LimitHit(string ProfileId, IssuanceAllowance Allowance) : IssuanceOutcome;
    public sealed record Disabled : IssuanceOutcome;
    public sealed record NotFound : IssuanceOutcome;
}

/// <summary>
/// Server-side issuance for a profile that exists, with nothing about it to change: the most frequent call of the API,
/// one <see cref="IWriteUnit"/> on either database. The profile is read under its row lock (PostgreSQL), so concurrent
/// issuers of one profile queue and the limit (<see cref="IssuanceAllowance"/>, the rule the general path also asks) is
/// counted with every earlier token committed.
/// </summary>
public sealed class ProfileIssuance(WriteUnits units, SessionTokenIssuer issuer, IOptions<SessionTokenOptions> tokenOptions,
    IOptions<IssuanceLimitOptions> limits, TimeProvider clock)
{
    private const string ById = " AND id = @key", ByUuid = " AND uuid = @key";
    private const string ProfileColumns = "SELECT id, uuid, disabled_at IS NOT NULL FROM profiles WHERE environment_id = @environment";
    // SQLite runs one unit at a time and has no row locks to take.
    private const string ForUpdate = " FOR UPDATE";
    private const string Recent = "SELECT issued_at FROM sessions WHERE revoked_at IS NULL AND issued_at > @since AND profile_id = " +
        "(SELECT id FROM profiles WHERE environment_id = @environment";

    public Task<IssuanceOutcome> IssueAsync(IssuanceRequest request, CancellationToken cancellationToken) =>
        units.RunAsync(unit => IssueUnitAsync(unit, request), cancellationToken);

    private async ValueTask<IssuanceOutcome> IssueUnitAsync(IWriteUnit unit, IssuanceRequest request)
    {
        var byKey = request.ProfileId is not null ? ById : ByUuid;
        var key = request.ProfileId ?? (object)request.ProfileUuid!.Value;
        // The recent sessions after the row lock, as a statement of their own (it sees every session committed by the
        // lock's earlier holders), in the same round trip. The day counted is the rule's, from the clock read below.
        var (found, recent) = await unit.ReadAsync(
            new Sql(ProfileColumns + byKey + (unit.RunsConcurrently ? ForUpdate : ""), ("environment", request.Key.EnvironmentId), ("key", key)),
            row => (Id: row.GetString(0), Uuid: row.GetGuid(1), Disabled: row.GetBoolean(2)),
            new Sql(Recent + byKey + ")", ("environment", request.Key.EnvironmentId), ("key", key), ("since", clock.GetUtcNow().UtcDateTime.AddDays(-1))),
            row => DateTime.SpecifyKind(row.GetDateTime(0), DateTimeKind.Utc));
        if (found.Count == 0) return new IssuanceOutcome.NotFound();
        var profile = found[0];
        if (profile.Disabled) return new IssuanceOutcome.Disabled();

        var now = clock.GetUtcNow();
        var utcNow = now.UtcDateTime;
        var allowance = IssuanceAllowance.Evaluate(limits.Value, recent, utcNow);
        if (!allowance.Allowed)
        {
            unit.Insert(AuditLog.NewEvent(utcNow, AuditActions.LimitHit, request.IssuedBy, request.Key.EnvironmentId, profile.Id, request.Origin.IpAddress,
                detail: "session issuance"));
            return new IssuanceOutcome.LimitHit(profile.Id, allowance);
        }

        var issued = IssuedSession.Create(issuer, tokenOptions.Value, request.Key, now, profile.Id, profile.Uuid, request.Kind, request.IssuedBy, clientId: null, request.Origin);
        unit.Insert(issued.Session);
        unit.Insert(AuditLog.NewEvent(utcNow, AuditActions.SessionIssued, request.IssuedBy, request.Key.EnvironmentId, profile.Id, request.Origin.IpAddress,
            subject: issued.Session.Id.ToString("D")));
        return new IssuanceOutcome.Issued(issued, allowance);
    }
}
