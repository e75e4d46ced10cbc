using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Tessera.Data;

namespace Tessera.Sessions;

/// <summary>
/// Profile id → uuid, cached: a uuid never changes, so introspecting a valid token stays free of database round
/// trips after the first. Deleted profiles are refused earlier, by the revocation list.
/// </summary>
public sealed class ProfileDirectory(IServiceScopeFactory scopes) : IDisposable
{
    private readonly MemoryCache _uuids = new(new MemoryCacheOptions { SizeLimit = 200_000 });

    public async ValueTask<Guid?> FindUuidAsync(string profileId, CancellationToken cancellationToken)
    {
        if (_uuids.TryGetValue(profileId, out Guid uuid)) return uuid;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TesseraDbContext>();
        var found = await db.Profiles.AsNoTracking().Where(p => p.Id == profileId).Select(p => (Guid?)p.Uuid).FirstOrDefaultAsync(cancellationToken);
        if (found is { } value) Remember(profileId, value);
        return found;
    }

    public void Remember(string profileId, Guid uuid) =>
        _uuids.Set(profileId, uuid, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromHours(1) });

    public void Dispose() => _uuids.Dispose();
}
