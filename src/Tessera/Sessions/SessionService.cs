using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Data;
using Tessera.Environments;
using Tessera.Profiles;

namespace Tessera.Sessions;

/// <summary>Where an issuance request came from, as the session row records it.</summary>
public readonly record struct SessionOrigin(string? IpAddress, string? UserAgent)
{
    public static SessionOrigin Of(HttpContext? http) => http is null ? default
        : new(Http.Credentials.ClientIp(http), Truncate(http.Request.Headers.UserAgent.ToString(), 512));

    private static string? Truncate(string value, int max) => value.Length == 0 ? null : value.Length <= max ? value : value[..max];
}

/// <summary>A freshly issued token and what the API says about it.</summary>
/// <remarks>
/// The token is signed when first read, which callers do after their commit: on SQLite the write transaction holds the
/// one-writer gate, and signing has no reason to keep the next writer waiting.
/// </remarks>
public sealed class IssuedSession(Session session, Guid profileUuid, Func<string> sign)
{
    private string? _token;

    public Session Session { get; } = session;
    public Guid ProfileUuid { get; } = profileUuid;
    public string Token => _token ??= sign();

    /// <summary>A new session row for the profile (not yet added to any context) and its token, signed with <paramref name="key"/>.</summary>
    public static IssuedSession Create(SessionTokenIssuer issuer, SessionTokenOptions options, SigningKeyRing.LoadedKey key, DateTimeOffset now,
        string profileId, Guid profileUuid, SessionKind kind, string issuedBy, string? clientId, SessionOrigin origin)
    {
        var issuedAt = now.ToUnixTimeSeconds();
        var expiresAt = issuedAt + (long)options.Lifetime.TotalSeconds;
        var session = new Session
        {
            Id = Guid.NewGuid(),
            EnvironmentId = key.EnvironmentId,
            ProfileId = profileId,
            Kind = kind,
            IssuedBy = issuedBy,
            ClientId = clientId,
            IssuedAt = now.UtcDateTime,
            ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(expiresAt).UtcDateTime,
            IpAddress = origin.IpAddress,
            UserAgent = origin.UserAgent,
        };
        var claims = new SessionClaims
        {
            SessionId = session.Id, ProfileId = profileId, EnvironmentId = key.EnvironmentId, ClientId = clientId,
            IssuedBy = issuedBy, IssuedAt = issuedAt, NotBefore = issuedAt, ExpiresAt = expiresAt,
        };
        return new IssuedSession(session, profileUuid, () => issuer.Sign(key, claims));
    }
}

/// <summary>The issuance limit's verdict for one profile, with what the <c>Ratelimit-*</c> headers report.</summary>
public readonly record struct IssuanceAllowance(bool Allowed, int Limit, int Remaining, int ResetSeconds)
{
    /// <summary>
    /// The verdict given when the profile's unrevoked sessions were issued at <paramref name="recent"/> (at least every
    /// one of the day before <paramref name="now"/>; earlier ones are not counted).
    /// </summary>
    public static IssuanceAllowance Evaluate(IssuanceLimitOptions limits, List<DateTime> recent, DateTime now)
    {
        var hourAgo = now.AddHours(-1);
        var dayAgo = now.AddDays(-1);
        var lastHour = recent.Where(t => t > hourAgo).Order().ToList();
        var lastDay = recent.Where(t => t > dayAgo).Order().ToList();

        if (lastDay.Count >= limits.PerDay)
            return new IssuanceAllowance(false, limits.PerDay, 0, SecondsUntil(lastDay[lastDay.Count - limits.PerDay].AddDays(1), now));
        if (lastHour.Count >= limits.PerHour)
            return new IssuanceAllowance(false, limits.PerHour, 0, SecondsUntil(lastHour[lastHour.Count - limits.PerHour].AddHours(1), now));
        var reset = lastHour.Count > 0 ? SecondsUntil(lastHour[0].AddHours(1), now) : 3600;
        // Report the tighter of the two budgets, counting the token about to be issued.
        var remaining = Math.Min(limits.PerHour - lastHour.Count, limits.PerDay - lastDay.Count) - 1;
        return new IssuanceAllowance(true, limits.PerHour, remaining, reset);
    }

    public static IssuanceAllowance ForNewProfile(IssuanceLimitOptions limits) =>
        new(true, limits.PerHour, Math.Min(limits.PerHour, limits.PerDay) - 1, 3600);

    private static int SecondsUntil(DateTime when, DateTime now) => Math.Max(1, (int)Math.Ceiling((when - now).TotalSeconds));
}

