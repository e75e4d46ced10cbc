namespace Tessera.OperatorConsole;

/// <summary>Why a console request is let through or not.</summary>
public enum ConsoleAccessDecision
{
    Allowed,
    /// <summary>No session: no cookie, an unknown one, or a wrong secret.</summary>
    NoSession,
    Revoked,
    SignedOut,
    IdleExpired,
    AbsoluteExpired,
    /// <summary>A viewer asking for a change.</summary>
    Forbidden,
}

/// <summary>
/// Who may do what in the console, decided once for every request: a pure function of the session read, the clock
/// and the options, so the rule (timeouts at their boundary, viewer vs admin) lives here and only here.
/// </summary>
public static class ConsoleAccess
{
    /// <summary>
    /// <paramref name="needsAdmin"/> is true for every change except signing out. A session is live strictly before
    /// its idle or absolute deadline: at the deadline it is over.
    /// </summary>
    public static ConsoleAccessDecision Decide(ConsoleSession? session, DateTime now, ConsoleOptions options, bool needsAdmin)
    {
        if (session is null) return ConsoleAccessDecision.NoSession;
        if (session.RevokedAt is not null) return ConsoleAccessDecision.Revoked;
        if (session.SignedOutAt is not null) return ConsoleAccessDecision.SignedOut;
        if (now >= session.CreatedAt + options.AbsoluteTimeout) return ConsoleAccessDecision.AbsoluteExpired;
        if (now >= session.LastSeenAt + options.IdleTimeout) return ConsoleAccessDecision.IdleExpired;
        if (needsAdmin && session.Role != ConsoleRole.Admin) return ConsoleAccessDecision.Forbidden;
        return ConsoleAccessDecision.Allowed;
    }

    /// <summary>Whether a sign-in link can still be opened: unused and strictly before its expiry.</summary>
    public static bool LinkIsOpenable(ConsoleLink link, DateTime now) => link.UsedAt is null && now < link.ExpiresAt;

    /// <summary>Operator names go into the audit log's actor (<c>console:NAME</c>, 64 characters at most).</summary>
    public static bool IsValidOperatorName(string name) =>
        name.Length is > 0 and <= 48 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@');

    public static string Actor(string operatorName) => "console:" + operatorName;
}
