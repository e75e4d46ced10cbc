using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Data;

namespace Tessera.Passcodes;

/// <summary>
/// Keeps the per-IP and per-environment send limits exact on PostgreSQL, across instances. An identify reads upper
/// bounds of the hour's sends (<see cref="PasscodeSendCounts"/>) and then inserts its own; two identifies in flight at
/// once do not see each other's send, so without more both could take the last send under a limit.
/// </summary>
/// <remarks>
/// Each identify holds an advisory lock per scope (the client IP, the environment) from before it reads the counts
/// until it commits:
/// <list type="bullet">
/// <item>shared, while the scope's bound is under its limit by at least the number of transactions the server can have
/// open at once (<c>max_connections</c>): even if every one of them is a send of this scope that read the same bound,
/// together they stay within the limit;</item>
/// <item>exclusive otherwise: it waits for every send of the scope in flight to commit, so its read sees them all, and
/// sends near the limit go one at a time.</item>
/// </list>
/// A send that finds its scope that near under a shared lock rolls back and starts again with the exclusive one (one
/// more round trip, near a limit only). A limit no larger than <c>max_connections</c> (the IP limit's default, 20) is
/// always taken exclusive. The locks are taken in one order (identifier, IP, environment), after no other lock, so
/// they cannot deadlock (<see cref="PasscodeSignIn"/>). SQLite needs none of this: its writers go one at a time.
/// </remarks>
public sealed class SendLimitLocks(IOptions<PasscodeOptions> options)
{
    private readonly PasscodeOptions _options = options.Value;
    private int _maxConnections; // read from the server once; 0 until then

    /// <summary>Which scopes a send locks exclusively.</summary>
    public readonly record struct Modes(bool IpExclusive, bool EnvironmentExclusive);

    /// <summary>The modes to start with: exclusive for a limit that in-flight sends alone could reach.</summary>
    public async ValueTask<Modes> FirstModesAsync(TesseraDbContext db, CancellationToken cancellationToken)
    {
        if (!db.IsPostgres) return default; // SQLite's writers go one at a time: no lock to choose
        var maxConnections = await MaxConnectionsAsync(db, cancellationToken);
        return new Modes(_options.MaxSendsPerIpPerHour <= maxConnections, _options.MaxSendsPerEnvironmentPerHour <= maxConnections);
    }

    /// <summary>
    /// After the state read: the stronger modes to start again with when a scope locked shared turned out to be near
    /// its limit, or null when the locks held are enough.
    /// </summary>
    public Modes? Escalation(Modes held, bool hasIp, long sendsFromIpAtMost, long sendsInEnvironmentAtMost)
    {
        var margin = Volatile.Read(ref _maxConnections);
        var ip = held.IpExclusive || (hasIp && sendsFromIpAtMost > _options.MaxSendsPerIpPerHour - margin);
        var environment = held.EnvironmentExclusive || sendsInEnvironmentAtMost > _options.MaxSendsPerEnvironmentPerHour - margin;
        return (ip, environment) == (held.IpExclusive, held.EnvironmentExclusive) ? null : new Modes(ip, environment);
    }

    private async ValueTask<int> MaxConnectionsAsync(TesseraDbContext db, CancellationToken cancellationToken)
    {
        var known = Volatile.Read(ref _maxConnections);
        if (known > 0) return known;
        var read = await db.Database.SqlQueryRaw<int>("SELECT current_setting('max_connections')::int AS \"Value\"").SingleAsync(cancellationToken);
        Volatile.Write(ref _maxConnections, read);
        return read;
    }
}