/// <summary>Issues and revokes sessions. Writes go through the caller's DbContext so they share its transaction.</summary>
public sealed class SessionService(
    TesseraDbContext db,
    SigningKeyRing keys,
    SessionTokenIssuer issuer,
    RevocationList revocations,
    IOptions<SessionTokenOptions> tokenOptions,
    IOptions<IssuanceLimitOptions> limitOptions,
    TimeProvider clock)
{
    /// <summary>
    /// Counts the profile's unrevoked sessions in the last hour and day. Call it inside the transaction that issues,
    /// after locking the profile (<see cref="Profiles.ProfileStore.FindForUpdateAsync"/>), so concurrent requests cannot
    /// both take the last slot.
    /// </summary>
    public async Task<IssuanceAllowance> CheckIssuanceLimitAsync(string profileId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var recent = new List<DateTime>();
        await foreach (var issuedAt in RecentIssuance.For(db)(db, profileId, now.AddDays(-1)).WithCancellation(cancellationToken)) recent.Add(issuedAt);
        return IssuanceAllowance.Evaluate(limitOptions.Value, recent, now);
    }

    /// <summary>The allowance of a profile created in this transaction: it has no sessions yet, so nothing to count.</summary>
    public IssuanceAllowance NewProfileAllowance() => IssuanceAllowance.ForNewProfile(limitOptions.Value);

    // Compiled once: it runs on every issuance, under the profile's lock.
    private static readonly CompiledQuery<Func<TesseraDbContext, string, DateTime, IAsyncEnumerable<DateTime>>> RecentIssuance = new(() =>
        EF.CompileAsyncQuery((TesseraDbContext db, string profileId, DateTime since) =>
            db.Sessions.AsNoTracking().Where(s => s.ProfileId == profileId && s.RevokedAt == null && s.IssuedAt > since).Select(s => s.IssuedAt)));

    /// <summary>Adds a session for <paramref name="profile"/> to the context, its token to be signed when read. The caller saves.</summary>
    public async Task<IssuedSession> IssueAsync(Profile profile, SessionKind kind, string issuedBy, string? clientId, HttpContext? http, CancellationToken cancellationToken)
    {
        var key = await keys.GetActiveAsync(profile.EnvironmentId, cancellationToken);
        var issued = IssuedSession.Create(issuer, tokenOptions.Value, key, clock.GetUtcNow(), profile.Id, profile.Uuid, kind, issuedBy, clientId, SessionOrigin.Of(http));
        db.Sessions.Add(issued.Session);
        return issued;
    }

    /// <summary>Revokes one session everywhere. False when it was already revoked.</summary>
    public async Task<bool> RevokeAsync(SessionClaims claims, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var updated = await db.Sessions
            .Where(s => s.Id == claims.SessionId && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now), cancellationToken);
        var revocation = SessionRevocation(claims.SessionId, DateTimeOffset.FromUnixTimeSeconds(claims.ExpiresAt).UtcDateTime, tokenOptions.Value.ClockSkew, now);
        db.Revocations.Add(revocation);
        if (updated > 0) db.WebhookEvents.Add(RevokedEvent(claims.EnvironmentId, claims.ProfileId, claims.SessionId, now));
        await db.SaveChangesAsync(cancellationToken);
        revocations.Apply(revocation);
        return updated > 0;
    }

    /// <summary>
    /// Marks every live session of the profile revoked and logs one revocation each. Part of the caller's unit of
    /// work: apply <paramref name="applied"/> to the local list after the save commits.
    /// </summary>
    public async Task<List<Revocation>> RevokeAllForProfileAsync(string profileId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var live = await db.Sessions
            .Where(s => s.ProfileId == profileId && s.RevokedAt == null && s.ExpiresAt > now)
            .ToListAsync(cancellationToken);
        var skew = tokenOptions.Value.ClockSkew;
        var logged = new List<Revocation>(live.Count);
        foreach (var session in live)
        {
            session.RevokedAt = now;
            var revocation = SessionRevocation(session.Id, session.ExpiresAt, skew, now);
            db.Revocations.Add(revocation);
            db.WebhookEvents.Add(RevokedEvent(session.EnvironmentId, profileId, session.Id, now));
            logged.Add(revocation);
        }
        return logged;
    }

    /// <summary>The revocation-log entry of one session; kept until no token of it can still be valid.</summary>
    public static Revocation SessionRevocation(Guid sessionId, DateTime sessionExpiresAt, TimeSpan clockSkew, DateTime now) =>
        new() { Kind = RevocationKind.Session, Subject = sessionId.ToString("D"), CreatedAt = now, ExpiresAt = sessionExpiresAt.Add(clockSkew) };

    /// <summary>The <c>session.revoked</c> event, to commit with the revocation.</summary>
    public static Webhooks.WebhookEvent RevokedEvent(string environmentId, string profileId, Guid sessionId, DateTime now) =>
        Webhooks.EventLog.New(Webhooks.EventTypes.SessionRevoked, environmentId, profileId, new { id = sessionId, profileId }, now);

    /// <summary>Logs that every token of the profile is dead for good (it was deleted). Part of the caller's unit of work.</summary>
    public Revocation RevokeProfile(string profileId)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var revocation = new Revocation
        {
            Kind = RevocationKind.Profile,
            Subject = profileId,
            CreatedAt = now,
            ExpiresAt = now.Add(tokenOptions.Value.Lifetime).Add(tokenOptions.Value.ClockSkew),
        };
        db.Revocations.Add(revocation);
        return revocation;
    }

    public void ApplyLocally(IEnumerable<Revocation> applied)
    {
        foreach (var revocation in applied) revocations.Apply(revocation);
    }
}
