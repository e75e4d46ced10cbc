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
    private const string ProfileColumns = "SELECT id, uuid, disabled_at IS NOT NULL FROM profiles WHERE environment_id = @environment";
    private const string ProfileById = ProfileColumns + " AND id = @key", ProfileByUuid = ProfileColumns + " AND uuid = @key";
    // SQLite runs one unit at a time and has no row locks to take.
    private const string ForUpdate = " FOR UPDATE";
    private const string Recent = "SELECT issued_at FROM sessions WHERE profile_id = @profile AND revoked_at IS NULL AND issued_at > @since";

    public Task<IssuanceOutcome> IssueAsync(IssuanceRequest request, CancellationToken cancellationToken) =>
        units.RunAsync(unit => IssueUnitAsync(unit, request), cancellationToken);

    private async ValueTask<IssuanceOutcome> IssueUnitAsync(IWriteUnit unit, IssuanceRequest request)
    {
        var byId = request.ProfileId is not null;
        var text = (byId ? ProfileById : ProfileByUuid) + (unit.RunsConcurrently ? ForUpdate : "");
        var found = await unit.ReadAsync(new Sql(text, ("environment", request.Key.EnvironmentId), ("key", byId ? request.ProfileId : (object)request.ProfileUuid!.Value)),
            row => (Id: row.GetString(0), Uuid: row.GetGuid(1), Disabled: row.GetBoolean(2)));
        if (found.Count == 0) return new IssuanceOutcome.NotFound();
        var profile = found[0];
        if (profile.Disabled) return new IssuanceOutcome.Disabled();

        // After the row lock, as its own statement: it sees every session committed by the lock's earlier holders.
        var now = clock.GetUtcNow();
        var utcNow = now.UtcDateTime;
        var recent = await unit.ReadAsync(new Sql(Recent, ("profile", profile.Id), ("since", utcNow.AddDays(-1))),
            row => DateTime.SpecifyKind(row.GetDateTime(0), DateTimeKind.Utc));
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
