using System.Security.Cryptography;
using System.Text;
using Tessera.Security;

namespace Tessera.Passcodes;

/// <summary>
/// Makes and checks passcodes. A code is stored only as HMAC-SHA256 under a key derived from the master key and
/// bound to its challenge id, so a database dump yields neither codes nor a table to look them up in.
/// </summary>
public sealed class PasscodeHasher(MasterKeyProvider masterKey)
{
    // Derived at first use: the master key is loaded by the start-up check, after singletons are built.
    private byte[]? _derived;
    private byte[] DerivedKey => _derived ??= HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey.Key, 32, info: "tessera passcode v1"u8.ToArray());

    public const string SandboxCode = "000000";

    /// <summary>Six digits from a CSPRNG, uniformly.</summary>
    public static string NewCode() => RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    public static bool IsWellFormed(string code) => code.Length == 6 && code.All(char.IsAsciiDigit);

    public byte[] Hash(Guid challengeId, string code)
    {
        Span<byte> input = stackalloc byte[16 + 6];
        challengeId.TryWriteBytes(input);
        Encoding.ASCII.GetBytes(code, input[16..]);
        return HMACSHA256.HashData(DerivedKey, input);
    }

    public bool Matches(Guid challengeId, string code, byte[] expected) =>
        IsWellFormed(code) && CryptographicOperations.FixedTimeEquals(Hash(challengeId, code), expected);
}
