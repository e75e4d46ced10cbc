using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Tessera.Data;

public static class DbErrors
{
    /// <summary>Whether the save failed on a unique index (two requests raced for the same identifier).</summary>
    public static bool IsUniqueViolation(DbUpdateException exception, out string? constraint) =>
        IsUniqueViolation(exception.InnerException, out constraint);

    /// <summary>The same for a statement run outside EF (<see cref="IWriteUnit"/>).</summary>
    public static bool IsUniqueViolation(Exception? exception, out string? constraint)
    {
        constraint = null;
        switch (exception)
        {
            case PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } postgres:
                constraint = postgres.ConstraintName;
                return true;
            case SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 } sqlite:
                // "UNIQUE constraint failed: profiles.environment_id, profiles.email"
                constraint = sqlite.Message;
                return true;
            default:
                return false;
        }
    }
}
