using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Tessera.Security;

namespace Tessera.Data;

/// <summary>
/// Online copies of the embedded database, taken while <c>serve</c> runs and writes.
/// </summary>
/// <remarks>
/// The copy is <c>VACUUM INTO</c>: one statement that reads the database inside one read transaction, so the copy is
/// the snapshot of one moment (every commit before it, none after), and in WAL mode a reader never blocks the writer,
/// so requests go on while it runs. The online backup API (<c>SqliteConnection.BackupDatabase</c>) is as consistent,
/// but copies free pages as well and writes the destination through a second connection; VACUUM INTO writes a
/// compact file with nothing else to set up.
/// <para>
/// The copy is written under a temporary name beside the target, switched to a self-contained rollback-journal file,
/// checked with <c>PRAGMA integrity_check</c>, fsynced, and only then renamed into place (and the directory fsynced):
/// the target name is either absent, the old file, or a complete, checked, durable copy.
/// </para>
/// </remarks>
public static class SqliteBackup
{
    public sealed record Result(string Path, long Bytes, TimeSpan Duration);

    /// <summary>Copies the database of <paramref name="connectionString"/> to <paramref name="target"/>.</summary>
    /// <exception cref="BackupRefusedException">Nothing to copy, or a file in the way without <paramref name="overwrite"/>.</exception>
    public static async Task<Result> BackupAsync(string connectionString, string target, bool overwrite, TimeProvider clock, CancellationToken cancellationToken)
    {
        var source = MasterKeyProvider.SqliteDatabaseFile(connectionString)
            ?? throw new BackupRefusedException("the database is in memory: there is nothing on disk to back up.");
        if (!File.Exists(source)) throw new BackupRefusedException($"no database at {source}.");
        var destination = Path.GetFullPath(target);
        if (destination == source) throw new BackupRefusedException("the backup cannot be the database itself.");
        if (Directory.Exists(destination)) throw new BackupRefusedException($"{destination} is a directory; name a file.");
        if (File.Exists(destination) && !overwrite) throw new BackupRefusedException($"{destination} exists; pass --force to replace it.");
        var directory = Path.GetDirectoryName(destination)!;
        Directory.CreateDirectory(directory);

        var started = clock.GetTimestamp();
        var temporary = Path.Combine(directory, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.partial");
        try
        {
            // ReadWrite, not ReadWriteCreate: a wrong path must fail, not back up a new empty database.
            var from = new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadWrite, Pooling = false };
            await using (var connection = new SqliteConnection(from.ConnectionString))
            {
                await connection.OpenAsync(cancellationToken);
                await using var vacuum = connection.CreateCommand();
                vacuum.CommandText = "VACUUM INTO $path";
                vacuum.Parameters.AddWithValue("$path", temporary);
                // The default 30 s is for requests; a large database may take longer to copy.
                vacuum.CommandTimeout = 0;
                await vacuum.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = temporary, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ConnectionString))
            {
                await copy.OpenAsync(cancellationToken);
                // One file, no -wal beside it to lose when the backup is copied elsewhere; `serve` turns WAL back on.
                await ExecuteAsync(copy, "PRAGMA journal_mode=DELETE;", cancellationToken);
                var problems = await IntegrityCheckAsync(copy, cancellationToken);
                if (problems is not null) throw new BackupRefusedException($"the copy failed PRAGMA integrity_check: {problems}");
            }

            OwnerOnly(temporary);
            FlushToDisk(temporary);
            File.Move(temporary, destination, overwrite);
            FlushDirectory(directory);
            return new Result(destination, new FileInfo(destination).Length, clock.GetElapsedTime(started));
        }
        finally
        {
            File.Delete(temporary);
            File.Delete(temporary + "-journal");
        }
    }

    /// <summary>
    /// Puts a backup in place of the database of <paramref name="connectionString"/>, which no process may have open:
    /// the backup is checked, copied beside the database under a temporary name, fsynced and renamed over it.
    /// </summary>
    /// <exception cref="BackupRefusedException">The backup is damaged, or the database exists (without
    /// <paramref name="overwrite"/>) or is open in another process.</exception>
    public static async Task<Result> RestoreAsync(string connectionString, string backup, bool overwrite, TimeProvider clock, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        var source = Path.GetFullPath(backup);
        if (!File.Exists(source)) throw new BackupRefusedException($"no backup at {source}.");
        var destination = MasterKeyProvider.SqliteDatabaseFile(connectionString)
            ?? throw new BackupRefusedException("the database is configured in memory: there is nowhere to restore to.");
        if (destination == source) throw new BackupRefusedException("the backup is the database itself.");
        if (await IntegrityCheckAsync(source, cancellationToken) is { } problems)
            throw new BackupRefusedException($"{source} failed PRAGMA integrity_check: {problems}");

        if (File.Exists(destination))
        {
            if (!overwrite) throw new BackupRefusedException($"{destination} exists; stop the server, then pass --force to replace it.");
            await EnsureNotInUseAsync(destination, cancellationToken);
        }
        var directory = Path.GetDirectoryName(destination)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.partial");
        try
        {
            File.Copy(source, temporary);
            OwnerOnly(temporary);
            FlushToDisk(temporary);
            // A -wal left beside the old file would be replayed into the restored one: there is none after
            // EnsureNotInUseAsync, and none may be left from an older crash either.
            File.Delete(destination + "-wal");
            File.Delete(destination + "-shm");
            File.Move(temporary, destination, overwrite: true);
            FlushDirectory(directory);
            return new Result(destination, new FileInfo(destination).Length, clock.GetElapsedTime(started));
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>
    /// Refuses a database another connection has open. A connection in WAL mode holds a shared lock on the file for as
    /// long as it is open, so leaving WAL mode (which needs the only connection) succeeds only when no server runs on it;
    /// it also checkpoints the old -wal into the file and removes it.
    /// </summary>
    private static async Task EnsureNotInUseAsync(string file, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 2 }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=DELETE;";
        string? mode;
        try
        {
            mode = (await command.ExecuteScalarAsync(cancellationToken)) as string;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6) // SQLITE_BUSY, SQLITE_LOCKED
        {
            mode = null;
        }
        if (!string.Equals(mode, "delete", StringComparison.OrdinalIgnoreCase))
            throw new BackupRefusedException($"{file} is open in another process (is `tessera serve` running on it?): stop it first.");
    }

    /// <summary>Null when <c>PRAGMA integrity_check</c> says ok; else what it found (its first lines).</summary>
    public static async Task<string?> IntegrityCheckAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check;";
        command.CommandTimeout = 0;
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken) && lines.Count < 10) lines.Add(reader.GetString(0));
        return lines is ["ok"] ? null : string.Join("; ", lines);
    }

    /// <summary><see cref="IntegrityCheckAsync(SqliteConnection, CancellationToken)"/> of a database file, opened read-only.</summary>
    public static async Task<string?> IntegrityCheckAsync(string file, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            return await IntegrityCheckAsync(connection, cancellationToken);
        }
        catch (SqliteException ex)
        {
            // Not a database at all, or too damaged for the check to run.
            return ex.Message;
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // Profiles and encrypted secrets: readable by the owner only, like the key file.
    private static void OwnerOnly(string file)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private static void FlushToDisk(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
        stream.Flush(flushToDisk: true);
    }

    // The rename is durable only once the directory entry is: fsync the directory (POSIX; Windows has no such call).
    private static void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        var fd = Posix.Open(directory, 0 /* O_RDONLY */);
        if (fd < 0) return;
        try { Posix.Fsync(fd); }
        finally { Posix.Close(fd); }
    }

    private static class Posix
    {
        [DllImport("libc", EntryPoint = "open")]
        internal static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", EntryPoint = "fsync")]
        internal static extern int Fsync(int fd);

        [DllImport("libc", EntryPoint = "close")]
        internal static extern int Close(int fd);
    }
}

/// <summary>A backup that was not taken, for a reason the operator can fix (the message says which).</summary>
public sealed class BackupRefusedException(string message) : Exception(message);
