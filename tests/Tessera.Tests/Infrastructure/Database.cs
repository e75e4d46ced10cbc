using Tessera.Data;

namespace Tessera.Tests.Infrastructure;

/// <summary>Which database a test class runs on. Every shared suite has one subclass per backend.</summary>
public enum Backend
{
    Sqlite,
    Postgres,
}

/// <summary>Fresh, empty databases for tests, on either backend.</summary>
public static class TestDatabases
{
    private static readonly string SqliteDirectory = Directory.CreateTempSubdirectory("tessera-sqlite-").FullName;

    public static async Task<(DatabaseProvider Provider, string ConnectionString)> CreateAsync(Backend backend, PostgresServer postgres) =>
        backend switch
        {
            Backend.Sqlite => (DatabaseProvider.Sqlite, $"Data Source={Path.Combine(SqliteDirectory, Guid.NewGuid().ToString("N") + ".db")}"),
            _ => (DatabaseProvider.Postgres, await postgres.CreateDatabaseAsync()),
        };
}
