using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Tessera.Hosting;

namespace Tessera.Security;

/// <summary>
/// Encrypts key material that must be recoverable (environment signing keys) with AES-256-GCM under the
/// server's master key, so a database dump alone does not reveal it. Layout: version(1) | nonce(12) | tag(16) | ciphertext.
/// </summary>
public sealed class SecretProtector
{
    private const byte Version = 1;
    private readonly MasterKeyProvider _masterKey;

    // The key is read at each use, not at construction: hosted services are built before the start-up check that
    // loads (or, on an empty database, creates) it.
    public SecretProtector(MasterKeyProvider masterKey) => _masterKey = masterKey;

    public byte[] Protect(ReadOnlySpan<byte> plaintext, string associatedData)
    {
        var output = new byte[1 + 12 + 16 + plaintext.Length];
        output[0] = Version;
        var nonce = output.AsSpan(1, 12);
        var tag = output.AsSpan(13, 16);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_masterKey.Key, 16);
        aes.Encrypt(nonce, plaintext, output.AsSpan(29), tag, System.Text.Encoding.UTF8.GetBytes(associatedData));
        return output;
    }

    public byte[] Unprotect(byte[] protectedData, string associatedData)
    {
        if (protectedData.Length < 29 || protectedData[0] != Version)
            throw new CryptographicException("Unknown protected data format.");
        var plaintext = new byte[protectedData.Length - 29];
        using var aes = new AesGcm(_masterKey.Key, 16);
        aes.Decrypt(protectedData.AsSpan(1, 12), protectedData.AsSpan(29), protectedData.AsSpan(13, 16), plaintext,
            System.Text.Encoding.UTF8.GetBytes(associatedData));
        return plaintext;
    }
}

/// <summary>Options for secrets at rest.</summary>
public sealed class SecretsOptions
{
    /// <summary>
    /// Base64 of 32 random bytes. Required with PostgreSQL (every instance must share it). With SQLite, when unset,
    /// a key is generated once into <see cref="KeyFile"/>.
    /// </summary>
    public string? MasterKey { get; set; }

    /// <summary>Where the generated key lives for the embedded default. Unset: <c>master.key</c> beside the SQLite
    /// database file, wherever the server is started from; a relative path here is relative to the working directory.</summary>
    public string? KeyFile { get; set; }
}

/// <summary>
/// The 256-bit master key: from <c>Secrets:MasterKey</c>, or for the embedded default from a key file beside the
/// database. The file is created only by <see cref="MasterKeyCheck"/>, once it has seen that the database holds
/// nothing encrypted under another key; reading <see cref="Key"/> never creates one.
/// </summary>
public sealed class MasterKeyProvider
{
    private readonly object _gate = new();
    private readonly bool _inline;
    private byte[]? _key;

    /// <summary>The key file in use; null when the key comes from configuration or the database lives in memory.</summary>
    public string? KeyFilePath { get; }

    /// <summary>Where the key comes from, for messages: the setting's name or the file's full path.</summary>
    public string Source => KeyFilePath ?? (_inline ? "Secrets:MasterKey" : "an in-memory key");

    /// <summary>The key file an earlier version would have used (<c>data/master.key</c> under the working
    /// directory) when it differs from <see cref="KeyFilePath"/>, to point an operator at it.</summary>
    public string? LegacyKeyFilePath { get; }

    public MasterKeyProvider(IOptions<SecretsOptions> options, IOptions<Data.DatabaseOptions> database)
    {
        var o = options.Value;
        if (!string.IsNullOrWhiteSpace(o.MasterKey))
        {
            _key = Decode(o.MasterKey, "Secrets:MasterKey");
            _inline = true;
            return;
        }
        if (database.Value.Provider != Data.DatabaseProvider.Sqlite)
            throw new StartupRefusedException(
                "Secrets:MasterKey is required with PostgreSQL: every instance must share it. Generate one with `openssl rand -base64 32`.");
        if (!string.IsNullOrWhiteSpace(o.KeyFile))
        {
            KeyFilePath = Path.GetFullPath(o.KeyFile);
            return;
        }
        var databaseFile = SqliteDatabaseFile(database.Value.EffectiveConnectionString);
        if (databaseFile is null)
        {
            // An in-memory database dies with the process: so may its key.
            _key = RandomNumberGenerator.GetBytes(32);
            return;
        }
        KeyFilePath = Path.Combine(Path.GetDirectoryName(databaseFile)!, "master.key");
        var legacy = Path.GetFullPath(Path.Combine("data", "master.key"));
        if (legacy != KeyFilePath) LegacyKeyFilePath = legacy;
    }

    /// <summary>Whether a key is at hand: configured, in memory, or its file exists.</summary>
    public bool Exists => _key is not null || File.Exists(KeyFilePath);

    public byte[] Key
    {
        get
        {
            if (_key is { } key) return key;
            lock (_gate)
            {
                if (_key is not null) return _key;
                if (!File.Exists(KeyFilePath))
                    throw new InvalidOperationException($"No master key at {KeyFilePath}: it is created when the server or a command starts on an empty database.");
                return _key = Decode(File.ReadAllText(KeyFilePath), KeyFilePath!);
            }
        }
    }

    /// <summary>Writes a new key file (owner-only). Called by <see cref="MasterKeyCheck"/> on a database that holds
    /// nothing encrypted; when another process wrote one first, theirs is used.</summary>
    internal void CreateKeyFile()
    {
        lock (_gate)
        {
            if (_key is not null || KeyFilePath is null) return;
            Directory.CreateDirectory(Path.GetDirectoryName(KeyFilePath)!);
            var key = RandomNumberGenerator.GetBytes(32);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            try
            {
                using var stream = new FileStream(KeyFilePath, options);
                using var writer = new StreamWriter(stream);
                writer.Write(Convert.ToBase64String(key));
                _key = key;
            }
            catch (IOException) when (File.Exists(KeyFilePath))
            {
                _key = Decode(File.ReadAllText(KeyFilePath), KeyFilePath);
            }
        }
    }

    /// <summary>The full path of a SQLite connection string's database file; null for an in-memory database.
    /// Relative paths are relative to the working directory, as SQLite opens them.</summary>
    internal static string? SqliteDatabaseFile(string connectionString)
    {
        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString);
        var source = builder.DataSource;
        if (builder.Mode == Microsoft.Data.Sqlite.SqliteOpenMode.Memory || string.IsNullOrEmpty(source) || source == ":memory:") return null;
        if (source.StartsWith("|DataDirectory|", StringComparison.OrdinalIgnoreCase))
            source = Path.Combine(AppDomain.CurrentDomain.GetData("DataDirectory") as string ?? AppContext.BaseDirectory,
                source["|DataDirectory|".Length..].TrimStart('/', '\\'));
        else if (source.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            if (source.Contains("mode=memory", StringComparison.OrdinalIgnoreCase)) return null;
            source = source["file:".Length..];
            var query = source.IndexOf('?');
            if (query >= 0) source = source[..query];
            source = Uri.UnescapeDataString(source);
        }
        return Path.GetFullPath(source);
    }

    private static byte[] Decode(string base64, string name)
    {
        byte[] key;
        try { key = Convert.FromBase64String(base64.Trim()); }
        catch (FormatException) { throw new StartupRefusedException($"{name} must be base64."); }
        if (key.Length != 32) throw new StartupRefusedException($"{name} must decode to 32 bytes, not {key.Length}.");
        return key;
    }
}
