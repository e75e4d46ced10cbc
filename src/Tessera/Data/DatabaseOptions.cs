using System.ComponentModel.DataAnnotations;

namespace Tessera.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Bound from the <c>Database</c> configuration section.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary><c>sqlite</c> (the embedded default) or <c>postgres</c>. Defaults to sqlite.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Defaults to <c>Data Source=data/tessera.db</c> for SQLite; required for PostgreSQL.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply pending migrations when the server starts. Defaults to true for SQLite, false for PostgreSQL
    /// (run <c>tessera migrate</c> once per deploy instead, so instances never race on schema changes).</summary>
    public bool? MigrateOnStart { get; set; }

    /// <summary>SQLite's <c>synchronous</c> setting: <c>normal</c> (default, safe in WAL mode against process crashes) or <c>full</c>.</summary>
    public string SqliteSynchronous { get; set; } = "normal";

    /// <summary>
    /// SQLite: WAL checkpoints run beside the writer (<see cref="SqliteCheckpointer"/>); once the WAL holds this many
    /// pages, the checkpointer holds writers back while it copies the rest, so the WAL starts over. Bounds the WAL file
    /// (about 16 MB at the default 4,000 pages of 4 KB) under any write load.
    /// </summary>
    public int SqliteWalPagesBeforeCatchUp { get; set; } = 4000;

    public string EffectiveConnectionString => Provider switch
    {
        DatabaseProvider.Sqlite => string.IsNullOrWhiteSpace(ConnectionString) ? "Data Source=data/tessera.db" : ConnectionString,
        _ => ConnectionString ?? throw new ValidationException("Database:ConnectionString is required for postgres."),
    };

    /// <summary>The SQLite connection string as EF is given it (normalized), which also names its one-writer gate.</summary>
    public string SqliteConnectionString => new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(EffectiveConnectionString).ConnectionString;

    /// <summary>Whether the connection string parses as the provider's (checked at start, not at the first query).</summary>
    public bool ConnectionStringIsWellFormed()
    {
        try
        {
            _ = Provider == DatabaseProvider.Sqlite
                ? new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(EffectiveConnectionString)
                : (System.Data.Common.DbConnectionStringBuilder)new Npgsql.NpgsqlConnectionStringBuilder(EffectiveConnectionString);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException or ValidationException)
        {
            return false;
        }
    }

    public bool EffectiveMigrateOnStart => MigrateOnStart ?? Provider == DatabaseProvider.Sqlite;
}
