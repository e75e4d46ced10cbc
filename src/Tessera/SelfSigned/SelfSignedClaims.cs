using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tessera.Sessions;

namespace Tessera.SelfSigned;

/// <summary>
/// The claims of a token a customer's server signs with one of its <see cref="SigningSecret"/>s (HS512 or HS256):
/// <c>uid</c>, the profile, looked up in the secret's environment; <c>iat</c> and <c>exp</c>, at most
/// <see cref="MaxLifetime"/> apart; an optional <c>nbf</c>; an optional <c>jti</c>, which makes the token revocable on its own.
/// </summary>
public static class SelfSignedClaims
{
    /// <summary>The longest a self-signed token may live, from <c>iat</c> to <c>exp</c>.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(24);

    /// <summary>The longest <c>jti</c> accepted (a customer's own id, not one of Tessera's).</summary>
    internal const int MaxTokenIdLength = 128;

    /// <summary>A stable session id for a self-signed token's <c>jti</c>, scoped to its secret, so it can be revoked like any session.</summary>
    public static Guid SessionId(string signingSecretId, string tokenId) => SessionId(signingSecretId, tokenId.AsSpan());

    /// <inheritdoc cref="SessionId(string, string)"/>
    public static Guid SessionId(ReadOnlySpan<char> signingSecretId, ReadOnlySpan<char> tokenId)
    {
        // SHA-256 of the UTF-8 of "<secret id>\n<jti>": both are bounded (64 and 128 characters), so this fits the stack.
        var length = Encoding.UTF8.GetMaxByteCount(signingSecretId.Length + 1 + tokenId.Length);
        Span<byte> input = length <= 1024 ? stackalloc byte[length] : new byte[length];
        var written = Encoding.UTF8.GetBytes(signingSecretId, input);
        input[written++] = (byte)'\n';
        written += Encoding.UTF8.GetBytes(tokenId, input[written..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input[..written], hash);
        return new Guid(hash[..16]);
    }

    /// <summary>Reads <c>uid</c> and <c>jti</c> into the buffers, and the times; <paramref name="jtiLength"/> is -1 when there is no <c>jti</c>.</summary>
    internal static TokenRejection Read(ReadOnlySpan<char> segment, Span<char> uid, Span<char> jti,
        out int uidLength, out int jtiLength, out long issuedAt, out long expiresAt, out long notBefore)
    {
        uidLength = jtiLength = CompactJws.NotAString;
        issuedAt = expiresAt = notBefore = 0;
        Span<byte> json = stackalloc byte[Base64Url.GetMaxDecodedLength(segment.Length)];
        if (Base64Url.DecodeFromChars(segment, json, out _, out var length) != OperationStatus.Done) return TokenRejection.Malformed;
        long? iat = null, exp = null, nbf = null;
        bool hasNbf = false, hasJti = false;
        try
        {
            var reader = new Utf8JsonReader(json[..length]);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return TokenRejection.Claims;
            var seen = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var claim = reader.ValueTextEquals("uid"u8) ? 1 : reader.ValueTextEquals("jti"u8) ? 2 : reader.ValueTextEquals("iat"u8) ? 3
                    : reader.ValueTextEquals("exp"u8) ? 4 : reader.ValueTextEquals("nbf"u8) ? 5 : 0;
                // A claim named twice is refused: parsers disagree on which one counts (RFC 7519 section 4).
                if (claim != 0 && CompactJws.SeenTwice(ref seen, claim)) return TokenRejection.Claims;
                if (claim == 1) uidLength = CompactJws.ReadString(ref reader, uid);
                else if (claim == 2) { jtiLength = CompactJws.ReadString(ref reader, jti); hasJti = true; }
                else if (claim == 3) iat = CompactJws.ReadLong(ref reader);
                else if (claim == 4) exp = CompactJws.ReadLong(ref reader);
                else if (claim == 5) { nbf = CompactJws.ReadLong(ref reader); hasNbf = true; }
                else { reader.Read(); reader.Skip(); }
            }
        }
        catch (JsonException) { return TokenRejection.Malformed; }
        catch (InvalidOperationException) { return TokenRejection.Malformed; }
        // nbf is optional, but one that is there must be a time: ignoring it would make the token valid earlier than its signer said.
        // A jti must be a usable id: one that is not a string, empty or oversized is refused, never read as "no jti",
        // which would leave the signer believing the token can be revoked alone.
        if (uidLength <= 0 || iat is null || exp is null || (hasNbf && nbf is null) || (hasJti && jtiLength is CompactJws.NotAString or 0 or CompactJws.TooLong))
            return TokenRejection.Claims;
        if (!hasJti) jtiLength = -1;
        issuedAt = iat.Value;
        expiresAt = exp.Value;
        notBefore = nbf ?? iat.Value;
        return TokenRejection.None;
    }
}
