using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Tessera.Data;

namespace Tessera.Sessions;

/// <summary>
/// Profile id → (environment, uuid), cached: neither ever changes, so introspecting a valid token stays free of
/// database round trips after the first. Deleted profiles are refused earlier, by the revocation list, and dropped
/// from here when their revocation is applied (so a customer uuid given to a new profile resolves to it).
/// </summary>
/// <remarks>
/// Two generations of plain dictionaries instead of a MemoryCache: lookups by span allocate nothing and take no lock.
/// New entries go to the current generation; when it is full it becomes the previous one and the old previous one is
/// dropped; a hit in the previous generation is copied forward. So at most 2 × <see cref="GenerationSize"/> entries
/// are held, and the ones in use survive.
/// It is filled by reads only (introspection, self-signed uids), not by issuance: a million tokens issued for
/// distinct profiles (an importer run) would otherwise push out the profiles being verified, and churn entries
/// through both generations for nothing.
/// A profile's first introspection reads its uuid once by primary key.
/// </remarks>
public sealed class ProfileDirectory
{
    /// <summary>Entries per generation.</summary>
    public const int GenerationSize = 100_000;

    private readonly IServiceScopeFactory _scopes;
    private readonly int _generationSize;
    private readonly Lock _rotation = new();
    private volatile Generation _current = new();
    private volatile Generation _previous = new();

    public ProfileDirectory(IServiceScopeFactory scopes, RevocationList revocations) : this(scopes, revocations, GenerationSize) { }

    internal ProfileDirectory(IServiceScopeFactory scopes, RevocationList revocations, int generationSize)
    {
        _scopes = scopes;
        _generationSize = generationSize;
        revocations.Applied += revocation =>
        {
            if (revocation.Kind == RevocationKind.Profile) Forget(revocation.Subject);
        };
    }

    /// <summary>A profile as tokens name it. <see cref="ProfileId"/> is the cached string, so callers need not allocate one.</summary>
    public sealed record Entry(string ProfileId, string EnvironmentId, Guid Uuid);

    /// <summary>How a cached lookup ended.</summary>
    public enum Lookup { Found, NotFound, NotCached }

    private sealed class Generation
    {
        public readonly ConcurrentDictionary<string, Entry> ById = new(StringComparer.Ordinal);
        public readonly ConcurrentDictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> ByIdSpan;
        public readonly ConcurrentDictionary<(string EnvironmentId, Guid Uuid), Entry> ByUuid = new();
        public int Count;

        public Generation() => ByIdSpan = ById.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The cached profile with that id, of any environment; no database round trip, no allocation.</summary>
    public bool TryGetCached(ReadOnlySpan<char> profileId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Entry? entry)
    {
        if (_current.ByIdSpan.TryGetValue(profileId, out entry)) return true;
        if (!_previous.ByIdSpan.TryGetValue(profileId, out entry)) return false;
        Add(entry);
        return true;
    }

    /// <summary>
    /// A self-signed token's <c>uid</c> (profile id or uuid) resolved within <paramref name="environmentId"/> from
    /// memory only. <see cref="Lookup.NotCached"/> means <see cref="ResolveAsync"/> must ask the database.
    /// </summary>
    public Lookup TryResolveCached(string environmentId, ReadOnlySpan<char> uid, out Entry? entry)
    {
        if (uid.StartsWith(Security.Ids.ProfilePrefix, StringComparison.Ordinal))
        {
            if (!TryGetCached(uid, out entry)) return Lookup.NotCached;
            if (string.Equals(entry.EnvironmentId, environmentId, StringComparison.Ordinal)) return Lookup.Found;
            entry = null;
            return Lookup.NotFound;
        }
        entry = null;
        if (!Guid.TryParse(uid, out var uuid)) return Lookup.NotFound;
        var key = (environmentId, uuid);
        if (_current.ByUuid.TryGetValue(key, out entry)) return Lookup.Found;
        if (!_previous.ByUuid.TryGetValue(key, out entry)) return Lookup.NotCached;
        Add(entry);
        return Lookup.Found;
    }

    /// <summary>The profile's uuid, or null when no profile has that id in that environment.</summary>
    public async ValueTask<Guid?> FindUuidAsync(string environmentId, string profileId, CancellationToken cancellationToken)
    {
        if (!TryGetCached(profileId, out var entry))
        {
            await using var scope = _scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TesseraDbContext>();
            entry = await db.Profiles.AsNoTracking().Where(p => p.Id == profileId)
                .Select(p => new Entry(p.Id, p.EnvironmentId, p.Uuid)).FirstOrDefaultAsync(cancellationToken);
            if (entry is null) return null;
            Add(entry);
        }
        // A token's key fixes its environment; a profile of any other environment is not its profile.
        return string.Equals(entry.EnvironmentId, environmentId, StringComparison.Ordinal) ? entry.Uuid : null;
    }

    /// <summary>
    /// A self-signed token's <c>uid</c> (profile id or uuid) resolved within the environment of the secret that
    /// signed it: (profile id, uuid), or null when the environment has no such profile.
    /// </summary>
    public async ValueTask<(string ProfileId, Guid Uuid)?> ResolveAsync(string environmentId, string uid, CancellationToken cancellationToken)
    {
        if (Security.Ids.IsProfileId(uid))
            return await FindUuidAsync(environmentId, uid, cancellationToken) is { } uuid ? (uid, uuid) : null;
        if (!Guid.TryParse(uid, out var byUuid)) return null;
        if (TryResolveCached(environmentId, uid, out var cached) == Lookup.Found) return (cached!.ProfileId, cached.Uuid);
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TesseraDbContext>();
        var profileId = await db.Profiles.AsNoTracking().Where(p => p.EnvironmentId == environmentId && p.Uuid == byUuid)
            .Select(p => p.Id).FirstOrDefaultAsync(cancellationToken);
        if (profileId is null) return null;
        Remember(environmentId, profileId, byUuid);
        return (profileId, byUuid);
    }

    // Internal: entries come from the directory's own reads (tests seed it directly), never from issuance.
    internal void Remember(string environmentId, string profileId, Guid uuid) => Add(new Entry(profileId, environmentId, uuid));

    private void Add(Entry entry)
    {
        var generation = _current;
        var added = generation.ById.TryAdd(entry.ProfileId, entry);
        generation.ByUuid[(entry.EnvironmentId, entry.Uuid)] = entry;
        if (added && Interlocked.Increment(ref generation.Count) >= _generationSize)
        {
            lock (_rotation)
            {
                if (_current != generation) return;
                _previous = generation;
                _current = new Generation();
            }
        }
    }

    /// <summary>Drops a deleted profile, so its customer uuid can name a new profile.</summary>
    private void Forget(string profileId)
    {
        foreach (var generation in new[] { _current, _previous })
        {
            if (generation.ById.TryRemove(profileId, out var entry))
                generation.ByUuid.TryRemove(new KeyValuePair<(string, Guid), Entry>((entry.EnvironmentId, entry.Uuid), entry));
        }
    }
}
