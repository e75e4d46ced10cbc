using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Tessera.Data;

/// <summary>
/// Per-connection SQLite settings. In WAL mode, <c>synchronous=NORMAL</c> fsyncs at checkpoints instead of at every
/// commit: a commit survives a crash of the process, and only a power loss can roll back the last few commits (it
/// never corrupts the file). <c>Database:SqliteSynchronous=full</c> trades throughput for that last guarantee.
/// </summary>
/// <remarks>
/// The setting belongs to the native connection, which the pool keeps open between requests: it is applied once per
/// native handle, not at every <c>Open</c> (that was one more statement prepared and run on every request).
/// </remarks>
internal sealed class SqlitePragmas(string synchronous) : DbConnectionInterceptor
{
    private readonly string _sql = Statements(synchronous);

    /// <summary>The settings as SQL, for a connection opened outside EF.</summary>
    internal static string Statements(string synchronous) => $"PRAGMA synchronous={synchronous};";
    // Static: the options callback makes an interceptor per DbContext. A handle serves one connection string, so one setting.
    private static readonly ConditionalWeakTable<object, object> Configured = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (!NeedsSetup(connection)) return;
        using var command = connection.CreateCommand();
        command.CommandText = _sql;
        command.ExecuteNonQuery();
        MarkConfigured(connection);
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (!NeedsSetup(connection)) return;
        await using var command = connection.CreateCommand();
        command.CommandText = _sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
        MarkConfigured(connection);
    }

    // Keyed by the native handle (alive as long as the pooled connection is): a new handle is set up afresh.
    private static bool NeedsSetup(DbConnection connection) =>
        connection is not SqliteConnection { Handle: { } handle } || !Configured.TryGetValue(handle, out _);

    private void MarkConfigured(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle }) Configured.AddOrUpdate(handle, this);
    }
}
