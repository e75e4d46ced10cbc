using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Data;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Data;

/// <summary>
/// The migrations are written by hand, so nothing else keeps them in step with the EF model: a property mapped
/// without a migration, a nullability or an index that differs, would only show as a failure at run time on one
/// database. This migrates a fresh database and compares what it has with what the model expects, on both.
/// </summary>
public abstract class MigratedSchemaTests(Backend backend, PostgresServer postgres)
{
    // The migrations' own bookkeeping (applied migrations, and the lock SQLite takes while migrating).
    private static readonly HashSet<string> Bookkeeping = ["__EFMigrationsHistory", "__EFMigrationsLock"];

    [Fact]
    public async Task TheMigratedSchemaHasTheTablesColumnsNullabilityAndIndexesOfTheModel()
    {
        var (provider, connectionString) = await TestDatabases.CreateAsync(backend, postgres);
        await using var services = Services(provider, connectionString);
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(TestContext.Current.CancellationToken);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TesseraDbContext>();

        var expected = Expected(db);
        var actual = await ActualAsync(db, provider);

        Assert.NotEmpty(expected);
        var differences = new List<string>();
        foreach (var table in expected.Keys.Except(actual.Keys)) differences.Add($"{table}: in the model, not migrated");
        foreach (var table in actual.Keys.Except(expected.Keys).Where(t => !Bookkeeping.Contains(t))) differences.Add($"{table}: migrated, not in the model");
        foreach (var (table, model) in expected)
        {
            if (!actual.TryGetValue(table, out var migrated)) continue;
            Compare(differences, table, "column", model.Columns, migrated.Columns);
            Compare(differences, table, "primary key", [string.Join(",", model.PrimaryKey)], [string.Join(",", migrated.PrimaryKey)]);
            Compare(differences, table, "index", model.Indexes, migrated.Indexes);
        }
        Assert.True(differences.Count == 0, "The model and the migrated schema differ:\n" + string.Join("\n", differences));
    }

    private static void Compare<T>(List<string> differences, string table, string what, IEnumerable<T> model, IEnumerable<T> migrated)
    {
        var inModel = model.Select(i => i!.ToString()!).ToHashSet();
        var inSchema = migrated.Select(i => i!.ToString()!).ToHashSet();
        differences.AddRange(inModel.Except(inSchema).Order(StringComparer.Ordinal).Select(i => $"{table}: {what} {i} in the model, not in the schema"));
        differences.AddRange(inSchema.Except(inModel).Order(StringComparer.Ordinal).Select(i => $"{table}: {what} {i} in the schema, not in the model"));
    }

    private static ServiceProvider Services(DatabaseProvider provider, string connectionString)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider.ToString(),
            ["Database:ConnectionString"] = connectionString,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddTesseraDatabase();
        return services.BuildServiceProvider();
    }

    private sealed record Column(string Name, bool Nullable);

    /// <summary>An index or unique constraint, by what it enforces and speeds up (names are the migrations' own).</summary>
    private sealed record Index(string Columns, bool Unique);

    private sealed record Table(List<Column> Columns, List<string> PrimaryKey, List<Index> Indexes);

    private static Dictionary<string, Table> Expected(TesseraDbContext db)
    {
        var tables = new Dictionary<string, Table>();
        foreach (var table in db.Model.GetRelationalModel().Tables)
        {
            var indexes = table.Indexes.Select(i => new Index(string.Join(",", i.Columns.Select(c => c.Name)), i.IsUnique))
                .Concat(table.UniqueConstraints.Where(u => u != table.PrimaryKey).Select(u => new Index(string.Join(",", u.Columns.Select(c => c.Name)), true)))
                .Distinct().ToList();
            tables[table.Name] = new Table(
                table.Columns.Select(c => new Column(c.Name, c.IsNullable)).ToList(),
                table.PrimaryKey?.Columns.Select(c => c.Name).ToList() ?? [],
                indexes);
        }
        return tables;
    }

    private static async Task<Dictionary<string, Table>> ActualAsync(TesseraDbContext db, DatabaseProvider provider)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        try
        {
            return provider == DatabaseProvider.Sqlite ? await SqliteAsync(connection) : await PostgresAsync(connection);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<Dictionary<string, Table>> SqliteAsync(DbConnection connection)
    {
        var tables = new Dictionary<string, Table>();
        foreach (var name in await ReadAsync(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", r => r.GetString(0)))
        {
            var quoted = name.Replace("\"", "\"\"");
            // pk is the column's position in the primary key, 0 when it is not part of it.
            var columns = await ReadAsync(connection, $"SELECT name, \"notnull\", pk FROM pragma_table_info('{quoted}')",
                r => (Name: r.GetString(0), NotNull: r.GetInt64(1) != 0, Pk: r.GetInt64(2)));
            var indexes = new List<Index>();
            // origin: c for CREATE INDEX, u for a UNIQUE constraint, pk for the primary key (listed above instead).
            foreach (var (index, unique) in await ReadAsync(connection, $"SELECT name, \"unique\" FROM pragma_index_list('{quoted}') WHERE origin <> 'pk'",
                         r => (r.GetString(0), r.GetInt64(1) != 0)))
            {
                var indexColumns = await ReadAsync(connection, $"SELECT name FROM pragma_index_info('{index.Replace("'", "''")}') ORDER BY seqno", r => r.GetString(0));
                indexes.Add(new Index(string.Join(",", indexColumns), unique));
            }
            tables[name] = new Table(
                columns.Select(c => new Column(c.Name, !c.NotNull && c.Pk == 0)).ToList(),
                columns.Where(c => c.Pk > 0).OrderBy(c => c.Pk).Select(c => c.Name).ToList(),
                indexes.Distinct().ToList());
        }
        return tables;
    }

    private static async Task<Dictionary<string, Table>> PostgresAsync(DbConnection connection)
    {
        var tables = (await ReadAsync(connection, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'", r => r.GetString(0)))
            .ToDictionary(t => t, _ => new Table([], [], []));
        foreach (var (table, column, nullable) in await ReadAsync(connection,
                     "SELECT table_name, column_name, is_nullable FROM information_schema.columns WHERE table_schema = current_schema()",
                     r => (r.GetString(0), r.GetString(1), r.GetString(2) == "YES")))
        {
            if (tables.TryGetValue(table, out var t)) t.Columns.Add(new Column(column, nullable));
        }
        // Every index with its columns in key order, the primary key's included (told apart by indisprimary).
        const string indexes = """
            SELECT t.relname, i.indisprimary, i.indisunique,
                   array_to_string(ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                                         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord), ',')
            FROM pg_index i
            JOIN pg_class t ON t.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = current_schema()
            """;
        foreach (var (table, primary, unique, columns) in await ReadAsync(connection, indexes,
                     r => (r.GetString(0), r.GetBoolean(1), r.GetBoolean(2), r.GetString(3))))
        {
            if (!tables.TryGetValue(table, out var t)) continue;
            if (primary) t.PrimaryKey.AddRange(columns.Split(','));
            else if (!t.Indexes.Contains(new Index(columns, unique))) t.Indexes.Add(new Index(columns, unique));
        }
        return tables;
    }

    private static async Task<List<T>> ReadAsync<T>(DbConnection connection, string sql, Func<DbDataReader, T> read)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken)) rows.Add(read(reader));
        return rows;
    }
}

public sealed class MigratedSchemaTestsOnSqlite(PostgresServer postgres) : MigratedSchemaTests(Backend.Sqlite, postgres);

public sealed class MigratedSchemaTestsOnPostgres(PostgresServer postgres) : MigratedSchemaTests(Backend.Postgres, postgres);
