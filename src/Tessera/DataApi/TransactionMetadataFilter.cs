using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Data;
using Tessera.FinancialData;
using Tessera.GraphQL;

namespace Tessera.DataApi;

/// <summary>
/// <c>TransactionFilter.metadata</c>: every leaf of the filter object (a path of keys and a scalar) must be in the
/// transaction's metadata with an equal value. JSON is queried with each database's own functions, to the same
/// rules on both: PostgreSQL compares <c>jsonb</c> values at the path (<c>#&gt;</c>), SQLite checks the JSON type at
/// the path and compares the extracted value. The statement is the caller's transactions only, and every value is a
/// parameter.
/// </summary>
internal static class TransactionMetadataFilter
{
    /// <summary>Nested objects deeper than this are refused: a filter is a handful of keys.</summary>
    private const int MaxDepth = 8;

    /// <summary>
    /// Most keys a filter may hold, nested keys included: each is a condition of the statement, and thousands of them
    /// make a statement the database refuses to plan.
    /// </summary>
    public const int MaxKeys = 50;

    /// <summary>The caller's transactions that match <paramref name="metadata"/>, as a query to compose on; null for no filter.</summary>
    public static IQueryable<Transaction>? Matching(TesseraDbContext db, GraphQLCaller caller, object? metadata)
    {
        if (metadata is null) return null;
        var filter = metadata as JsonElement? ?? JsonSerializer.SerializeToElement(metadata);
        if (filter.ValueKind == JsonValueKind.Null) return null;
        if (filter.ValueKind != JsonValueKind.Object) throw new GraphQLError("filter.metadata must be an object of keys and the values they must hold.");
        var leaves = new List<(string[] Path, JsonElement Value)>();
        var keys = 0;
        Collect(filter, [], leaves, ref keys);

        var arguments = new List<object> { caller.EnvironmentId, caller.ProfileId };
        var sql = new StringBuilder("SELECT * FROM transactions WHERE environment_id = {0} AND profile_id = {1}");
        if (leaves.Count > 0) sql.Append(" AND metadata_json IS NOT NULL");
        string Argument(object value)
        {
            arguments.Add(value);
            return "{" + (arguments.Count - 1).ToString(CultureInfo.InvariantCulture) + "}";
        }

        var sqlite = db.IsSqlite;
        foreach (var (path, value) in leaves)
        {
            if (!sqlite)
            {
                // jsonb equality: typed (1 is not "1", true is not 1), numbers by value.
                sql.Append(" AND metadata_json::jsonb #> ").Append(Argument(path)).Append(" = CAST(").Append(Argument(value.GetRawText())).Append(" AS jsonb)");
                continue;
            }
            var at = Argument("$" + string.Concat(path.Select(key => ".\"" + key + "\"")));
            sql.Append(value.ValueKind switch
            {
                JsonValueKind.String => $" AND json_type(metadata_json, {at}) = 'text' AND json_extract(metadata_json, {at}) = {Argument(value.GetString()!)}",
                JsonValueKind.Number => $" AND json_type(metadata_json, {at}) IN ('integer', 'real') AND json_extract(metadata_json, {at}) = {Argument(value.TryGetInt64(out var whole) ? whole : value.GetDouble())}",
                JsonValueKind.True => $" AND json_type(metadata_json, {at}) = 'true'",
                JsonValueKind.False => $" AND json_type(metadata_json, {at}) = 'false'",
                _ => $" AND json_type(metadata_json, {at}) = 'null'",
            });
        }
        return db.Transactions.FromSql(FormattableStringFactory.Create(sql.ToString(), [.. arguments]));
    }

    private static void Collect(JsonElement filter, string[] path, List<(string[] Path, JsonElement Value)> leaves, ref int keys)
    {
        if (path.Length >= MaxDepth) throw new GraphQLError($"filter.metadata nests objects at most {MaxDepth} deep.");
        foreach (var property in filter.EnumerateObject())
        {
            if (++keys > MaxKeys) throw new GraphQLError($"filter.metadata holds at most {MaxKeys} keys (nested keys included).");
            // SQLite's JSON paths quote keys with double quotes and have no escape for one: refused on both databases alike.
            if (property.Name.Contains('"')) throw new GraphQLError("filter.metadata keys cannot contain a double quote.");
            string[] at = [.. path, property.Name];
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.Object:
                    Collect(property.Value, at, leaves, ref keys);
                    break;
                case JsonValueKind.Array:
                    throw new GraphQLError("filter.metadata cannot match arrays; match their objects' keys instead.");
                default:
                    leaves.Add((at, property.Value));
                    break;
            }
        }
    }
}
