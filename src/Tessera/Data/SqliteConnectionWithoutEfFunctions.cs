using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using Microsoft.EntityFrameworkCore.Storage;

namespace Tessera.Data;

/// <summary>
/// EF's SQLite connection, less the SQL functions EF adds to every connection it creates: <c>regexp</c> and the
/// <c>ef_*</c> functions, aggregates and collation that do decimal arithmetic and ordering in SQL.
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite registers a connection's functions with SQLite at every <c>Open</c> and removes them at every
/// <c>Close</c>, so that a pooled native handle goes back clean. EF's twelve cost a pooled request 24 native calls and
/// as many dictionary walks: about a third of a one-query request's CPU (the GraphQL profile query, bench/README,
/// "Performance round 2"). Tessera's SQL uses none of them: decimals (holdings) are summed and ordered in memory, and
/// no query matches a regular expression. A query that needed one would fail on SQLite with "no such function", which
/// the SQLite half of the test suite would catch.
/// </remarks>
#pragma warning disable EF1001 // SqliteRelationalConnection is EF's internal API: the supported way to change it is ReplaceService.
internal sealed class SqliteConnectionWithoutEfFunctions(
    RelationalConnectionDependencies dependencies,
    IRawSqlCommandBuilder rawSqlCommandBuilder,
    IDiagnosticsLogger<DbLoggerCategory.Infrastructure> logger)
    : SqliteRelationalConnection(dependencies, rawSqlCommandBuilder, logger)
{
    // The base class's version also sets DefaultTimeout from a configured command timeout: Tessera configures none.
    protected override DbConnection CreateDbConnection() => new SqliteConnection(GetValidatedConnectionString());
}
#pragma warning restore EF1001
