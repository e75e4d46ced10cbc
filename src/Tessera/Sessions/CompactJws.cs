using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace Tessera.Sessions;

/// <summary>
/// The <c>alg</c> values Tessera knows; <c>None</c> stands for anything else (<c>none</c> included). Knowing a value is
/// not accepting it: each key or secret accepts exactly its own algorithm (no algorithm confusion).
/// </summary>
public enum JwsAlgorithm { None, HS256, HS512, ES256, RS256 }

/// <summary>
/// The parts of a compact JWS that both token formats share: the header, the signature, and bounded
/// reads of claim values. Everything is decoded on the stack.
/// </summary>
internal static class CompactJws
{
    /// <summary>Whether the third segment is <paramref name="hmac"/> of the first two, compared in constant time.</summary>
    public static bool SignatureMatches(ReadOnlySpan<char> token, int lastDot, PooledHmac hmac)
    {
        var size = hmac.HashSize;
        // The signing input is the ASCII of the first two segments; anything else cannot be a token we or a customer signed.
        Span<byte> signingInput = stackalloc byte[lastDot];
        if (System.Text.Ascii.FromUtf16(token[..lastDot], signingInput, out var copied) != OperationStatus.Done || copied != lastDot) return false;

        Span<byte> given = stackalloc byte[66];
        if (token.Length - lastDot - 1 > 88
            || Base64Url.DecodeFromChars(token[(lastDot + 1)..], given, out _, out var written) != OperationStatus.Done
            || written != size)
            return false;
        Span<byte> expected = stackalloc byte[64];
        hmac.Compute(signingInput, expected);
        return CryptographicOperations.FixedTimeEquals(expected[..size], given[..size]);
    }

    /// <summary>Whether the third segment is <paramref name="key"/>'s signature of the first two.</summary>
    public static bool SignatureMatches(ReadOnlySpan<char> token, int lastDot, PooledSignatureKey key)
    {
        Span<byte> signingInput = stackalloc byte[lastDot];
        if (System.Text.Ascii.FromUtf16(token[..lastDot], signingInput, out var copied) != OperationStatus.Done || copied != lastDot) return false;
        // At most 512 bytes (RSA-4096), 683 characters.
        Span<byte> given = stackalloc byte[513];
        if (token.Length - lastDot - 1 > 684
            || Base64Url.DecodeFromChars(token[(lastDot + 1)..], given, out _, out var written) != OperationStatus.Done
            || written != key.SignatureSize)
            return false;
        return key.Verify(signingInput, given[..written]);
    }

    /// <summary>The header: a known <c>alg</c> and a <c>kid</c> (read into <paramref name="kid"/>); any header naming another key is refused.</summary>
    public static TokenRejection ReadHeader(ReadOnlySpan<char> segment, Span<char> kid, out JwsAlgorithm algorithm, out int kidLength)
    {
        algorithm = JwsAlgorithm.None;
        kidLength = -1;
        Span<byte> json = stackalloc byte[512];
        if (segment.Length > 680 || Base64Url.DecodeFromChars(segment, json, out _, out var length) != OperationStatus.Done)
            return TokenRejection.Malformed;
        try
        {
            var reader = new Utf8JsonReader(json[..length]);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return TokenRejection.Malformed;
            var seen = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("alg"u8))
                {
                    if (SeenTwice(ref seen, 1)) return TokenRejection.Malformed;
                    reader.Read();
                    algorithm = reader.TokenType != JsonTokenType.String ? JwsAlgorithm.None
                        : reader.ValueTextEquals("HS512"u8) ? JwsAlgorithm.HS512
                        : reader.ValueTextEquals("HS256"u8) ? JwsAlgorithm.HS256
                        : reader.ValueTextEquals("ES256"u8) ? JwsAlgorithm.ES256
                        : reader.ValueTextEquals("RS256"u8) ? JwsAlgorithm.RS256
                        : JwsAlgorithm.None;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("kid"u8))
                {
                    if (SeenTwice(ref seen, 2)) return TokenRejection.Malformed;
                    kidLength = ReadString(ref reader, kid);
                }
                else if (reader.ValueTextEquals("jku"u8) || reader.ValueTextEquals("jwk"u8) || reader.ValueTextEquals("x5u"u8)
                         || reader.ValueTextEquals("x5c"u8) || reader.ValueTextEquals("crit"u8))
                    // Headers that point at other keys or demand extensions are never honoured: refuse outright.
                    return TokenRejection.Algorithm;
                else { reader.Read(); reader.Skip(); }
            }
        }
        catch (JsonException) { return TokenRejection.Malformed; }
        catch (InvalidOperationException) { return TokenRejection.Malformed; }
        // Which algorithm the named key accepts is the verifier's call; unknown ones (none included) stop here.
        if (algorithm == JwsAlgorithm.None) return TokenRejection.Algorithm;
        if (kidLength <= 0) return TokenRejection.UnknownKey;
        return TokenRejection.None;
    }

    public const int NotAString = -1;
    public const int TooLong = -2;

    /// <summary>
    /// Reads the next value as a string into <paramref name="destination"/>: its length, <see cref="NotAString"/>, or
    /// <see cref="TooLong"/> when it does not fit (every field read this way has a length limit).
    /// </summary>
    public static int ReadString(ref Utf8JsonReader reader, Span<char> destination)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return NotAString;
        }
        // Unescaped, a string has at most as many UTF-16 characters as its raw UTF-8 bytes.
        if (reader.ValueSpan.Length <= destination.Length) return reader.CopyString(destination);
        if (!reader.ValueIsEscaped) return TooLong;
        Span<char> unescaped = stackalloc char[reader.ValueSpan.Length];
        var length = reader.CopyString(unescaped);
        if (length > destination.Length) return TooLong;
        unescaped[..length].CopyTo(destination);
        return length;
    }

    /// <summary>Marks claim number <paramref name="claim"/> (1-31) as seen; true when it already was.</summary>
    public static bool SeenTwice(ref int seen, int claim)
    {
        var bit = 1 << claim;
        if ((seen & bit) != 0) return true;
        seen |= bit;
        return false;
    }

    /// <summary>Reads the next value as a 64-bit integer, or null when it is anything else.</summary>
    public static long? ReadLong(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value)) return value;
        reader.Skip();
        return null;
    }
}
