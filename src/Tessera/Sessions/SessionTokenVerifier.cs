using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Tessera.Environments;
using Tessera.SelfSigned;

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

/// <summary>How <see cref="SessionTokenVerifier.TryVerify"/> ended.</summary>
public enum TokenCheck
{
    /// <summary>Every check passed.</summary>
    Valid,
    /// <summary>A check failed: see the <see cref="TokenRejection"/>.</summary>
    Rejected,
    /// <summary>The key, signing secret or profile the token names is not in memory yet: <see cref="SessionTokenVerifier.VerifyAsync"/> loads it.</summary>
    NotCached,
}

/// <summary>
/// Verifies session tokens strictly: HS512 only, known unretired key of the token's environment, signature in
/// constant time, <c>iss</c>, <c>aud</c>, the times (<see cref="TokenTimes"/>), then the in-memory revocation set. A valid token
/// costs no database round trip, and <see cref="TryVerify"/> allocates nothing: the segments are decoded on the
/// stack and the claims are read into a <see cref="VerifiedToken"/> view over the caller's buffer. Tokens whose
/// <c>kid</c> names a customer's signing secret (<c>ss_…</c>) are self-signed: HS512 or HS256 with that secret,
/// <c>uid</c> resolved in the secret's environment, at most 24 hours between <c>iat</c> and <c>exp</c>.
/// </summary>
public sealed class SessionTokenVerifier(
    SigningKeyRing keys,
    SigningSecretRing secrets,
    ProfileDirectory directory,
    RevocationList revocations,
    IOptions<SessionTokenOptions> options,
    TimeProvider clock)
{
    private const int MaxTokenLength = 4096;
    /// <summary>The length of the buffer <see cref="TryVerify"/> reads claims into.</summary>
    public const int ScratchLength = 256;
    // Ids are at most 64 characters (the database's limit); a self-signed jti at most 128.
    private const int MaxIdLength = 64;
    private const int MaxSelfSignedTokenIdLength = 128;

    private readonly long _skew = (long)options.Value.ClockSkew.TotalSeconds;
    private readonly byte[] _issuer = Encoding.UTF8.GetBytes(options.Value.EffectiveIssuer);
    private readonly byte[] _audience = Encoding.UTF8.GetBytes(options.Value.EffectiveAudience);

    public const string SelfSignedPrefix = "ss_";
    /// <summary>The longest a self-signed token may live, from <c>iat</c> to <c>exp</c>.</summary>
    public static readonly TimeSpan SelfSignedMaxLifetime = TimeSpan.FromHours(24);

    /// <summary>
    /// Verifies the token and materializes its <see cref="SessionClaims"/>, loading the key, signing secret or
    /// profile it names from the database the first time.
    /// </summary>
    public async ValueTask<TokenVerification> VerifyAsync(string token, CancellationToken cancellationToken = default)
    {
        var loaded = default(Loaded);
        // Each pass either ends or loads one more thing the token names (key or secret, then a self-signed token's profile).
        for (var pass = 0; pass < 3; pass++)
        {
            var check = VerifyAndMaterialize(token, loaded, out var claims, out var rejection, out var missing);
            if (check == TokenCheck.Valid) return new TokenVerification(claims, TokenRejection.None);
            if (check == TokenCheck.Rejected) return TokenVerification.Fail(rejection);
            switch (missing.What)
            {
                case Missing.Key:
                    loaded.Key = await keys.FindAsync(missing.Id, cancellationToken);
                    if (loaded.Key is null) return TokenVerification.Fail(TokenRejection.UnknownKey);
                    break;
                case Missing.Secret:
                    loaded.Secret = await secrets.FindAsync(missing.Id, cancellationToken);
                    if (loaded.Secret is null) return TokenVerification.Fail(TokenRejection.UnknownKey);
                    break;
                case Missing.Profile:
                    // The uid is looked for in the secret's own environment only.
                    var profile = await directory.ResolveAsync(missing.EnvironmentId!, missing.Id, cancellationToken);
                    if (profile is null) return TokenVerification.Fail(TokenRejection.Claims);
                    loaded.Uid = missing.Id;
                    loaded.Profile = new ProfileDirectory.Entry(profile.Value.ProfileId, missing.EnvironmentId!, profile.Value.Uuid);
                    break;
            }
        }
        throw new InvalidOperationException("Token verification did not settle.");
    }

    /// <summary>
    /// Verifies the token from memory and materializes its claims: <see cref="TokenCheck.NotCached"/> when the key,
    /// secret or profile it names was never loaded (then <see cref="VerifyAsync"/> loads it).
    /// </summary>
    public TokenCheck TryVerify(scoped ReadOnlySpan<char> token, out TokenVerification verification)
    {
        Span<char> scratch = stackalloc char[ScratchLength];
        var check = Check(token, scratch, default, out var verified, out var rejection, out _);
        verification = check == TokenCheck.Valid ? new TokenVerification(verified.ToClaims(directory), TokenRejection.None) : TokenVerification.Fail(rejection);
        return check;
    }

    private TokenCheck VerifyAndMaterialize(string token, in Loaded loaded, out SessionClaims? claims, out TokenRejection rejection, out Pending missing)
    {
        Span<char> scratch = stackalloc char[ScratchLength];
        var check = Check(token, scratch, loaded, out var verified, out rejection, out missing);
        claims = check == TokenCheck.Valid ? verified.ToClaims(directory) : null;
        return check;
    }

    /// <summary>
    /// Verifies the token from memory, allocating nothing: every check of <see cref="VerifyAsync"/>, with the claims
    /// left in <paramref name="verified"/>, a view over <paramref name="scratch"/> (at least <see cref="ScratchLength"/>
    /// characters). <see cref="TokenCheck.NotCached"/> when the key, secret or profile the token names was never loaded.
    /// </summary>
    public TokenCheck TryVerify(scoped ReadOnlySpan<char> token, Span<char> scratch, out VerifiedToken verified, out TokenRejection rejection) =>
        Check(token, scratch, default, out verified, out rejection, out _);

    private enum Missing { None, Key, Secret, Profile }

    /// <summary>What a <see cref="TokenCheck.NotCached"/> check needs loaded (its id allocated only then).</summary>
    private readonly record struct Pending(Missing What, string Id, string? EnvironmentId = null);

    /// <summary>What <see cref="VerifyAsync"/> loaded for this token on earlier passes.</summary>
    private struct Loaded
    {
        public SigningKeyRing.LoadedKey? Key;
        public SigningSecretRing.LoadedSecret? Secret;
        public string? Uid;
        public ProfileDirectory.Entry? Profile;
    }

    private TokenCheck Check(scoped ReadOnlySpan<char> token, Span<char> scratch, scoped in Loaded loaded, out VerifiedToken verified, out TokenRejection rejection, out Pending missing)
    {
        verified = default;
        missing = default;
        if (scratch.Length < ScratchLength) throw new ArgumentException($"The scratch buffer must hold {ScratchLength} characters.", nameof(scratch));
        if (token.Length is 0 or > MaxTokenLength) return Reject(TokenRejection.Malformed, out rejection);
        var firstDot = token.IndexOf('.');
        var lastDot = token.LastIndexOf('.');
        if (firstDot <= 0 || lastDot == firstDot || lastDot == token.Length - 1 || token[(firstDot + 1)..lastDot].Contains('.'))
            return Reject(TokenRejection.Malformed, out rejection);

        Span<char> kidBuffer = stackalloc char[MaxIdLength];
        rejection = ReadHeader(token[..firstDot], kidBuffer, out var algorithm, out var kidLength);
        if (rejection != TokenRejection.None) return TokenCheck.Rejected;
        ReadOnlySpan<char> kid = kidBuffer[..kidLength];
        var payload = token[(firstDot + 1)..lastDot];
        var now = clock.GetUtcNow();

        if (kid.StartsWith(SelfSignedPrefix, StringComparison.Ordinal))
            return CheckSelfSigned(token, lastDot, payload, kid, algorithm, now.ToUnixTimeSeconds(), scratch, loaded, out verified, out rejection, out missing);
        // Tessera's own tokens are HS512, nothing else: no algorithm confusion with the self-signed allowance.
        if (algorithm != HmacAlgorithm.HS512) return Reject(TokenRejection.Algorithm, out rejection);

        SigningKeyRing.LoadedKey? key = loaded.Key;
        if (key is null || !kid.SequenceEqual(key.Id))
        {
            if (!keys.TryGetCached(kid, out key))
            {
                missing = new Pending(Missing.Key, kid.ToString());
                rejection = TokenRejection.None;
                return TokenCheck.NotCached;
            }
        }
        if (key.RetiresAt is { } retiresAt && retiresAt <= now.UtcDateTime) return Reject(TokenRejection.RetiredKey, out rejection);
        if (!SignatureMatches(token, lastDot, key.Hmac)) return Reject(TokenRejection.Signature, out rejection);

        rejection = ReadClaims(payload, key, scratch, out verified);
        if (rejection != TokenRejection.None) return TokenCheck.Rejected;

        rejection = TokenTimes.Check(verified.IssuedAt, verified.NotBefore, verified.ExpiresAt, now.ToUnixTimeSeconds(), _skew, maxLifetimeSeconds: null);
        if (rejection != TokenRejection.None) return TokenCheck.Rejected;
        if (revocations.IsRevoked(verified.SessionId, verified.ProfileId)) return Reject(TokenRejection.Revoked, out rejection);
        return TokenCheck.Valid;
    }

    private TokenCheck CheckSelfSigned(scoped ReadOnlySpan<char> token, int lastDot, scoped ReadOnlySpan<char> payload, scoped ReadOnlySpan<char> kid, HmacAlgorithm algorithm,
        long seconds, Span<char> scratch, scoped in Loaded loaded, out VerifiedToken verified, out TokenRejection rejection, out Pending missing)
    {
        verified = default;
        missing = default;
        SigningSecretRing.LoadedSecret? secret = loaded.Secret;
        if (secret is null || !kid.SequenceEqual(secret.Id))
        {
            if (!secrets.TryGetCached(kid, out secret))
            {
                missing = new Pending(Missing.Secret, kid.ToString());
                rejection = TokenRejection.None;
                return TokenCheck.NotCached;
            }
        }
        if (secret.Revoked || revocations.IsSecretRevoked(secret.Id)) return Reject(TokenRejection.Revoked, out rejection);
        if (!SignatureMatches(token, lastDot, algorithm == HmacAlgorithm.HS256 ? secret.Hmac256 : secret.Hmac512))
            return Reject(TokenRejection.Signature, out rejection);

        var uidBuffer = scratch[..MaxIdLength];
        var jtiBuffer = scratch.Slice(MaxIdLength, MaxSelfSignedTokenIdLength);
        rejection = ReadSelfSignedClaims(payload, uidBuffer, jtiBuffer, out var uidLength, out var jtiLength, out var issuedAt, out var expiresAt, out var notBefore);
        if (rejection != TokenRejection.None) return TokenCheck.Rejected;
        rejection = TokenTimes.Check(issuedAt, notBefore, expiresAt, seconds, _skew, (long)SelfSignedMaxLifetime.TotalSeconds);
        if (rejection != TokenRejection.None) return TokenCheck.Rejected;

        ReadOnlySpan<char> uid = uidBuffer[..uidLength];
        ProfileDirectory.Entry? profile;
        if (loaded.Profile is not null && uid.SequenceEqual(loaded.Uid)) profile = loaded.Profile;
        else
        {
            // The uid is looked for in the secret's own environment only.
            switch (directory.TryResolveCached(secret.EnvironmentId, uid, out profile))
            {
                case ProfileDirectory.Lookup.NotFound:
                    return Reject(TokenRejection.Claims, out rejection);
                case ProfileDirectory.Lookup.NotCached:
                    missing = new Pending(Missing.Profile, uid.ToString(), secret.EnvironmentId);
                    rejection = TokenRejection.None;
                    return TokenCheck.NotCached;
            }
        }

        ReadOnlySpan<char> jti = jtiLength < 0 ? default : jtiBuffer[..jtiLength];
        verified = new VerifiedToken
        {
            Kind = SessionKind.SelfSigned,
            SessionId = jtiLength < 0 ? Guid.Empty : SelfSignedSessionId(secret.Id, jti),
            ProfileId = profile!.ProfileId,
            ProfileIdString = profile.ProfileId,
            EnvironmentId = secret.EnvironmentId,
            IssuedBy = secret.Id,
            IssuedByString = secret.Id,
            IssuedAt = issuedAt,
            NotBefore = Math.Max(notBefore, issuedAt),
            ExpiresAt = expiresAt,
            KeyId = secret.Id,
            TokenId = jti,
            HasTokenId = jtiLength >= 0,
        };
        if (revocations.IsRevoked(verified.SessionId, verified.ProfileId)) return Reject(TokenRejection.Revoked, out rejection);
        rejection = TokenRejection.None;
        return TokenCheck.Valid;
    }

    private static TokenCheck Reject(TokenRejection why, out TokenRejection rejection)
    {
        rejection = why;
        return TokenCheck.Rejected;
    }

    /// <summary>A stable session id for a self-signed token's <c>jti</c>, scoped to its secret, so it can be revoked like any session.</summary>
    public static Guid SelfSignedSessionId(string signingSecretId, string tokenId) => SelfSignedSessionId(signingSecretId, tokenId.AsSpan());

    /// <inheritdoc cref="SelfSignedSessionId(string, string)"/>
    public static Guid SelfSignedSessionId(ReadOnlySpan<char> signingSecretId, ReadOnlySpan<char> tokenId)
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

    private enum HmacAlgorithm { None, HS256, HS512 }

    private static bool SignatureMatches(ReadOnlySpan<char> token, int lastDot, PooledHmac hmac)
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

    private static TokenRejection ReadHeader(ReadOnlySpan<char> segment, Span<char> kid, out HmacAlgorithm algorithm, out int kidLength)
    {
        algorithm = HmacAlgorithm.None;
        kidLength = -1;
        Span<byte> json = stackalloc byte[512];
        if (segment.Length > 680 || Base64Url.DecodeFromChars(segment, json, out _, out var length) != OperationStatus.Done)
            return TokenRejection.Malformed;
        try
        {
            var reader = new Utf8JsonReader(json[..length]);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return TokenRejection.Malformed;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("alg"u8))
                {
                    reader.Read();
                    algorithm = reader.TokenType != JsonTokenType.String ? HmacAlgorithm.None
                        : reader.ValueTextEquals("HS512"u8) ? HmacAlgorithm.HS512
                        : reader.ValueTextEquals("HS256"u8) ? HmacAlgorithm.HS256
                        : HmacAlgorithm.None;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("kid"u8)) kidLength = ReadString(ref reader, kid);
                else if (reader.ValueTextEquals("jku"u8) || reader.ValueTextEquals("jwk"u8) || reader.ValueTextEquals("x5u"u8)
                         || reader.ValueTextEquals("x5c"u8) || reader.ValueTextEquals("crit"u8))
                    // Headers that point at other keys or demand extensions are never honoured: refuse outright.
                    return TokenRejection.Algorithm;
                else { reader.Read(); reader.Skip(); }
            }
        }
        catch (JsonException) { return TokenRejection.Malformed; }
        catch (InvalidOperationException) { return TokenRejection.Malformed; }
        // HS256 is allowed for self-signed tokens only; Check enforces HS512 for Tessera's own.
        if (algorithm == HmacAlgorithm.None) return TokenRejection.Algorithm;
        if (kidLength <= 0) return TokenRejection.UnknownKey;
        return TokenRejection.None;
    }

    /// <summary>The claims of one of Tessera's tokens, read into <paramref name="scratch"/>: sub, did, cid.</summary>
    private TokenRejection ReadClaims(scoped ReadOnlySpan<char> segment, SigningKeyRing.LoadedKey key, Span<char> scratch, out VerifiedToken verified)
    {
        verified = default;
        Span<byte> json = stackalloc byte[Base64Url.GetMaxDecodedLength(segment.Length)];
        if (Base64Url.DecodeFromChars(segment, json, out _, out var length) != OperationStatus.Done) return TokenRejection.Malformed;

        Span<char> sub = scratch[..MaxIdLength], did = scratch.Slice(MaxIdLength, MaxIdLength), cid = scratch.Slice(2 * MaxIdLength, MaxIdLength);
        Span<char> jti = stackalloc char[MaxIdLength];
        int subLength = NotAString, didLength = NotAString, cidLength = NotAString, jtiLength = NotAString;
        long? nbf = null, iat = null, exp = null, ver = null;
        bool issuerOk = false, audienceOk = false, environmentOk = false, hasEnvironment = false;
        try
        {
            var reader = new Utf8JsonReader(json[..length]);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return TokenRejection.Claims;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("iss"u8)) { reader.Read(); issuerOk = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(_issuer); reader.Skip(); }
                else if (reader.ValueTextEquals("aud"u8)) { reader.Read(); audienceOk = AudienceMatches(ref reader); }
                else if (reader.ValueTextEquals("sub"u8)) subLength = ReadString(ref reader, sub);
                else if (reader.ValueTextEquals("jti"u8)) jtiLength = ReadString(ref reader, jti);
                else if (reader.ValueTextEquals("eid"u8))
                {
                    // A key belongs to one environment: a token cannot claim another.
                    reader.Read();
                    hasEnvironment = reader.TokenType == JsonTokenType.String;
                    environmentOk = hasEnvironment && reader.ValueTextEquals(key.EnvironmentId);
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("cid"u8)) cidLength = ReadString(ref reader, cid);
                else if (reader.ValueTextEquals("did"u8)) didLength = ReadString(ref reader, did);
                else if (reader.ValueTextEquals("nbf"u8)) nbf = ReadLong(ref reader);
                else if (reader.ValueTextEquals("iat"u8)) iat = ReadLong(ref reader);
                else if (reader.ValueTextEquals("exp"u8)) exp = ReadLong(ref reader);
                else if (reader.ValueTextEquals("ver"u8)) ver = ReadLong(ref reader);
                else { reader.Read(); reader.Skip(); }
            }
        }
        catch (JsonException) { return TokenRejection.Malformed; }
        catch (InvalidOperationException) { return TokenRejection.Malformed; }

        if (!issuerOk) return TokenRejection.Issuer;
        if (!audienceOk) return TokenRejection.Audience;
        if (subLength < 0 || !hasEnvironment || didLength < 0 || cidLength == TooLong || nbf is null || iat is null || exp is null
            || ver != SessionTokenIssuer.TokenVersion || jtiLength < 0 || !Guid.TryParseExact(jti[..jtiLength], "D", out var sessionId))
            return TokenRejection.Claims;
        if (!environmentOk) return TokenRejection.Claims;
        verified = new VerifiedToken
        {
            Kind = cidLength < 0 ? SessionKind.Api : SessionKind.Passwordless,
            SessionId = sessionId,
            ProfileId = sub[..subLength],
            EnvironmentId = key.EnvironmentId,
            ClientId = cidLength < 0 ? default : cid[..cidLength],
            HasClientId = cidLength >= 0,
            IssuedBy = did[..didLength],
            IssuedAt = iat.Value,
            NotBefore = nbf.Value,
            ExpiresAt = exp.Value,
            KeyId = key.Id,
        };
        return TokenRejection.None;
    }

    private static TokenRejection ReadSelfSignedClaims(ReadOnlySpan<char> segment, Span<char> uid, Span<char> jti,
        out int uidLength, out int jtiLength, out long issuedAt, out long expiresAt, out long notBefore)
    {
        uidLength = jtiLength = NotAString;
        issuedAt = expiresAt = notBefore = 0;
        Span<byte> json = stackalloc byte[Base64Url.GetMaxDecodedLength(segment.Length)];
        if (Base64Url.DecodeFromChars(segment, json, out _, out var length) != OperationStatus.Done) return TokenRejection.Malformed;
        long? iat = null, exp = null, nbf = null;
        try
        {
            var reader = new Utf8JsonReader(json[..length]);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return TokenRejection.Claims;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("uid"u8)) uidLength = ReadString(ref reader, uid);
                else if (reader.ValueTextEquals("jti"u8)) jtiLength = ReadString(ref reader, jti);
                else if (reader.ValueTextEquals("iat"u8)) iat = ReadLong(ref reader);
                else if (reader.ValueTextEquals("exp"u8)) exp = ReadLong(ref reader);
                else if (reader.ValueTextEquals("nbf"u8)) nbf = ReadLong(ref reader);
                else { reader.Read(); reader.Skip(); }
            }
        }
        catch (JsonException) { return TokenRejection.Malformed; }
        catch (InvalidOperationException) { return TokenRejection.Malformed; }
        // A jti that is not a string is no jti (the token just cannot be revoked alone); an empty or oversized one is refused.
        if (uidLength <= 0 || iat is null || exp is null || jtiLength is 0 or TooLong) return TokenRejection.Claims;
        if (jtiLength == NotAString) jtiLength = -1;
        issuedAt = iat.Value;
        expiresAt = exp.Value;
        notBefore = nbf ?? iat.Value;
        return TokenRejection.None;
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

    private const int NotAString = -1;
    private const int TooLong = -2;

    /// <summary>
    /// Reads the next value as a string into <paramref name="destination"/>: its length, <see cref="NotAString"/>, or
    /// <see cref="TooLong"/> when it does not fit (every field read this way has a length limit).
    /// </summary>
    private static int ReadString(ref Utf8JsonReader reader, Span<char> destination)
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

    private static long? ReadLong(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value)) return value;
        reader.Skip();
        return null;
    }
}

