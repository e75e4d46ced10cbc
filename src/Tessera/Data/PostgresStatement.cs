using Npgsql;
using NpgsqlTypes;

namespace Tessera.Data;

/// <summary>
/// Statements for the PostgreSQL writers outside EF (issuance, the passwordless steady state), in Npgsql batches: one
/// round trip per batch, each statement prepared by Npgsql after its second use (<c>Max Auto Prepare</c>). Values are
/// bound as EF stores them: enums by name, times as UTC <c>timestamptz</c>.
/// </summary>
internal static class PostgresStatement
{
    /// <summary>
    /// For the rest of the transaction, plan each statement for its values instead of reusing a generic plan. Npgsql
    /// prepares the hot statements on every pooled connection, and PostgreSQL caches a generic plan for a prepared
    /// statement after five executions: one cached while <c>passcode_challenges</c> was still small read an
    /// identifier's newest challenge through the environment's index (environment, created_at), filtering every
    /// challenge of the environment (4,300 rows per send in the benchmark, growing with the table) until an ANALYZE
    /// happened to invalidate it. Planned for the values, the lookup takes the identifier's index whatever the
    /// statistics say. Costs some planning time; saves the row scans.
    /// </summary>
    public const string PlanForTheValues = "SET LOCAL plan_cache_mode = force_custom_plan";

    /// <summary>A statement with positional parameters (<c>$1</c>, <c>$2</c>, ...) bound in order.</summary>
    public static NpgsqlBatchCommand Of(string sql, params ReadOnlySpan<object?> values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values) command.Parameters.Add(Parameter(value));
        return command;
    }

    private static NpgsqlParameter Parameter(object? value) => value switch
    {
        null => new NpgsqlParameter { Value = DBNull.Value },
        string text => new NpgsqlParameter<string> { TypedValue = text, NpgsqlDbType = NpgsqlDbType.Text },
        Guid guid => new NpgsqlParameter<Guid> { TypedValue = guid },
        DateTime { Kind: DateTimeKind.Utc } utc => new NpgsqlParameter<DateTime> { TypedValue = utc, NpgsqlDbType = NpgsqlDbType.TimestampTz },
        DateTime => throw new ArgumentException("Times are stored in UTC."),
        Enum e => new NpgsqlParameter<string> { TypedValue = e.ToString(), NpgsqlDbType = NpgsqlDbType.Text },
        int number => new NpgsqlParameter<int> { TypedValue = number },
        long number => new NpgsqlParameter<long> { TypedValue = number },
        byte[] bytes => new NpgsqlParameter<byte[]> { TypedValue = bytes, NpgsqlDbType = NpgsqlDbType.Bytea },
        bool flag => new NpgsqlParameter<bool> { TypedValue = flag },
        _ => throw new ArgumentException($"No PostgreSQL binding for {value.GetType().Name}."),
    };

    /// <summary>
    /// Rolls back whatever transaction the batches began, so the pooled connection goes back with none open. A broken
    /// connection is discarded by Npgsql instead.
    /// </summary>
    public static async Task RollBackAsync(NpgsqlConnection connection)
    {
        if (connection.State != System.Data.ConnectionState.Open) return;
        try
        {
            await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
            await rollback.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException)
        {
        }
    }
}
