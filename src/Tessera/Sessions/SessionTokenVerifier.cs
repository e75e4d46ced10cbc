using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Tessera.Environments;

namespace Tessera.Sessions;

/// <summary>Why a token was refused. Only for logs and tests: clients always get the same 401.</summary>
public enum TokenRejection
{
    None,
    Malformed,
    Algorithm,
    UnknownKey,
    RetiredKey,
    Signature,
    Claims,
    Issuer,
    Audience,
    Expired,
    NotYetValid,
    Revoked,
}

public readonly record struct TokenVerification(SessionClaims? Claims, TokenRejection Rejection)
{
    public bool IsValid => Claims is not null;
    public static TokenVerification Fail(TokenRejection why) => new(null, why);
}

/// <summary>
/// Verifies session tokens strictly: HS512 only, known unretired key of the token's environment, signature in
/// constant time, <c>iss</c>, <c>aud</c>, <c>exp</c>, <c>nbf</c>, then the in-memory revocation set. A valid token
/// costs no database round trip. Tokens whose <c>kid</c> names a customer's signing secret (<c>ss_…</c>) are
/// self-signed: HS512 or HS256 with that secret, <c>uid</c> resolved in the secret's environment, at most 24 hours
/// between <c>iat</c> and <c>exp</c>.
/// </summary>
public sealed class SessionTokenVerifier(
    SigningKeyRing keys,
    SelfSigned.SigningSecretRing secrets,
    ProfileDirectory directory,
    RevocationList revocations,
    IOptions<SessionTokenOptions> options,
    TimeProvider clock)
{
    private const int MaxTokenLength = 4096;
    private readonly SessionTokenOptions _options = options.Value;
    private readonly byte[] _issuer = Encoding.UTF8.GetBytes(options.Value.EffectiveIssuer);
    private readonly byte[] _audience = Encoding.UTF8.GetBytes(options.Value.EffectiveAudience);

    public async ValueTask<TokenVerification> VerifyAsync(string token, CancellationToken cancellationToken = default)
    {
        if (token.Length is 0 or > MaxTokenLength) return TokenVerification.Fail(TokenRejection.Malformed);
        var firstDot = token.IndexOf('.');
        var lastDot = token.LastIndexOf('.');
        if (firstDot <= 0 || lastDot == firstDot || lastDot == token.Length - 1 || token.AsSpan(firstDot + 1, lastDot - firstDot - 1).Contains('.'))
            return TokenVerification.Fail(TokenRejection.Malformed);

        var header = ReadHeader(token.AsSpan(0, firstDot));
        if (header.Rejection != TokenRejection.None) return TokenVerification.Fail(header.Rejection);
        if (header.KeyId!.StartsWith(SelfSignedPrefix, StringComparison.Ordinal))
            return await VerifySelfSignedAsync(token, firstDot, lastDot, header, cancellationToken);
        // Tessera's own tokens are HS512, nothing else: no algorithm confusion with the self-signed allowance.
        if (header.Algorithm != "HS512") return TokenVerification.Fail(TokenRejection.Algorithm);

        var key = await keys.FindAsync(header.KeyId!, cancellationToken);
        if (key is null) return TokenVerification.Fail(TokenRejection.UnknownKey);
        var now = clock.GetUtcNow();
        if (key.RetiresAt is { } retiresAt && retiresAt <= now.UtcDateTime) return TokenVerification.Fail(TokenRejection.RetiredKey);

        if (!SignatureMatches(token, lastDot, key.Key, header.Algorithm)) return TokenVerification.Fail(TokenRejection.Signature);

        var claims = ReadClaims(token.AsSpan(firstDot + 1, lastDot - firstDot - 1), key.Id, out var rejection);
        if (claims is null) return TokenVerification.Fail(rejection);
        // A key belongs to one environment: a token cannot claim another.
        if (!string.Equals(claims.EnvironmentId, key.EnvironmentId, StringComparison.Ordinal)) return TokenVerification.Fail(TokenRejection.Claims);

        var seconds = now.ToUnixTimeSeconds();
        var skew = (long)_options.ClockSkew.TotalSeconds;
        if (seconds >= claims.ExpiresAt + skew) return TokenVerification.Fail(TokenRejection.Expired);
        if (seconds < claims.NotBefore - skew) return TokenVerification.Fail(TokenRejection.NotYetValid);
        if (revocations.IsRevoked(claims.SessionId, claims.ProfileId)) return TokenVerification.Fail(TokenRejection.Revoked);
        return new TokenVerification(claims, TokenRejection.None);
    }

    public const string SelfSignedPrefix = "ss_";
    /// <summary>The longest a self-signed token may live, from <c>iat</c> to <c>exp</c>.</summary>
    public static readonly TimeSpan SelfSignedMaxLifetime = TimeSpan.FromHours(24);

    private async ValueTask<TokenVerification> VerifySelfSignedAsync(string token, int firstDot, int lastDot, Header header, CancellationToken cancellationToken)
    {
        var secret = await secrets.FindAsync(header.KeyId!, cancellationToken);
        if (secret is null) return TokenVerification.Fail(TokenRejection.UnknownKey);
        if (secret.Revoked || revocations.IsSecretRevoked(secret.Id)) return TokenVerification.Fail(TokenRejection.Revoked);
        if (!SignatureMatches(token, lastDot, secret.Key, header.Algorithm!)) return TokenVerification.Fail(TokenRejection.Signature);

        var read = ReadSelfSignedClaims(token.AsSpan(firstDot + 1, lastDot - firstDot - 1));
        if (read.Rejection != TokenRejection.None) return TokenVerification.Fail(read.Rejection);
        var seconds = clock.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)_options.ClockSkew.TotalSeconds;
        if (read.ExpiresAt - read.IssuedAt > (long)SelfSignedMaxLifetime.TotalSeconds || read.ExpiresAt <= read.IssuedAt)
            return TokenVerification.Fail(TokenRejection.Claims);
        if (seconds >= read.ExpiresAt + skew) return TokenVerification.Fail(TokenRejection.Expired);
        if (seconds < read.IssuedAt - skew || seconds < read.NotBefore - skew) return TokenVerification.Fail(TokenRejection.NotYetValid);

        // The uid is looked for in the secret's own environment only.
        var profile = await directory.ResolveAsync(secret.EnvironmentId, read.Uid!, cancellationToken);
        if (profile is null) return TokenVerification.Fail(TokenRejection.Claims);
        var claims = new SessionClaims
        {
            SessionId = read.TokenId is null ? Guid.Empty : SelfSignedSessionId(secret.Id, read.TokenId),
            ProfileId = profile.Value.ProfileId,
            EnvironmentId = secret.EnvironmentId,
            IssuedBy = secret.Id,
            IssuedAt = read.IssuedAt,
            NotBefore = Math.Max(read.NotBefore, read.IssuedAt),
            ExpiresAt = read.ExpiresAt,
            KeyId = secret.Id,
            Kind = SessionKind.SelfSigned,
            TokenId = read.TokenId,
        };
        if (revocations.IsRevoked(claims.SessionId, claims.ProfileId)) return TokenVerification.Fail(TokenRejection.Revoked);
        return new TokenVerification(claims, TokenRejection.None);
    }

    /// <summary>A stable session id for a self-signed token's <c>jti</c>, scoped to its secret, so it can be revoked like any session.</summary>
    public static Guid SelfSignedSessionId(string signingSecretId, string tokenId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(signingSecretId + "\n" + tokenId), hash);
        return new Guid(hash[..16]);
    }

    private readonly record struct SelfSignedClaims(string? Uid, long IssuedAt, long ExpiresAt, long NotBefore, string? TokenId, TokenRejection Rejection);

    private static SelfSignedClaims ReadSelfSignedClaims(ReadOnlySpan<char> segment)
    {
        var fail = new SelfSignedClaims(null, 0, 0, 0, null, TokenRejection.Claims);
        Span<byte> json = segment.Length <= 2048 ? stackalloc byte[1536] : new byte[segment.Length];
        if (Base64Url.DecodeFromChars(segment, json, out _, out var length) != System.Buffers.OperationStatus.Done)
            return fail with { Rejection = TokenRejection.Malformed };
        string? uid = null, jti = null;
        long? iat = null, exp = null, nbf = null;
        try
        {
            var reader = new Utf8JsonReader(json[..length]);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return fail;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("uid"u8)) uid = ReadString(ref reader);
                else if (reader.ValueTextEquals("jti"u8)) jti = ReadString(ref reader);
                else if (reader.ValueTextEquals("iat"u8)) iat = ReadLong(ref reader);
                else if (reader.ValueTextEquals("exp"u8)) exp = ReadLong(ref reader);
                else if (reader.ValueTextEquals("nbf"u8)) nbf = ReadLong(ref reader);
                else { reader.Read(); reader.Skip(); }
            }
        }
        catch (JsonException) { return fail with { Rejection = TokenRejection.Malformed }; }
        catch (InvalidOperationException) { return fail with { Rejection = TokenRejection.Malformed }; }
        if (string.IsNullOrEmpty(uid) || uid.Length > 64 || iat is null || exp is null || jti is { Length: 0 or > 128 }) return fail;
        return new SelfSignedClaims(uid, iat.Value, exp.Value, nbf ?? iat.Value, jti, TokenRejection.None);
    }

    private static bool SignatureMatches(string token, int lastDot, byte[] key, string algorithm)
    {
        var size = algorithm == "HS256" ? 32 : 64;
        Span<byte> signingInput = stackalloc byte[lastDot];
        if (Encoding.ASCII.GetBytes(token.AsSpan(0, lastDot), signingInput) != lastDot) return false;
        foreach (var b in signingInput) if (b > 0x7F) return false;

        Span<byte> given = stackalloc byte[66];
        if (token.Length - lastDot - 1 > 88
            || Base64Url.DecodeFromChars(token.AsSpan(lastDot + 1), given, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != size)
            return false;
        Span<byte> expected = stackalloc byte[64];
        if (size == 32) HMACSHA256.HashData(key, signingInput, expected[..32]);
        else HMACSHA512.HashData(key, signingInput, expected);
        return CryptographicOperations.FixedTimeEquals(expected[..size], given[..size]);
    }

    private readonly record struct Header(string? KeyId, TokenRejection Rejection, string? Algorithm = null);

    private static Header ReadHeader(ReadOnlySpan<char> segment)
    {
        Span<byte> json = stackalloc byte[512];
        if (segment.Length > 680 || Base64Url.DecodeFromChars(segment, json, out _, out var length) != System.Buffers.OperationStatus.Done)
            return new Header(null, TokenRejection.Malformed);
        string? alg = null, kid = null;
        try
        {
            var reader = new Utf8JsonReader(json[..length]);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return new Header(null, TokenRejection.Malformed);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("alg"u8)) { reader.Read(); alg = reader.TokenType == JsonTokenType.String ? reader.GetString() : null; }
                else if (reader.ValueTextEquals("kid"u8)) { reader.Read(); kid = reader.TokenType == JsonTokenType.String ? reader.GetString() : null; }
                else if (reader.ValueTextEquals("jku"u8) || reader.ValueTextEquals("jwk"u8) || reader.ValueTextEquals("x5u"u8)
                         || reader.ValueTextEquals("x5c"u8) || reader.ValueTextEquals("crit"u8))
                    // Headers that point at other keys or demand extensions are never honoured: refuse outright.
                    return new Header(null, TokenRejection.Algorithm);
                else { reader.Read(); reader.Skip(); }
            }
        }
        catch (JsonException) { return new Header(null, TokenRejection.Malformed); }
        // HS256 is allowed for self-signed tokens only; VerifyAsync enforces HS512 for Tessera's own.
        if (alg is not ("HS512" or "HS256")) return new Header(null, TokenRejection.Algorithm);
        if (string.IsNullOrEmpty(kid) || kid.Length > 64) return new Header(null, TokenRejection.UnknownKey);
        return new Header(kid, TokenRejection.None, alg);
    }

    private SessionClaims? ReadClaims(ReadOnlySpan<char> segment, string keyId, out TokenRejection rejection)
    {
        rejection = TokenRejection.Claims;
        Span<byte> json = segment.Length <= 2048 ? stackalloc byte[1536] : new byte[segment.Length];
        if (Base64Url.DecodeFromChars(segment, json, out _, out var length) != System.Buffers.OperationStatus.Done)
        {
            rejection = TokenRejection.Malformed;
            return null;
        }

        string? sub = null, jti = null, eid = null, cid = null, did = null;
        long? nbf = null, iat = null, exp = null, ver = null;
        bool issuerOk = false, audienceOk = false;
        try
        {
            var reader = new Utf8JsonReader(json[..length]);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("iss"u8)) { reader.Read(); issuerOk = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(_issuer); }
                else if (reader.ValueTextEquals("aud"u8)) { reader.Read(); audienceOk = AudienceMatches(ref reader); }
                else if (reader.ValueTextEquals("sub"u8)) sub = ReadString(ref reader);
                else if (reader.ValueTextEquals("jti"u8)) jti = ReadString(ref reader);
                else if (reader.ValueTextEquals("eid"u8)) eid = ReadString(ref reader);
                else if (reader.ValueTextEquals("cid"u8)) cid = ReadString(ref reader);
                else if (reader.ValueTextEquals("did"u8)) did = ReadString(ref reader);
                else if (reader.ValueTextEquals("nbf"u8)) nbf = ReadLong(ref reader);
                else if (reader.ValueTextEquals("iat"u8)) iat = ReadLong(ref reader);
                else if (reader.ValueTextEquals("exp"u8)) exp = ReadLong(ref reader);
                else if (reader.ValueTextEquals("ver"u8)) ver = ReadLong(ref reader);
                else { reader.Read(); reader.Skip(); }
            }
        }
        catch (JsonException) { rejection = TokenRejection.Malformed; return null; }
        catch (InvalidOperationException) { rejection = TokenRejection.Malformed; return null; }

        if (!issuerOk) { rejection = TokenRejection.Issuer; return null; }
        if (!audienceOk) { rejection = TokenRejection.Audience; return null; }
        if (sub is null || eid is null || did is null || nbf is null || iat is null || exp is null
            || ver != SessionTokenIssuer.TokenVersion || !Guid.TryParseExact(jti, "D", out var sessionId))
            return null;
        rejection = TokenRejection.None;
        return new SessionClaims
        {
            SessionId = sessionId, ProfileId = sub, EnvironmentId = eid, ClientId = cid, IssuedBy = did,
            IssuedAt = iat.Value, NotBefore = nbf.Value, ExpiresAt = exp.Value, KeyId = keyId,
            Kind = cid is null ? SessionKind.Api : SessionKind.Passwordless,
        };
    }

    private bool AudienceMatches(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String) return reader.ValueTextEquals(_audience);
        if (reader.TokenType != JsonTokenType.StartArray) { reader.Skip(); return false; }
        var found = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(_audience)) found = true;
            else reader.Skip();
        }
        return found;
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String) return reader.GetString();
        reader.Skip();
        return null;
    }

    private static long? ReadLong(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value)) return value;
        reader.Skip();
        return null;
    }
}
