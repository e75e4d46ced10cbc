using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Tessera.Environments;

namespace Tessera.Sessions;

/// <summary>Signs session tokens: compact JWS, HS512, with the environment's active key.</summary>
public sealed class SessionTokenIssuer(IOptions<SessionTokenOptions> options)
{
    public const int TokenVersion = 2;
    private readonly SessionTokenOptions _options = options.Value;

    public string Sign(SigningKeyRing.LoadedKey key, SessionClaims claims)
    {
        var header = EncodeSegment(WriteHeader(key.Id));
        var payload = EncodeSegment(WritePayload(claims));
        var signingInput = header + "." + payload;
        Span<byte> signature = stackalloc byte[64];
        HMACSHA512.HashData(key.Key, Encoding.ASCII.GetBytes(signingInput), signature);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    private static byte[] WriteHeader(string keyId)
    {
        var buffer = new ArrayBufferWriter<byte>(96);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("alg", "HS512");
            writer.WriteString("typ", "JWT");
            writer.WriteString("kid", keyId);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private byte[] WritePayload(SessionClaims c)
    {
        var buffer = new ArrayBufferWriter<byte>(384);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("iss", _options.EffectiveIssuer);
            writer.WriteString("aud", _options.EffectiveAudience);
            writer.WriteString("sub", c.ProfileId);
            writer.WriteString("uid", c.ProfileId);
            writer.WriteNumber("nbf", c.NotBefore);
            writer.WriteNumber("iat", c.IssuedAt);
            writer.WriteNumber("exp", c.ExpiresAt);
            writer.WriteString("jti", c.SessionId.ToString("D"));
            writer.WriteNumber("ver", TokenVersion);
            writer.WriteString("eid", c.EnvironmentId);
            if (c.ClientId is not null) writer.WriteString("cid", c.ClientId);
            writer.WriteString("did", c.IssuedBy);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Base64url-encodes a JSON segment so that the result holds no <c>-</c> or <c>_</c>: the official SDK decodes
    /// the payload with <c>atob</c>, which rejects them. For ASCII input only the bytes <c>&gt; ? ~ DEL</c> can produce
    /// those characters; System.Text.Json already escapes non-ASCII and <c>&gt;</c>, and the rest can only stand
    /// inside JSON strings, where <c>\u00XX</c> means the same thing. So escaping them makes any payload safe.
    /// </summary>
    internal static string EncodeSegment(byte[] json)
    {
        var unsafeCount = 0;
        foreach (var b in json) if (IsUnsafe(b)) unsafeCount++;
        if (unsafeCount == 0) return Base64Url.EncodeToString(json);

        var escaped = new byte[json.Length + unsafeCount * 5];
        var i = 0;
        foreach (var b in json)
        {
            if (!IsUnsafe(b)) { escaped[i++] = b; continue; }
            "\\u00"u8.CopyTo(escaped.AsSpan(i));
            escaped[i + 4] = (byte)"0123456789ABCDEF"[b >> 4];
            escaped[i + 5] = (byte)"0123456789ABCDEF"[b & 0xF];
            i += 6;
        }
        return Base64Url.EncodeToString(escaped);
    }

    // Non-ASCII never reaches here raw: the default encoder writes it as \uXXXX.
    private static bool IsUnsafe(byte b) => b is (byte)'>' or (byte)'?' or (byte)'~' or 0x7F;
}
