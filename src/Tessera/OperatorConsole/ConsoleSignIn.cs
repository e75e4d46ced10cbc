using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Audit;
using Tessera.Data;
using Tessera.Security;

namespace Tessera.OperatorConsole;

/// <summary>
/// Sign-in links, console sessions and their CSRF tokens. A link or a cookie is <c>id.secret</c>: the id finds the
/// row, the secret is compared with the stored SHA-256 in constant time (the secrets carry 256 random bits, so a
/// fast hash is enough: <see cref="SecretHasher"/>).
/// </summary>
public sealed class ConsoleSignIn(TesseraDbContext db, AuditLog audit, IOptions<ConsoleOptions> options, TimeProvider clock)
{
    public sealed record CreatedLink(ConsoleLink Link, string Token);

    public sealed record OpenedSession(ConsoleSession Session, string CookieValue);

    /// <summary>A new single-use link for <paramref name="operatorName"/>; the token exists in clear only in the return value.</summary>
    public async Task<CreatedLink> CreateLinkAsync(string operatorName, ConsoleRole role, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var secret = Ids.RandomBase62(43);
        var link = new ConsoleLink
        {
            Id = Ids.New(ConsoleLink.IdPrefix),
            SecretHash = SecretHasher.Hash(secret),
            Operator = operatorName,
            Role = role,
            CreatedAt = now,
            ExpiresAt = now + options.Value.LinkLifetime,
        };
        db.ConsoleLinks.Add(link);
        audit.Record(ConsoleAuditActions.LinkCreated, "cli", environmentId: null, subject: link.Id, detail: $"operator {operatorName}, role {Name(role)}");
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedLink(link, link.Id + "." + secret);
    }

    /// <summary>
    /// Opens the link once: the update that marks it used is conditional on it being unused and unexpired, so of
    /// two concurrent requests only the one whose update changed a row gets a session. Null for anything else.
    /// </summary>
    public async Task<OpenedSession?> OpenAsync(string? token, string? ip, string? userAgent, CancellationToken cancellationToken)
    {
        if (!TrySplit(token, ConsoleLink.IdPrefix, out var id, out var secret)) return null;
        var now = clock.GetUtcNow().UtcDateTime;
        var link = await db.ConsoleLinks.AsNoTracking().FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (link is null || !SecretHasher.Matches(secret, link.SecretHash) || !ConsoleAccess.LinkIsOpenable(link, now)) return null;

        await using var transaction = await db.BeginWriteTransactionAsync(cancellationToken);
        var claimed = await db.ConsoleLinks
            .Where(l => l.Id == id && l.UsedAt == null && l.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.UsedAt, now), cancellationToken);
        if (claimed != 1) return null;

        var sessionSecret = Ids.RandomBase62(43);
        var session = new ConsoleSession
        {
            Id = Ids.New(ConsoleSession.IdPrefix),
            SecretHash = SecretHasher.Hash(sessionSecret),
            Operator = link.Operator,
            Role = link.Role,
            LinkId = link.Id,
            CreatedAt = now,
            LastSeenAt = now,
            IpAddress = ip,
            UserAgent = userAgent is { Length: > 512 } ? userAgent[..512] : userAgent,
        };
        db.ConsoleSessions.Add(session);
        audit.Record(ConsoleAuditActions.SessionOpened, ConsoleAccess.Actor(link.Operator), environmentId: null, ip: ip, subject: session.Id, detail: $"role {Name(link.Role)}");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new OpenedSession(session, session.Id + "." + sessionSecret);
    }

    /// <summary>The session the cookie names when its secret matches (whatever its state: <see cref="ConsoleAccess"/> decides); else null.</summary>
    public async Task<ConsoleSession?> FindAsync(string? cookieValue, CancellationToken cancellationToken)
    {
        if (!TrySplit(cookieValue, ConsoleSession.IdPrefix, out var id, out var secret)) return null;
        var session = await db.ConsoleSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        return session is not null && SecretHasher.Matches(secret, session.SecretHash) ? session : null;
    }

    /// <summary>Moves the idle deadline on: called for every request the session is allowed.</summary>
    public Task TouchAsync(ConsoleSession session, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        session.LastSeenAt = now;
        return db.ConsoleSessions.Where(s => s.Id == session.Id && s.LastSeenAt < now)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now), cancellationToken);
    }

    public async Task SignOutAsync(ConsoleSession session, string? ip, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await db.ConsoleSessions.Where(s => s.Id == session.Id && s.SignedOutAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.SignedOutAt, now), cancellationToken);
        await audit.RecordNowAsync(ConsoleAuditActions.SignedOut, ConsoleAccess.Actor(session.Operator), null, ip: ip, subject: session.Id, cancellationToken: cancellationToken);
    }

    /// <summary>Ends a session from the CLI. False when there is no such live session.</summary>
    public async Task<bool> RevokeAsync(string id, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var revoked = await db.ConsoleSessions.Where(s => s.Id == id && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now), cancellationToken);
        if (revoked == 0) return false;
        await audit.RecordNowAsync(ConsoleAuditActions.SessionRevoked, "cli", null, subject: id, cancellationToken: cancellationToken);
        return true;
    }

    public Task<List<ConsoleSession>> ListAsync(int limit, CancellationToken cancellationToken) =>
        db.ConsoleSessions.AsNoTracking().OrderByDescending(s => s.CreatedAt).Take(limit).ToListAsync(cancellationToken);

    /// <summary>
    /// The synchronizer token of a session: an HMAC of a fixed label keyed by the cookie's secret. Pages embed it in
    /// every form; a cross-site page cannot read it (nor the HttpOnly cookie it derives from), and nothing is stored.
    /// </summary>
    public static string CsrfToken(string cookieValue)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(cookieValue), "tessera-console-csrf"u8);
        return Convert.ToBase64String(mac).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static bool CsrfTokenMatches(string cookieValue, string? submitted) =>
        submitted is { Length: > 0 and <= 128 } && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(CsrfToken(cookieValue)), Encoding.ASCII.GetBytes(submitted));

    public static string Name(ConsoleRole role) => role == ConsoleRole.Admin ? "admin" : "viewer";

    private static bool TrySplit(string? value, string prefix, out string id, out string secret)
    {
        id = secret = "";
        if (value is null || value.Length > 200) return false;
        var dot = value.IndexOf('.');
        if (dot <= 0 || !value.StartsWith(prefix, StringComparison.Ordinal)) return false;
        id = value[..dot];
        secret = value[(dot + 1)..];
        return secret.Length > 0;
    }
}

/// <summary>Audit actions of the console's own access (changes made in it use the actions of what they change).</summary>
public static class ConsoleAuditActions
{
    public const string LinkCreated = "console.link_created";
    public const string SessionOpened = "console.session_opened";
    public const string SignedOut = "console.signed_out";
    public const string SessionRevoked = "console.session_revoked";
    public const string EnvironmentCreated = "environment.created";
    public const string ClientUpdated = "client.updated";
    public const string WebhookReplayed = "webhook.replayed";
}
