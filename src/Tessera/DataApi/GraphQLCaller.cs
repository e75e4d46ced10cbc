using Microsoft.EntityFrameworkCore;
using Tessera.Data;

namespace Tessera.DataApi;

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
    /// True for the customer's backend (Basic: an API key naming the profile), false for the user's own session token.
    /// A user's session may not change the profile's email or phone: those are sign-in identifiers, and a profile
    /// holder who could attach someone else's would be handed that person's account when they prove it.
    /// </summary>
    public bool IsBackend { get; init; }

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
