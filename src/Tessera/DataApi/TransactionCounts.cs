using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Tessera.Data;
using Tessera.FinancialData;

namespace Tessera.DataApi;

/// <summary>
/// <c>TransactionConnection.count</c> without scanning every match on every page: a count is kept with the
/// <see cref="FinancialDataVersion"/> of the profile it was taken at, and reused only while that version is the
/// database's. Any write of the profile's financial data moves the version in its own transaction, so a cached
/// count is never stale, on any instance; asking costs one primary-key read. Keys carry the environment, the profile
/// and the filter, and the count itself is a query filtered by that profile: one profile's count never answers
/// another's.
/// </summary>
public sealed class TransactionCounts : IDisposable
{
    /// <summary>Counts kept at most (one per profile and filter, each a few dozen bytes); the least recently used go first.</summary>
    public const int Capacity = 100_000;

    private readonly MemoryCache _counts = new(new MemoryCacheOptions { SizeLimit = Capacity });

    private sealed record Key(string EnvironmentId, string ProfileId, string? AccountId, string Filter);

    private sealed record Counted(long Version, int Count);

    private static readonly CompiledQuery<Func<TesseraDbContext, string, Task<long>>> VersionOf = new(() =>
        EF.CompileAsyncQuery((TesseraDbContext db, string profileId) =>
            db.FinancialDataVersions.Where(v => v.ProfileId == profileId).Select(v => v.Version).FirstOrDefault()));

    /// <summary>
    /// The count for <paramref name="filter"/> (a canonical text of the filter and search arguments, empty for none)
    /// of the caller's transactions, or of one account's: from the cache while the version holds, else from
    /// <paramref name="count"/>.
    /// </summary>
    public async Task<int> CountAsync(TesseraDbContext db, GraphQLCaller caller, string? accountId, string filter, Func<Task<int>> count)
    {
        // The version is read before counting: a write committed in between makes the count newer than the version
        // it is kept with, never older, and the next reader sees the new version anyway.
        var version = await VersionOf.For(db)(db, caller.ProfileId);
        var key = new Key(caller.EnvironmentId, caller.ProfileId, accountId, filter);
        if (_counts.TryGetValue(key, out Counted? counted) && counted!.Version == version) return counted.Count;
        var fresh = await count();
        _counts.Set(key, new Counted(version, fresh), new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromHours(1) });
        return fresh;
    }

    public void Dispose() => _counts.Dispose();
}
