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
