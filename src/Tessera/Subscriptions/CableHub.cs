using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Tessera.Sessions;

namespace Tessera.Subscriptions;

/// <summary>
/// The sockets this instance holds, by profile: admission against the bounds, fan-out of committed events to the
/// sockets of the event's profile (and no other), and a token recheck when a revocation arrives.
/// </summary>
public sealed class CableHub
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string EnvironmentId, string ProfileId), List<CableConnection>> _byProfile = new();
    private readonly SubscriptionOptions _options;
    private int _count;

    public CableHub(IOptions<SubscriptionOptions> options, RevocationList revocations)
    {
        _options = options.Value;
        // Every revocation any instance commits reaches every instance's list (RevocationSync, woken by NOTIFY on
        // PostgreSQL): the sockets it may concern check their token again at once.
        revocations.Applied += OnRevocation;
    }

    /// <summary>Open sockets on this instance.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Raised after an event was offered to the sockets of its profile (tests and the bench wait on it).</summary>
    internal event Action<SubscriptionEvent>? Published;

    public CableAdmission TryAdd(CableConnection connection)
    {
        lock (_lock)
        {
            var key = (connection.EnvironmentId, connection.ProfileId);
            _byProfile.TryGetValue(key, out var sockets);
            var admission = CableLimits.Admit(_count, sockets?.Count ?? 0, _options);
            if (admission != CableAdmission.Admitted) return admission;
            if (sockets is null) _byProfile[key] = sockets = [];
            sockets.Add(connection);
            _count++;
            return admission;
        }
    }

    public void Remove(CableConnection connection)
    {
        lock (_lock)
        {
            var key = (connection.EnvironmentId, connection.ProfileId);
            if (!_byProfile.TryGetValue(key, out var sockets) || !sockets.Remove(connection)) return;
            if (sockets.Count == 0) _byProfile.Remove(key);
            _count--;
        }
    }

    /// <summary>Offers the event to every socket of its environment and profile.</summary>
    public void Publish(SubscriptionEvent evt)
    {
        CableConnection[] targets;
        lock (_lock)
        {
            targets = _byProfile.TryGetValue((evt.EnvironmentId, evt.ProfileId), out var sockets) ? sockets.ToArray() : [];
        }
        foreach (var socket in targets) socket.Offer(evt);
        Published?.Invoke(evt);
    }

    private void OnRevocation(Revocation revocation)
    {
        List<CableConnection> concerned = [];
        lock (_lock)
        {
            if (_count == 0) return;
            foreach (var sockets in _byProfile.Values)
                foreach (var socket in sockets)
                    if (socket.ConcernedBy(revocation)) concerned.Add(socket);
        }
        if (concerned.Count == 0) return;
        // The verifier decides (one rule for HTTP and sockets), off the thread that applied the revocation (often the
        // revoking request itself): a key rotation rechecks every socket of its environment.
        ThreadPool.QueueUserWorkItem(static sockets => { foreach (var socket in sockets) socket.RecheckToken(); }, concerned, preferLocal: false);
    }
}
