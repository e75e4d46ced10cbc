using System.Collections.Concurrent;

namespace Tessera.Sessions;

/// <summary>
/// The in-memory set of revoked sessions and deleted profiles, kept fresh by <see cref="RevocationSync"/>.
/// Checking it is a dictionary lookup; entries leave once every token they could apply to has expired.
/// </summary>
public sealed class RevocationList
{
    private readonly ConcurrentDictionary<Guid, DateTime> _sessions = new();
    private readonly ConcurrentDictionary<string, DateTime> _profiles = new(StringComparer.Ordinal);

    public bool IsRevoked(Guid sessionId, string profileId) =>
        _sessions.ContainsKey(sessionId) || (!_profiles.IsEmpty && _profiles.ContainsKey(profileId));

    public void Apply(Revocation revocation)
    {
        switch (revocation.Kind)
        {
            case RevocationKind.Session when Guid.TryParse(revocation.Subject, out var sessionId):
                _sessions[sessionId] = revocation.ExpiresAt;
                break;
            case RevocationKind.Profile:
                _profiles[revocation.Subject] = revocation.ExpiresAt;
                break;
        }
    }

    public int Count => _sessions.Count + _profiles.Count;

    /// <summary>Forgets entries whose tokens have all expired.</summary>
    public void Prune(DateTime utcNow)
    {
        foreach (var (id, expiresAt) in _sessions) if (expiresAt < utcNow) _sessions.TryRemove(id, out _);
        foreach (var (id, expiresAt) in _profiles) if (expiresAt < utcNow) _profiles.TryRemove(id, out _);
    }
}
