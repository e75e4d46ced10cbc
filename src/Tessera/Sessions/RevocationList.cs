using System.Collections.Concurrent;

namespace Tessera.Sessions;

/// <summary>
/// The in-memory set of revoked sessions, deleted or disabled profiles and revoked signing secrets, kept fresh by
/// <see cref="RevocationSync"/>. Checking it is a dictionary lookup; entries leave once every token they could apply
/// to has expired.
/// </summary>
public sealed class RevocationList
{
    private readonly ConcurrentDictionary<Guid, DateTime> _sessions = new();
    private readonly ConcurrentDictionary<string, DateTime> _profiles = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _disabledProfiles = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTime> _secrets = new(StringComparer.Ordinal);

    // Lookups by span, so verifying a token never allocates the strings it names (.NET 9 alternate lookups).
    private readonly ConcurrentDictionary<string, DateTime>.AlternateLookup<ReadOnlySpan<char>> _profilesBySpan;
    private readonly ConcurrentDictionary<string, byte>.AlternateLookup<ReadOnlySpan<char>> _disabledProfilesBySpan;
    private readonly ConcurrentDictionary<string, DateTime>.AlternateLookup<ReadOnlySpan<char>> _secretsBySpan;

    public RevocationList()
    {
        _profilesBySpan = _profiles.GetAlternateLookup<ReadOnlySpan<char>>();
        _disabledProfilesBySpan = _disabledProfiles.GetAlternateLookup<ReadOnlySpan<char>>();
        _secretsBySpan = _secrets.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Raised for every revocation applied, so caches of keys and secrets can drop what changed.</summary>
    public event Action<Revocation>? Applied;

    public bool IsRevoked(Guid sessionId, string profileId) => IsRevoked(sessionId, profileId.AsSpan());

    /// <summary>Whether the session, its profile (deleted) or its profile's tokens (disabled) are revoked.</summary>
    /// <remarks>
    /// Plain lookups, no <c>IsEmpty</c> short cut: ConcurrentDictionary.IsEmpty takes every lock of an empty
    /// dictionary, which made concurrent verifications contend whenever no profile was deleted or disabled.
    /// </remarks>
    public bool IsRevoked(Guid sessionId, ReadOnlySpan<char> profileId) =>
        _sessions.ContainsKey(sessionId)
        || _profilesBySpan.ContainsKey(profileId)
        || _disabledProfilesBySpan.ContainsKey(profileId);

    public bool IsSecretRevoked(string signingSecretId) => IsSecretRevoked(signingSecretId.AsSpan());

    public bool IsSecretRevoked(ReadOnlySpan<char> signingSecretId) => _secretsBySpan.ContainsKey(signingSecretId);

    public bool IsProfileDisabled(string profileId) => _disabledProfiles.ContainsKey(profileId);

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
            case RevocationKind.SigningSecret:
                _secrets[revocation.Subject] = revocation.ExpiresAt;
                break;
            case RevocationKind.ProfileDisabled:
                _disabledProfiles[revocation.Subject] = 0;
                break;
            case RevocationKind.ProfileEnabled:
                _disabledProfiles.TryRemove(revocation.Subject, out _);
                break;
            case RevocationKind.ApiKey:
                // No token state: ApiKeyAuthenticator drops the key on Applied below.
                break;
        }
        Applied?.Invoke(revocation);
    }

    /// <summary>Marks a profile disabled as loaded from the profiles table at start.</summary>
    public void MarkDisabled(string profileId) => _disabledProfiles[profileId] = 0;

    public int Count => _sessions.Count + _profiles.Count + _secrets.Count + _disabledProfiles.Count;

    /// <summary>Forgets entries whose tokens have all expired. Disabled profiles stay until enabled.</summary>
    public void Prune(DateTime utcNow)
    {
        foreach (var (id, expiresAt) in _sessions) if (expiresAt < utcNow) _sessions.TryRemove(id, out _);
        foreach (var (id, expiresAt) in _profiles) if (expiresAt < utcNow) _profiles.TryRemove(id, out _);
        foreach (var (id, expiresAt) in _secrets) if (expiresAt < utcNow) _secrets.TryRemove(id, out _);
    }
}