/// <summary>
/// What a verified token says, as a view over the buffer it was read into: valid only while that buffer is.
/// <see cref="ToClaims"/> materializes it as a <see cref="SessionClaims"/> (strings) for code that keeps it.
/// </summary>
public ref struct VerifiedToken
{
    public SessionKind Kind { get; init; }
    public Guid SessionId { get; init; }
    public ReadOnlySpan<char> ProfileId { get; init; }
    /// <summary>The environment of the key or secret that signed the token (the token's <c>eid</c> must match it).</summary>
    public string EnvironmentId { get; init; }
    /// <summary>The passwordless client (<c>cid</c>), when <see cref="HasClientId"/>.</summary>
    public ReadOnlySpan<char> ClientId { get; init; }
    public bool HasClientId { get; init; }
    public ReadOnlySpan<char> IssuedBy { get; init; }
    public long IssuedAt { get; init; }
    public long NotBefore { get; init; }
    public long ExpiresAt { get; init; }
    public string KeyId { get; init; }
    /// <summary>A self-signed token's own <c>jti</c>, when <see cref="HasTokenId"/>.</summary>
    public ReadOnlySpan<char> TokenId { get; init; }
    public bool HasTokenId { get; init; }

    // Strings the verifier already held (a profile from the directory, a secret's id), reused instead of copied.
    internal string? ProfileIdString { get; init; }
    internal string? IssuedByString { get; init; }

    /// <summary>The claims as strings, for code that keeps them beyond the buffer.</summary>
    public readonly SessionClaims ToClaims() => ToClaims(null);

    internal readonly SessionClaims ToClaims(ProfileDirectory? directory) => new()
    {
        SessionId = SessionId,
        // A profile the directory knows already has its id as a string: reuse it.
        ProfileId = ProfileIdString ?? (directory is not null && directory.TryGetCached(ProfileId, out var entry) ? entry.ProfileId : ProfileId.ToString()),
        EnvironmentId = EnvironmentId,
        ClientId = HasClientId ? ClientId.ToString() : null,
        IssuedBy = IssuedByString ?? IssuedBy.ToString(),
        IssuedAt = IssuedAt,
        NotBefore = NotBefore,
        ExpiresAt = ExpiresAt,
        KeyId = KeyId,
        Kind = Kind,
        TokenId = HasTokenId ? TokenId.ToString() : null,
    };
}
