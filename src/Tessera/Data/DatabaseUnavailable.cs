using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Tessera.Data;

/// <summary>
/// Whether a failure means the database cannot be reached right now (stopped, restarting, the connection dropped,
/// the pool or the single SQLite writer busy past its timeout, the disk full) rather than a bug: such a request is answered 503
/// with <c>Retry-After</c>, so clients retry instead of reporting an error, and an outage is not a storm of 500s.
/// </summary>
public static class DatabaseUnavailable
{
    /// <summary>What <c>Retry-After</c> says: a PostgreSQL restart or a failover usually takes a few seconds.</summary>
    public const int RetryAfterSeconds = 2;

    public const string Message = "Service Unavailable";
    public const string Instruction = "The database cannot be reached right now; retry after the Retry-After seconds.";

    public static bool Is(Exception? exception)
    {
        for (var depth = 0; exception is not null && depth < 8; depth++, exception = exception.InnerException)
        {
            switch (exception)
            {
                // Connection refused or reset, the server shutting down or starting (57P01, 57P03), a connection
                // killed mid-transaction: Npgsql marks all of them transient. A constraint violation is not.
                case NpgsqlException { IsTransient: true }:
                case NpgsqlException { InnerException: SocketException or IOException or TimeoutException }:
                // 53100 disk_full: nothing is written, the transaction rolls back, and it succeeds again once the
                // operator frees space; the same for SQLite's SQLITE_FULL below.
                case PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "08000" or "08003" or "08006" or "53300" or "53100" }:
                case SocketException:
                    return true;
                // SQLITE_BUSY / SQLITE_LOCKED after the busy timeout: another process holds the file.
                case SqliteException { SqliteErrorCode: 5 or 6 }:
                // SQLITE_FULL: the disk (or the file system holding the database) is full.
                case SqliteException { SqliteErrorCode: 13 }:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(Is):
                    return true;
            }
        }
        return false;
    }

    /// <summary>Sets the status and <c>Retry-After</c> (the body is the caller's: REST and GraphQL differ).</summary>
    public static void MarkResponse(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
