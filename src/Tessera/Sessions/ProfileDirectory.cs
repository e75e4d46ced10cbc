using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Tessera.Data;

namespace Tessera.Sessions;

/// <summary>
/// Profile id → (environment, uuid), cached: neither ever changes, so introspecting a valid token stays free of
/// database round trips after the first. Deleted profiles are refused earlier, by the revocation list.
/// </summary>
public sealed class ProfileDirectory(IServiceScopeFactory scopes) : IDisposable
{
    private readonly MemoryCache _uuids = new(new MemoryCacheOptions { SizeLimit = 200_000 });

    private sealed record Entry(string EnvironmentId, Guid Uuid);

    /// <summary>The profile's uuid, or null when no profile has that id in that environment.</summary>
    public async ValueTask<Guid?> FindUuidAsync(string environmentId, string profileId, CancellationToken cancellationToken)
    {
        if (!_uuids.TryGetValue(profileId, out Entry? entry))
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TesseraDbContext>();
            entry = await db.Profiles.AsNoTracking().Where(p => p.Id == profileId)
                .Select(p => new Entry(p.EnvironmentId, p.Uuid)).FirstOrDefaultAsync(cancellationToken);
            if (entry is null) return null;
            Remember(entry.EnvironmentId, profileId, entry.Uuid);
        }
        // A token's key fixes its environment; a profile of any other environment is not its profile.
        return string.Equals(entry!.EnvironmentId, environmentId, StringComparison.Ordinal) ? entry.Uuid : null;
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
        var key = environmentId + "|" + byUuid.ToString("N");
        if (_uuids.TryGetValue(key, out string? profileId)) return (profileId!, byUuid);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TesseraDbContext>();
        profileId = await db.Profiles.AsNoTracking().Where(p => p.EnvironmentId == environmentId && p.Uuid == byUuid)
            .Select(p => p.Id).FirstOrDefaultAsync(cancellationToken);
        if (profileId is null) return null;
        _uuids.Set(key, profileId, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromHours(1) });
        Remember(environmentId, profileId, byUuid);
        return (profileId, byUuid);
    }

    public void Remember(string environmentId, string profileId, Guid uuid) =>
        _uuids.Set(profileId, new Entry(environmentId, uuid), new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromHours(1) });

    public void Dispose() => _uuids.Dispose();
}
