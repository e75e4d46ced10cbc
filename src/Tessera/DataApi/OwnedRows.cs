using Microsoft.EntityFrameworkCore;
using Tessera.Data;

namespace Tessera.DataApi;

/// <summary>The caller's own rows, read for a write.</summary>
internal static class OwnedRows
{
    /// <summary>
    /// A row of the caller's profile and environment by id, tracked, or null (another profile's id answers null too).
    /// Inside a write transaction: on PostgreSQL the read takes the row lock, so a read-modify-write (a metadata
    /// merge) cannot lose a concurrent one; SQLite's write transaction already serializes every writer.
    /// </summary>
    public static async Task<T?> FindForUpdateAsync<T>(TesseraDbContext db, GraphQLCaller caller, string id, CancellationToken cancellationToken) where T : class
    {
        if (!db.IsPostgres)
            return await db.Set<T>().FirstOrDefaultAsync(r => EF.Property<string>(r, "Id") == id
                                                            && EF.Property<string>(r, "EnvironmentId") == caller.EnvironmentId
                                                            && EF.Property<string>(r, "ProfileId") == caller.ProfileId, cancellationToken);
        // The table name comes from the model, never from input; every value is a parameter.
        var sql = "SELECT * FROM \"" + db.Model.FindEntityType(typeof(T))!.GetTableName() + "\" WHERE id = {0} AND environment_id = {1} AND profile_id = {2} FOR UPDATE";
        var rows = await db.Set<T>().FromSqlRaw(sql, id, caller.EnvironmentId, caller.ProfileId).ToListAsync(cancellationToken);
        return rows.FirstOrDefault();
    }
}
