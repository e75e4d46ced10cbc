using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Tessera.Security;

/// <summary>
/// Encrypts key material that must be recoverable (environment signing keys) with AES-256-GCM under the
/// server's master key, so a database dump alone does not reveal it. Layout: version(1) | nonce(12) | tag(16) | ciphertext.
/// </summary>
public sealed class SecretProtector
{
    private const byte Version = 1;
    private readonly byte[] _key;

    public SecretProtector(MasterKeyProvider masterKey) => _key = masterKey.Key;

    public byte[] Protect(ReadOnlySpan<byte> plaintext, string associatedData)
    {
        var output = new byte[1 + 12 + 16 + plaintext.Length];
        output[0] = Version;
        var nonce = output.AsSpan(1, 12);
        var tag = output.AsSpan(13, 16);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, 16);
        aes.Encrypt(nonce, plaintext, output.AsSpan(29), tag, System.Text.Encoding.UTF8.GetBytes(associatedData));
        return output;
    }

    public byte[] Unprotect(byte[] protectedData, string associatedData)
    {
        if (protectedData.Length < 29 || protectedData[0] != Version)
            throw new CryptographicException("Unknown protected data format.");
        var plaintext = new byte[protectedData.Length - 29];
        using var aes = new AesGcm(_key, 16);
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
    /// a key is generated once into <see cref="KeyFile"/> beside the database.
    /// </summary>
    public string? MasterKey { get; set; }

    /// <summary>Where the generated key lives for the embedded default. Defaults to <c>data/master.key</c>.</summary>
    public string KeyFile { get; set; } = Path.Combine("data", "master.key");
}

/// <summary>Loads (or, for the embedded default, creates) the 256-bit master key.</summary>
public sealed class MasterKeyProvider
{
    public byte[] Key { get; }

    public MasterKeyProvider(IOptions<SecretsOptions> options, IOptions<Data.DatabaseOptions> database)
    {
        var o = options.Value;
        if (!string.IsNullOrWhiteSpace(o.MasterKey))
        {
            Key = Decode(o.MasterKey, "Secrets:MasterKey");
            return;
        }
        if (database.Value.Provider != Data.DatabaseProvider.Sqlite)
            throw new InvalidOperationException(
                "Secrets:MasterKey is required with PostgreSQL: every instance must share it. Generate one with `openssl rand -base64 32`.");
        Key = LoadOrCreate(o.KeyFile);
    }

    private static byte[] Decode(string base64, string name)
    {
        byte[] key;
        try { key = Convert.FromBase64String(base64.Trim()); }
        catch (FormatException) { throw new InvalidOperationException($"{name} must be base64."); }
        if (key.Length != 32) throw new InvalidOperationException($"{name} must decode to 32 bytes, not {key.Length}.");
        return key;
    }

    private static byte[] LoadOrCreate(string path)
    {
        if (File.Exists(path)) return Decode(File.ReadAllText(path), path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var key = RandomNumberGenerator.GetBytes(32);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var stream = new FileStream(path, options);
            using var writer = new StreamWriter(stream);
            writer.Write(Convert.ToBase64String(key));
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: use theirs.
            return Decode(File.ReadAllText(path), path);
        }
        return key;
    }
}
