using System.Security.Cryptography;

namespace Tessera.Security;

/// <summary>Prefixed random identifiers (<c>p_…</c>, <c>env_…</c>) and secrets, base62 from a CSPRNG.</summary>
public static class Ids
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public const string EnvironmentPrefix = "env_";
    public const string ApiKeyPrefix = "api_";
    public const string ClientPrefix = "cl_";
    public const string ProfilePrefix = "p_";
    public const string SigningKeyPrefix = "key_";
    public const string ApiKeySecretPrefix = "tsk_";

    /// <summary>22 base62 characters: about 131 random bits, as the spec's profile ids.</summary>
    public static string New(string prefix, int length = 22) => prefix + RandomBase62(length);

    /// <summary>43 base62 characters: over 256 random bits.</summary>
    public static string NewSecret(string prefix, int length = 43) => prefix + RandomBase62(length);

    public static string RandomBase62(int length)
    {
        // Rejection sampling keeps every character uniform: 62 does not divide 256.
        Span<char> chars = stackalloc char[length];
        Span<byte> buffer = stackalloc byte[64];
        var filled = 0;
        while (filled < length)
        {
            RandomNumberGenerator.Fill(buffer);
            foreach (var b in buffer)
            {
                if (b >= 248) continue;
                chars[filled++] = Alphabet[b % 62];
                if (filled == length) break;
            }
        }
        return new string(chars);
    }

    public static bool IsProfileId(string value) =>
        value.StartsWith(ProfilePrefix, StringComparison.Ordinal) && value.Length <= 64 && IsBase62(value.AsSpan(ProfilePrefix.Length));

    private static bool IsBase62(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty) return false;
        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c)) return false;
        }
        return true;
    }
}
