using Microsoft.EntityFrameworkCore;
using Tessera.Data;

namespace Tessera.GraphQL;

/// <summary>
/// Who a GraphQL request runs as: one profile of one environment. Every resolver filters by these two ids inside its
/// own query, so no query can reach another profile's rows.
/// </summary>
public sealed class GraphQLCaller(string environmentId, string profileId, TesseraDbContext db) : IAsyncDisposable
{
    private readonly SemaphoreSlim _dbGate = new(1, 1);
    private bool _connectionOpened;

    public string EnvironmentId { get; } = environmentId;
    public string ProfileId { get; } = profileId;

    /// <summary>
    /// The request's DbContext, one user at a time: the engine may run sibling resolvers concurrently and a DbContext
    /// is not thread-safe. DataLoaders keep the number of such turns small.
    /// </summary>
    public async Task<T> WithDbAsync<T>(Func<TesseraDbContext, Task<T>> query)
    {
        await _dbGate.WaitAsync();
        try
        {
            // One connection for the whole request, opened by its first query and closed with the caller: EF would
            // otherwise take a connection from the pool and give it back around every query (on SQLite each open
            // also runs the connection's pragmas).
            if (!_connectionOpened)
            {
                await db.Database.OpenConnectionAsync();
                _connectionOpened = true;
            }
            return await query(db);
        }
        finally { _dbGate.Release(); }
    }

    public async ValueTask DisposeAsync()
    {
        await _dbGate.WaitAsync();
        try
        {
            if (_connectionOpened)
            {
                _connectionOpened = false;
                await db.Database.CloseConnectionAsync();
            }
        }
        finally { _dbGate.Release(); }
    }
}
