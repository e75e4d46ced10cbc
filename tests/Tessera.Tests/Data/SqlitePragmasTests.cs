using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Tessera.Data;
using Xunit;

namespace Tessera.Tests.Data;

/// <summary>The SQLite connection settings: applied to every native connection, once (the pool keeps them open).</summary>
public sealed class SqlitePragmasTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tessera-pragmas-").FullName;

    private sealed class Probe(DbContextOptions<Probe> options) : DbContext(options);

    private Probe NewContext() => new(new DbContextOptionsBuilder<Probe>()
        .UseSqlite($"Data Source={Path.Combine(_directory, "p.db")}")
        .AddInterceptors(new SqlitePragmas("normal")).Options);

    private static async Task<long> SynchronousAsync(Probe db)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA synchronous;";
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    [Fact]
    public async Task EveryNativeConnectionGetsTheSettingOnceAndKeepsItThroughThePool()
    {
        await using (var db = NewContext())
        {
            await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
            Assert.Equal(1, await SynchronousAsync(db)); // NORMAL (the library's default is FULL, 2)
            // Changed behind the interceptor's back: a pooled reopen must not run the PRAGMA again.
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA synchronous=FULL;";
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
        await using (var db = NewContext())
        {
            await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
            Assert.Equal(2, await SynchronousAsync(db));
        }

        // A new native connection (the pool emptied) is set up afresh.
        SqliteConnection.ClearAllPools();
        await using (var db = NewContext())
        {
            await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
            Assert.Equal(1, await SynchronousAsync(db));
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
