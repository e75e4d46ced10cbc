using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Tessera.Environments;
using Tessera.SelfSigned;

namespace Tessera.Sessions;

/// <summary>
/// Verifies session tokens strictly: known unretired key of the token's environment, the header's <c>alg</c> exactly
/// the key's (HS512 or ES256: no algorithm confusion), signature (HMAC compared in constant time), <c>iss</c>, <c>aud</c>,
/// the times (<see cref="TokenTimes"/>), then the in-memory revocation set. A valid token costs no database round trip.
/// Tokens whose <c>kid</c> names a customer's signing secret (<see cref="SigningSecret.IdPrefix"/>) are self-signed:
/// HS512 or HS256 with an HMAC secret, or exactly the algorithm of a registered public key (ES256, RS256); claims as
/// <see cref="SelfSignedClaims"/> reads them.
/// From memory, <see cref="TryVerify(ReadOnlySpan{char}, out TokenVerification)"/> allocates only the claims a valid
/// token leaves for the request: the segments are decoded on the stack into a <see cref="VerifiedToken"/> view, and a
/// refused token allocates nothing.
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
    /// <summary>The length of the buffer the claims are read into.</summary>
    internal const int ScratchLength = 256;
    // Ids are at most 64 characters (the database's limit).
    private const int MaxIdLength = 64;

    private readonly long _skew = (long)options.Value.ClockSkew.TotalSeconds;
    private readonly SessionTokenOptions _options = options.Value;
    private readonly byte[] _issuer = Encoding.UTF8.GetBytes(options.Value.EffectiveIssuer);
    // Environment id → its own issuer (UTF-8), the iss of its public-key tokens.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _environmentIssuers = new(StringComparer.Ordinal);
    private readonly byte[] _audience = Encoding.UTF8.GetBytes(options.Value.EffectiveAudience);

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
    /// The checks of <see cref="TryVerify(ReadOnlySpan{char}, out TokenVerification)"/> without materializing the claims:
    /// they are left in <paramref name="verified"/>, a view over <paramref name="scratch"/> (at least
    /// <see cref="ScratchLength"/> characters). Tests use it to prove the checks themselves allocate nothing.
    /// </summary>
    internal TokenCheck TryVerify(scoped ReadOnlySpan<char> token, Span<char> scratch, out VerifiedToken verified, out TokenRejection rejection) =>
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
        // Three unpadded base64url segments (RFC 7515): padding would give one token several spellings.
        if (firstDot <= 0 || lastDot == firstDot || lastDot == token.Length - 1 || token[(firstDot + 1)..lastDot].Contains('.') || token.Contains('='))
            return Reject(TokenRejection.Malformed, out rejection);

        Span<char> kidBuffer = stackalloc char[MaxIdLength];
        rejection = CompactJws.ReadHeader(token[..firstDot], kidBuffer, out var algorithm, out var kidLength);
        if (rejection != TokenRejection.None) return TokenCheck.Rejected;
        ReadOnlySpan<char> kid = kidBuffer[..kidLength];
        var payload = token[(firstDot + 1)..lastDot];
        var now = clock.GetUtcNow();

        if (kid.StartsWith(SigningSecret.IdPrefix, StringComparison.Ordinal))
            return CheckSelfSigned(token, lastDot, payload, kid, algorithm, now.ToUnixTimeSeconds(), scratch, loaded, out verified, out rejection, out missing);
        // Tessera's own keys sign HS512 or ES256, nothing else (HS256 is a self-signed allowance only).
        if (algorithm is not (JwsAlgorithm.HS512 or JwsAlgorithm.ES256)) return Reject(TokenRejection.Algorithm, out rejection);

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
        // The key decides the algorithm, never the header: an HS512 token "signed" with an ES256 key's public key as
        // HMAC secret is refused here, before any HMAC is computed.
        if (algorithm != key.Algorithm) return Reject(TokenRejection.Algorithm, out rejection);
        if (key.RetiresAt is { } retiresAt && retiresAt <= now.UtcDateTime) return Reject(TokenRejection.RetiredKey, out rejection);
        if (!(key.Signature is { } publicKey ? CompactJws.SignatureMatches(token, lastDot, publicKey) : CompactJws.SignatureMatches(token, lastDot, key.Hmac!)))
            return Reject(TokenRejection.Signature, out rejection);

        rejection = ReadClaims(payload, key, scratch, out verified);
        if (rejection != TokenRejection.None) return TokenCheck.Rejected;

        rejection = TokenTimes.Check(verified.IssuedAt, verified.NotBefore, verified.ExpiresAt, now.ToUnixTimeSeconds(), _skew, maxLifetimeSeconds: null);
        if (rejection != TokenRejection.None) return TokenCheck.Rejected;
        if (revocations.IsRevoked(verified.SessionId, verified.ProfileId)) return Reject(TokenRejection.Revoked, out rejection);
        return TokenCheck.Valid;
    }

    private TokenCheck CheckSelfSigned(scoped ReadOnlySpan<char> token, int lastDot, scoped ReadOnlySpan<char> payload, scoped ReadOnlySpan<char> kid, JwsAlgorithm algorithm,
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
        if (secret.PublicKey is { } publicKey)
        {
            // A registered public key accepts its own algorithm only: an HS256 token MACed with the PEM text is refused.
            if (algorithm != publicKey.Algorithm) return Reject(TokenRejection.Algorithm, out rejection);
            if (!CompactJws.SignatureMatches(token, lastDot, publicKey)) return Reject(TokenRejection.Signature, out rejection);
        }
        else
        {
            if (algorithm is not (JwsAlgorithm.HS256 or JwsAlgorithm.HS512)) return Reject(TokenRejection.Algorithm, out rejection);
            if (!CompactJws.SignatureMatches(token, lastDot, algorithm == JwsAlgorithm.HS256 ? secret.Hmac256! : secret.Hmac512!))
                return Reject(TokenRejection.Signature, out rejection);
        }

        var uidBuffer = scratch[..MaxIdLength];
        var jtiBuffer = scratch.Slice(MaxIdLength, SelfSignedClaims.MaxTokenIdLength);
        rejection = SelfSignedClaims.Read(payload, uidBuffer, jtiBuffer, out var uidLength, out var jtiLength, out var issuedAt, out var expiresAt, out var notBefore);
        if (rejection != TokenRejection.None) return TokenCheck.Rejected;
        rejection = TokenTimes.Check(issuedAt, notBefore, expiresAt, seconds, _skew, (long)SelfSignedClaims.MaxLifetime.TotalSeconds);
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
            SessionId = jtiLength < 0 ? Guid.Empty : SelfSignedClaims.SessionId(secret.Id, jti),
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

    /// <summary>The claims of one of Tessera's tokens, read into <paramref name="scratch"/>: sub, did, cid.</summary>
    private TokenRejection ReadClaims(scoped ReadOnlySpan<char> segment, SigningKeyRing.LoadedKey key, Span<char> scratch, out VerifiedToken verified)
    {
        verified = default;
        Span<byte> json = stackalloc byte[Base64Url.GetMaxDecodedLength(segment.Length)];
        if (Base64Url.DecodeFromChars(segment, json, out _, out var length) != OperationStatus.Done) return TokenRejection.Malformed;

        Span<char> sub = scratch[..MaxIdLength], did = scratch.Slice(MaxIdLength, MaxIdLength), cid = scratch.Slice(2 * MaxIdLength, MaxIdLength);
        Span<char> jti = stackalloc char[MaxIdLength];
        int subLength = CompactJws.NotAString, didLength = CompactJws.NotAString, cidLength = CompactJws.NotAString, jtiLength = CompactJws.NotAString;
        long? nbf = null, iat = null, exp = null, ver = null;
        bool issuerOk = false, audienceOk = false, environmentOk = false, hasEnvironment = false;
        var expectedIssuer = key.Algorithm == JwsAlgorithm.HS512 ? _issuer
            : _environmentIssuers.GetOrAdd(key.EnvironmentId, static (id, options) => Encoding.UTF8.GetBytes(options.IssuerFor(id, JwsAlgorithm.ES256)), _options);
        var seen = 0;
        try
        {
            var reader = new Utf8JsonReader(json[..length]);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return TokenRejection.Claims;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var claim = SessionClaim(ref reader);
                // A claim named twice is refused: parsers disagree on which one counts (RFC 7519 section 4).
                if (claim != 0 && CompactJws.SeenTwice(ref seen, claim)) return TokenRejection.Claims;
                if (claim == 1) { reader.Read(); issuerOk = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(expectedIssuer); reader.Skip(); }
                else if (claim == 2) { reader.Read(); audienceOk = AudienceMatches(ref reader); }
                else if (claim == 3) subLength = CompactJws.ReadString(ref reader, sub);
                else if (claim == 4) jtiLength = CompactJws.ReadString(ref reader, jti);
                else if (claim == 5)
                {
                    // A key belongs to one environment: a token cannot claim another.
                    reader.Read();
                    hasEnvironment = reader.TokenType == JsonTokenType.String;
                    environmentOk = hasEnvironment && reader.ValueTextEquals(key.EnvironmentId);
                    reader.Skip();
                }
                else if (claim == 6) cidLength = CompactJws.ReadString(ref reader, cid);
                else if (claim == 7) didLength = CompactJws.ReadString(ref reader, did);
                else if (claim == 8) nbf = CompactJws.ReadLong(ref reader);
                else if (claim == 9) iat = CompactJws.ReadLong(ref reader);
                else if (claim == 10) exp = CompactJws.ReadLong(ref reader);
                else if (claim == 11) ver = CompactJws.ReadLong(ref reader);
                else { reader.Read(); reader.Skip(); }
            }
        }
        catch (JsonException) { return TokenRejection.Malformed; }
        catch (InvalidOperationException) { return TokenRejection.Malformed; }

        if (!issuerOk) return TokenRejection.Issuer;
        if (!audienceOk) return TokenRejection.Audience;
        if (subLength < 0 || !hasEnvironment || didLength < 0 || cidLength == CompactJws.TooLong || nbf is null || iat is null || exp is null
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

    /// <summary>Which of the claims Tessera reads the current property names (1-11), or 0 for any other.</summary>
    private static int SessionClaim(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("iss"u8) ? 1 : reader.ValueTextEquals("aud"u8) ? 2 : reader.ValueTextEquals("sub"u8) ? 3
        : reader.ValueTextEquals("jti"u8) ? 4 : reader.ValueTextEquals("eid"u8) ? 5 : reader.ValueTextEquals("cid"u8) ? 6
        : reader.ValueTextEquals("did"u8) ? 7 : reader.ValueTextEquals("nbf"u8) ? 8 : reader.ValueTextEquals("iat"u8) ? 9
        : reader.ValueTextEquals("exp"u8) ? 10 : reader.ValueTextEquals("ver"u8) ? 11 : 0;

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
}
