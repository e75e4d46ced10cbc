using System.Security.Cryptography;
using System.Text;

namespace Tessera.Security;

/// <summary>
/// Hashes high-entropy secrets (API key secrets) for storage and lookup. SHA-256 is enough here: the secrets
/// carry 256 random bits, so there is nothing to brute-force; a slow KDF would only slow every API call.
/// </summary>
public static class SecretHasher
{
    public static byte[] Hash(string secret)
    {
        var bytes = Encoding.UTF8.GetBytes(secret);
        return SHA256.HashData(bytes);
    }

    public static bool Matches(string secret, byte[] expectedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(secret), expectedHash);
}
