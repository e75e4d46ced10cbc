using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Tessera.Data;

/// <summary>
/// Values of hand-written statements bound exactly as EF stores them, by EF's own type mapping of the database in use
/// (enums as their names, SQLite's text GUIDs and dates, PostgreSQL's <c>timestamptz</c>), so a row written outside EF
/// reads back through EF unchanged. One instance per EF model, that is per database provider.
/// </summary>
public sealed class StoreTypes
{
    private static readonly ConcurrentDictionary<IModel, StoreTypes> ByModel = new();

    private readonly IModel _model;
    private readonly IRelationalTypeMappingSource _source;
    private readonly ConcurrentDictionary<Type, RelationalTypeMapping> _byType = new();
    private readonly ConcurrentDictionary<Type, EntityInsert> _inserts = new();

    private StoreTypes(IModel model, IRelationalTypeMappingSource source)
    {
        _model = model;
        _source = source;
    }

    public static StoreTypes Of(TesseraDbContext db) =>
        ByModel.GetOrAdd(db.Model, static (model, db) => new StoreTypes(model, db.GetService<IRelationalTypeMappingSource>()), db);

    /// <summary>
    /// The mapping of a value of this type. An enum takes the model's mapping of its properties (its value converter);
    /// anything else the provider's default for the type.
    /// </summary>
    public RelationalTypeMapping For(Type type) => _byType.GetOrAdd(type, static (type, self) =>
    {
        if (type.IsEnum)
        {
            var property = self._model.GetEntityTypes().SelectMany(e => e.GetProperties())
                .FirstOrDefault(p => (Nullable.GetUnderlyingType(p.ClrType) ?? p.ClrType) == type)
                ?? throw new InvalidOperationException($"No property of the model stores a {type.Name}.");
            return (RelationalTypeMapping)property.GetRelationalTypeMapping();
        }
        return self._source.FindMapping(type) ?? throw new InvalidOperationException($"The database has no mapping for {type.Name}.");
    }, this);

    /// <summary>The mapping a value is bound with: the column's when given, else its type's; null for a null value of no column.</summary>
    public RelationalTypeMapping? MappingOf(SqlArg arg) => arg.Mapping ?? (arg.Value is null ? null : For(arg.Value.GetType()));

    /// <summary>The value as the database stores it (what <see cref="RelationalTypeMapping.CreateParameter"/> would put in a parameter).</summary>
    public static object ProviderValue(RelationalTypeMapping mapping, object? value)
    {
        if (value is DateTime { Kind: DateTimeKind.Local }) throw new ArgumentException("Times are stored in UTC.");
        return (value is null ? null : mapping.Converter is { } converter ? converter.ConvertToProvider(value) : value) ?? DBNull.Value;
    }

    /// <summary>A parameter holding <paramref name="value"/>, converted and typed by <paramref name="mapping"/> or the value's type.</summary>
    public DbParameter Parameter(DbCommand command, string name, object? value, RelationalTypeMapping? mapping = null)
    {
        // A local time would be stored as its wall-clock reading on SQLite and shift when read back.
        if (value is DateTime { Kind: DateTimeKind.Local }) throw new ArgumentException($"@{name}: times are stored in UTC.");
        if (mapping is null && value is null)
        {
            var empty = command.CreateParameter();
            empty.ParameterName = name;
            empty.Value = DBNull.Value;
            return empty;
        }
        return (mapping ?? For(value!.GetType())).CreateParameter(command, name, value, nullable: true);
    }

    /// <summary>The insert of a whole entity of this type, every column but the ones the database generates.</summary>
    public EntityInsert InsertOf(Type entity) => _inserts.GetOrAdd(entity, static (type, model) => new EntityInsert(model, type), _model);
}

/// <summary>
/// <c>INSERT INTO table (columns) VALUES (@Property, ...)</c> for one entity type, built from the EF model: the table,
/// the column names and each property's type mapping are EF's, so the row is the one EF would have written.
/// </summary>
public sealed class EntityInsert
{
    private readonly IProperty[] _properties;
    private readonly RelationalTypeMapping[] _mappings;

    internal EntityInsert(IModel model, Type entity)
    {
        var type = model.FindEntityType(entity) ?? throw new InvalidOperationException($"{entity.Name} is not mapped.");
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        // Integer keys and sequences are the database's to number.
        _properties = type.GetProperties()
            .Where(p => !(p.ValueGenerated == ValueGenerated.OnAdd && (p.ClrType == typeof(long) || p.ClrType == typeof(int))))
            .ToArray();
        _mappings = _properties.Select(p => (RelationalTypeMapping)p.GetRelationalTypeMapping()).ToArray();
        var sql = new StringBuilder("INSERT INTO \"").Append(table.Name).Append("\" (");
        sql.AppendJoin(", ", _properties.Select(p => "\"" + p.GetColumnName(table) + "\""));
        sql.Append(") VALUES (").AppendJoin(", ", _properties.Select(p => "@" + p.Name)).Append(')');
        Sql = sql.ToString();
    }

    /// <summary>The statement, its parameters named after the properties.</summary>
    public string Sql { get; }

    /// <summary>The entity's values, each with its property's mapping.</summary>
    public SqlArg[] Values(object entity)
    {
        var values = new SqlArg[_properties.Length];
        for (var i = 0; i < values.Length; i++)
            values[i] = new SqlArg(_properties[i].Name, _properties[i].GetGetter().GetClrValueUsingContainingEntity(entity), _mappings[i]);
        return values;
    }
}
