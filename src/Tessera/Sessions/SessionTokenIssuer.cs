using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Tessera.Environments;

namespace Tessera.Sessions;

/// <summary>Signs session tokens: compact JWS, HS512 or ES256 as the environment's active key says.</summary>
/// <remarks>
/// On the issuance hot path, so it allocates only the token string: the header segment is encoded once per key, the
/// payload is written into a per-thread buffer, and the token is assembled and signed in a pooled byte buffer.
/// </remarks>
public sealed class SessionTokenIssuer(IOptions<SessionTokenOptions> options)
{
    public const int TokenVersion = 2;
    private const int SignatureLength = 64;
    private static readonly int EncodedSignatureLength = Base64Url.GetEncodedLength(SignatureLength);

    private readonly SessionTokenOptions _options = options.Value;
    private readonly JsonEncodedText _audience = JsonEncodedText.Encode(options.Value.EffectiveAudience);
    // Key id → the encoded header segment (ASCII) and the issuer. Keys are few and their ids never change meaning.
    private readonly ConcurrentDictionary<string, (byte[] Header, JsonEncodedText Issuer)> _perKey = new(StringComparer.Ordinal);

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_payload;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    public string Sign(SigningKeyRing.LoadedKey key, SessionClaims claims)
    {
        var (header, issuer) = _perKey.GetOrAdd(key.Id, static (_, state) => (
            Encoding.ASCII.GetBytes(EncodeSegment(WriteHeader(state.Key.Id, state.Key.Algorithm))),
            JsonEncodedText.Encode(state.Options.IssuerFor(state.Key.EnvironmentId, state.Key.Algorithm))), (Key: key, Options: _options));
        var payload = WritePayload(claims, issuer);

        var unsafeCount = CountUnsafe(payload);
        var escapedLength = payload.Length + unsafeCount * 5;
        var signingInputLength = header.Length + 1 + Base64Url.GetEncodedLength(escapedLength);
        var tokenLength = signingInputLength + 1 + EncodedSignatureLength;
        var rented = ArrayPool<byte>.Shared.Rent(tokenLength + (unsafeCount == 0 ? 0 : escapedLength));
        try
        {
            var token = rented.AsSpan(0, tokenLength);
            header.CopyTo(token);
            token[header.Length] = (byte)'.';
            var segment = unsafeCount == 0 ? payload : Escape(payload, rented.AsSpan(tokenLength, escapedLength));
            Base64Url.EncodeToUtf8(segment, token[(header.Length + 1)..signingInputLength], out _, out _);
            token[signingInputLength] = (byte)'.';
            Span<byte> signature = stackalloc byte[SignatureLength];
            // HS512 and ES256 signatures are both 64 bytes: one token layout for both.
            if (key.Signature is { } ecdsa) ecdsa.Sign(token[..signingInputLength], signature);
            else HMACSHA512.HashData(key.Key, token[..signingInputLength], signature);
            Base64Url.EncodeToUtf8(signature, token[(signingInputLength + 1)..], out _, out _);
            return Encoding.ASCII.GetString(token);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static byte[] WriteHeader(string keyId, JwsAlgorithm algorithm)
    {
        var buffer = new ArrayBufferWriter<byte>(96);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("alg", SigningAlgorithms.Name(algorithm));
            writer.WriteString("typ", "JWT");
            writer.WriteString("kid", keyId);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The payload's JSON in this thread's buffer, valid until the thread's next call.</summary>
    private ReadOnlySpan<byte> WritePayload(SessionClaims c, JsonEncodedText issuer)
    {
        var buffer = t_payload ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        writer.WriteStartObject();
        writer.WriteString("iss"u8, issuer);
        writer.WriteString("aud"u8, _audience);
        writer.WriteString("sub"u8, c.ProfileId);
        writer.WriteString("uid"u8, c.ProfileId);
        writer.WriteNumber("nbf"u8, c.NotBefore);
        writer.WriteNumber("iat"u8, c.IssuedAt);
        writer.WriteNumber("exp"u8, c.ExpiresAt);
        writer.WriteString("jti"u8, c.SessionId); // Guid: the "D" format
        writer.WriteNumber("ver"u8, TokenVersion);
        writer.WriteString("eid"u8, c.EnvironmentId);
        if (c.ClientId is not null) writer.WriteString("cid"u8, c.ClientId);
        writer.WriteString("did"u8, c.IssuedBy);
        writer.WriteEndObject();
        writer.Flush();
        return buffer.WrittenSpan;
    }

    /// <summary>
    /// Base64url-encodes a JSON segment so that the result holds no <c>-</c> or <c>_</c>: the official SDK decodes
    /// the payload with <c>atob</c>, which rejects them. For ASCII input only the bytes <c>&gt; ? ~ DEL</c> can produce
    /// those characters; System.Text.Json already escapes non-ASCII and <c>&gt;</c>, and the rest can only stand
    /// inside JSON strings, where <c>\u00XX</c> means the same thing. So escaping them makes any payload safe.
    /// </summary>
    internal static string EncodeSegment(byte[] json)
    {
        var unsafeCount = CountUnsafe(json);
        return Base64Url.EncodeToString(unsafeCount == 0 ? json : Escape(json, new byte[json.Length + unsafeCount * 5]));
    }

    private static int CountUnsafe(ReadOnlySpan<byte> json)
    {
        var count = 0;
        foreach (var b in json) if (IsUnsafe(b)) count++;
        return count;
    }

    private static Span<byte> Escape(ReadOnlySpan<byte> json, Span<byte> escaped)
    {
        var i = 0;
        foreach (var b in json)
        {
            if (!IsUnsafe(b)) { escaped[i++] = b; continue; }
            "\\u00"u8.CopyTo(escaped[i..]);
            escaped[i + 4] = (byte)"0123456789ABCDEF"[b >> 4];
            escaped[i + 5] = (byte)"0123456789ABCDEF"[b & 0xF];
            i += 6;
        }
        return escaped[..i];
    }

    // Non-ASCII never reaches here raw: the default encoder writes it as \uXXXX.
    private static bool IsUnsafe(byte b) => b is (byte)'>' or (byte)'?' or (byte)'~' or 0x7F;
}
