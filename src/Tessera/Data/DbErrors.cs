using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Tessera.Data;

public static class DbErrors
{
    /// <summary>Whether the save failed on a unique index (two requests raced for the same identifier).</summary>
    public static bool IsUniqueViolation(DbUpdateException exception, out string? constraint)
    {
        constraint = null;
        switch (exception.InnerException)
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

    /// <summary>
    /// Serializes writers of one profile for the rest of the transaction. SQLite already serializes all writers
    /// (Microsoft.Data.Sqlite begins transactions IMMEDIATE), so only PostgreSQL needs the row lock.
    /// </summary>
    public static Task LockProfileAsync(this TesseraDbContext db, string profileId, CancellationToken cancellationToken) =>
        db.Database.IsNpgsql()
            ? db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM profiles WHERE id = {profileId} FOR UPDATE", cancellationToken)
            : Task.CompletedTask;

    /// <summary>
    /// Serializes passcode sends and answers for one identifier of one environment (cooldown, single use). PostgreSQL:
    /// a transaction-scoped advisory lock on a hash of the pair, and the identifier lookups after it planned for their
    /// values (<see cref="PostgresStatement.PlanForTheValues"/>); SQLite: writers are already serialized.
    /// </summary>
    public static Task LockIdentifierAsync(this TesseraDbContext db, string environmentId, string identifier, CancellationToken cancellationToken) =>
        db.Database.IsNpgsql()
            ? db.Database.ExecuteSqlRawAsync(LockIdentifierStatements, [IdentifierLockKey(environmentId, identifier)], cancellationToken)
            : Task.CompletedTask;

    private const string LockIdentifierStatements = PostgresStatement.PlanForTheValues + ";\nSELECT pg_advisory_xact_lock(hashtextextended({0}, 0))";

    /// <summary>The text hashed to the identifier's advisory lock key (the writers outside EF lock the same key).</summary>
    public static string IdentifierLockKey(string environmentId, string identifier) => environmentId + "\n" + identifier;
}
