using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using Microsoft.Extensions.Options;

namespace Tessera.Data;

public static class DatabaseServiceCollectionExtensions
{
    public static IServiceCollection AddTesseraDatabase(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.Section)
            .Validate(o => o.Provider == DatabaseProvider.Sqlite || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "Database:ConnectionString is required when Database:Provider is postgres.")
            .Validate(o => o.ConnectionStringIsWellFormed(), "Database:ConnectionString is not a valid connection string for Database:Provider.")
            .Validate(o => o.SqliteSynchronous is "normal" or "full", "Database:SqliteSynchronous must be normal or full.")
            .Validate(o => o.SqliteWalPagesBeforeCatchUp > 0, "Database:SqliteWalPagesBeforeCatchUp must be positive.")
            .ValidateOnStart();

        SqliteThreading.ConfigureOnce();
        services.AddDbContextPool<TesseraDbContext>((sp, options) =>
        {
            var db = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            switch (db.Provider)
            {
                case DatabaseProvider.Sqlite:
                    EnsureDirectoryFor(new SqliteConnectionStringBuilder(db.EffectiveConnectionString).DataSource);
                    options.UseSqlite(db.SqliteConnectionString);
#pragma warning disable EF1001 // see SqliteConnectionWithoutEfFunctions
                    options.ReplaceService<ISqliteRelationalConnection, SqliteConnectionWithoutEfFunctions>();
#pragma warning restore EF1001
                    options.AddInterceptors(new SqlitePragmas(db.SqliteSynchronous));
                    break;
                case DatabaseProvider.Postgres:
                    options.UseNpgsql(PostgresConnectionString(db.EffectiveConnectionString));
                    break;
            }
            // The migrations are provider-neutral and hand-written, with no model snapshot (one snapshot cannot hold
            // both providers' column types), so EF has nothing to compare with: MigratedSchemaTests compares the model
            // with each migrated database instead.
            options.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
            // EF's check that a context is not used by two flows at once sets an AsyncLocal twice per row read (an
            // ExecutionContext and two maps allocated per row: ~7% of a transactions page's allocations). It only
            // catches programming errors, so Debug builds (the tests) keep it and Release builds (what ships) skip it.
            options.EnableThreadSafetyChecks(ThreadSafetyChecks);
            // Interceptors registered as services (query counters in tests and benchmarks) join the context.
            options.AddInterceptors(sp.GetServices<IInterceptor>());
        });
        services.AddSingleton<DatabaseMigrator>();
        // The hot write paths' units (IWriteUnit): group commit on SQLite, pipelined batches on PostgreSQL.
        services.AddSingleton<SqliteGroupCommit>();
        services.AddScoped<WriteUnits>();
        return services;
    }

#if DEBUG
    private const bool ThreadSafetyChecks = true;
#else
    private const bool ThreadSafetyChecks = false;
#endif

    /// <summary>
    /// The configured PostgreSQL connection string with two defaults for the hot paths, each kept as the operator set
    /// it when the string names it:
    /// <list type="bullet">
    /// <item><c>Max Auto Prepare</c> 64: the hot paths run a handful of statements over and over, and a prepared
    /// statement skips PostgreSQL's parse and plan on every call.</item>
    /// <item><c>No Reset On Close</c>: Npgsql otherwise makes the server run <c>SET SESSION AUTHORIZATION DEFAULT;
    /// RESET ALL; CLOSE ALL; UNLISTEN *; SELECT pg_advisory_unlock_all(); DISCARD SEQUENCES; DISCARD TEMP</c> on every
    /// connection taken from the pool, i.e. on every request. Tessera leaves no session state behind: no SET, no
    /// temporary tables, advisory locks only transaction-scoped, and LISTEN on its own unpooled connection.</item>
    /// <item><c>Timeout</c> (to open a connection) 5 seconds instead of Npgsql's 15: when the server is unreachable a
    /// request fails fast with a 503 instead of holding its thread and its client for 15 s. A refused connection
    /// (server stopped) fails at once either way. <c>Command Timeout</c> stays Npgsql's 30 s, and EF's retrying
    /// execution strategy stays off: a write is not retried behind the client's back, the client retries on the 503.</item>
    /// </list>
    /// Pooling stays Npgsql's (on, 100 connections at most).
    /// </summary>
    internal static string PostgresConnectionString(string configured)
    {
        // The keys as the operator wrote them (Npgsql's builder would report every keyword it knows as present), spaces
        // dropped, so "Max Auto Prepare" and "MaxAutoPrepare" are one key and a password containing the words is not.
        var named = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = configured }.Keys
            .Cast<string>().Select(key => key.Replace(" ", "", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(configured);
        if (!named.Contains("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }
        if (!named.Contains("NoResetOnClose")) builder.NoResetOnClose = true;
        if (!named.Contains("Timeout")) builder.Timeout = 5;
        return builder.ConnectionString;
    }

    private static void EnsureDirectoryFor(string dataSource)
    {
        if (string.IsNullOrEmpty(dataSource) || dataSource == ":memory:" || dataSource.StartsWith("file:", StringComparison.Ordinal)) return;
        var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (directory is not null) Directory.CreateDirectory(directory);
    }
}

/// <summary>Applies the versioned migrations in <c>Data/Migrations</c>.</summary>
public sealed class DatabaseMigrator(IServiceScopeFactory scopes, IOptions<DatabaseOptions> options, ILogger<DatabaseMigrator> logger)
{
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TesseraDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            logger.LogInformation("Applying {Count} migration(s) on {Provider}: {Migrations}", pending.Count, options.Value.Provider, pending);
            await db.Database.MigrateAsync(cancellationToken);
        }
        if (options.Value.Provider == DatabaseProvider.Sqlite)
        {
            // WAL lets readers proceed while one writer commits; the setting persists in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
        return pending;
    }
}
