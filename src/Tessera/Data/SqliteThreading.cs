using SQLitePCL;

namespace Tessera.Data;

/// <summary>
/// Puts the embedded SQLite library in multi-thread mode before its first connection opens. The library is built
/// "serialized": every API call (each column read of each row included) takes and releases the connection's mutex,
/// which cost ~5% of a GraphQL transactions page's CPU (perf: <c>pthread_mutex_lock</c>/<c>unlock</c>). Tessera never
/// uses one connection from two threads at once (a pooled connection belongs to one DbContext, the group-commit
/// writer to its own loop), which is all multi-thread mode asks; EF's check that a context is not used by two flows at
/// once guards that in Debug builds, where the tests run (<see cref="DatabaseServiceCollectionExtensions"/>). Memory
/// statistics, which take a global mutex on every allocation, are off too: nothing reads them.
/// </summary>
/// <remarks>
/// SQLite accepts this only before it initializes, that is before the process opens its first connection. Later (a
/// test process that opened a connection before building a host) the call is refused and SQLite stays serialized:
/// slower, equally correct.
/// </remarks>
internal static class SqliteThreading
{
    private static int _configured;

    public static void ConfigureOnce()
    {
        if (Interlocked.Exchange(ref _configured, 1) == 1) return;
        Batteries_V2.Init();
        if (raw.sqlite3_config(raw.SQLITE_CONFIG_MULTITHREAD) == raw.SQLITE_OK)
            raw.sqlite3_config(raw.SQLITE_CONFIG_MEMSTATUS, 0);
    }
}
