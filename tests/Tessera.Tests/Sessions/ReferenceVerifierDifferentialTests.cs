using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Tessera.Environments;
using Tessera.SelfSigned;
using Tessera.Sessions;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Sessions;

/// <summary>
/// Holds the hand-written, allocation-free verifier (<see cref="SessionTokenVerifier"/>) to a reference: thousands of
/// generated tokens, valid and broken in every way a token can be, are judged by Tessera and by Microsoft's
/// <see cref="JsonWebTokenHandler"/> configured with the same keys, algorithms, issuer, audience, clock and skew, and
/// the two verdicts must agree. The library owns what it can check (parsing, base64url, algorithms, the key and
/// signature, <c>iss</c>, <c>aud</c>, <c>exp</c>, <c>nbf</c>); the claims only Tessera defines (<c>ver</c>, <c>eid</c>,
/// <c>jti</c>, the lifetime cap...) are checked on what the library parsed, written out below from the spec.
/// The generator is seeded: a disagreement prints the token, the mutations that made it and both verdicts.
/// </summary>
public abstract class ReferenceVerifierDifferentialTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    private const int TokensPerKind = 2500;
    private const long Skew = 10;
    // 9999-01-01T00:00:00Z: no token time may be later (spec: times are bounded before any arithmetic).
    private const long LatestTime = 253_370_764_800;

    private SessionTokenVerifier Verifier => Server.Services.GetRequiredService<SessionTokenVerifier>();
    private long Now => Clock.GetUtcNow().ToUnixTimeSeconds();

    [Fact]
    public async Task SessionTokensAreJudgedAsTheReferenceValidatorJudgesThem()
    {
        var response = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { email = $"{Guid.NewGuid():N}@example.com" });
        var token = (await response.JsonAsync()).Str("token");
        var parts = token.Split('.');
        var header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!.AsObject();
        var claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!.AsObject();
        var kid = header["kid"]!.GetValue<string>();
        var key = (await Server.Services.GetRequiredService<SigningKeyRing>().FindAsync(kid, TestContext.Current.CancellationToken))!.Key;
        var options = Server.Services.GetRequiredService<IOptions<SessionTokenOptions>>().Value;

        var reference = new TokenValidationParameters
        {
            ValidIssuer = options.EffectiveIssuer,
            ValidAudience = options.EffectiveAudience,
            IssuerSigningKey = new SymmetricSecurityKey(key) { KeyId = kid },
            TryAllIssuerSigningKeys = false,
            ValidAlgorithms = ["HS512"],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromSeconds(Skew),
        };
        var generator = new TokenGenerator(new Random(20261207), header, claims, key, selfSigned: false);
        await AssertAgreementAsync(generator, reference, jwt => SessionContractHolds(jwt, Environment.Id));
    }

    [Fact]
    public async Task SelfSignedTokensAreJudgedAsTheReferenceValidatorJudgesThem()
    {
        CreatedSecret created;
        await using (var scope = Server.Services.CreateAsyncScope())
        {
            var admin = scope.ServiceProvider.GetRequiredService<SigningSecretAdmin>();
            var made = await admin.CreateAsync(Environment.Id, TestContext.Current.CancellationToken);
            created = new CreatedSecret(made.Secret.Id, made.Value);
        }
        var profile = await (await Server.SendAsync(HttpMethod.Post, "/v1/profiles", ApiSecret, new { uuid = Guid.NewGuid() })).JsonAsync();
        var (profileId, profileUuid) = (profile.Str("id"), profile.Str("uuid"));
        var key = Encoding.UTF8.GetBytes(created.Value);
        var header = new JsonObject { ["alg"] = "HS512", ["typ"] = "JWT", ["kid"] = created.Id };
        var claims = new JsonObject { ["uid"] = profileId, ["jti"] = "order-1" };

        var reference = new TokenValidationParameters
        {
            ValidateIssuer = false,
            ValidateAudience = false,
            IssuerSigningKey = new SymmetricSecurityKey(key) { KeyId = created.Id },
            TryAllIssuerSigningKeys = false,
            ValidAlgorithms = ["HS256", "HS512"],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromSeconds(Skew),
        };
        var generator = new TokenGenerator(new Random(20261208), header, claims, key, selfSigned: true) { ProfileUuid = profileUuid };
        await AssertAgreementAsync(generator, reference, jwt => SelfSignedContractHolds(jwt, profileId, profileUuid));
    }

    private sealed record CreatedSecret(string Id, string Value);

    private async Task AssertAgreementAsync(TokenGenerator generator, TokenValidationParameters reference, Func<JsonWebToken, bool> contract)
    {
        var handler = new JsonWebTokenHandler();
        var disagreements = new List<string>();
        int accepted = 0, refused = 0, straddled = 0;
        for (var i = 0; i < TokensPerKind; i++)
        {
            // The library reads the system clock (its TimeProvider is not public), so Tessera's clock is set to it, and
            // a token whose two judgements straddle a second is judged again: times are compared in whole seconds.
            var started = DateTimeOffset.UtcNow;
            Clock.Set(started);
            var (token, how) = generator.Next(started.ToUnixTimeSeconds());
            var tessera = (await Verifier.VerifyAsync(token, TestContext.Current.CancellationToken)).IsValid;
            var result = await handler.ValidateTokenAsync(token, reference);
            if (DateTimeOffset.UtcNow.ToUnixTimeSeconds() != started.ToUnixTimeSeconds() && ++straddled < TokensPerKind) { i--; continue; }
            var referenceSays = result.IsValid && Unpadded(token) && HeaderHoldsNoSurprises((JsonWebToken)result.SecurityToken) && contract((JsonWebToken)result.SecurityToken);
            if (tessera) accepted++; else refused++;
            if (tessera != referenceSays)
                disagreements.Add($"#{i} [{how}] Tessera {(tessera ? "accepts" : "refuses")}, reference {(referenceSays ? "accepts" : "refuses")} ({result.Exception?.GetType().Name}): {token}");
        }
        Assert.True(disagreements.Count == 0, $"{disagreements.Count} disagreement(s):\n" + string.Join('\n', disagreements.Take(20)));
        // The generator must exercise both verdicts in earnest, or agreement means little.
        Assert.InRange(accepted, TokensPerKind / 10, TokensPerKind * 9 / 10);
        Assert.InRange(refused, TokensPerKind / 10, TokensPerKind * 9 / 10);
    }

    // ---- The parts of the contract the reference library does not know, over what it parsed ----

    /// <summary>The compact serialization is unpadded base64url (RFC 7515 section 2); the library tolerates padding, Tessera does not.</summary>
    private static bool Unpadded(string token) => !token.Contains('=');

    /// <summary>
    /// RFC 7515 headers that point at other keys or demand extensions: Tessera honours none of them, so refuses them;
    /// nor a header naming alg or kid twice.
    /// </summary>
    private static bool HeaderHoldsNoSurprises(JsonWebToken jwt)
    {
        using var document = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedHeader));
        var names = document.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        return !names.Intersect(["jku", "jwk", "x5u", "x5c", "crit"]).Any() && names.Count(n => n == "alg") == 1 && names.Count(n => n == "kid") == 1;
    }

    private static bool TimesHold(long iat, long exp, long? nbf, long now, long? maxLifetime) =>
        new[] { iat, exp, nbf ?? iat }.All(t => t is >= 0 and <= LatestTime)
        && exp > iat
        && (maxLifetime is null || exp - iat <= maxLifetime)
        // iat in the future is not yet valid either (the library only looks at nbf).
        && iat <= now + Skew;

    /// <summary>No claim Tessera reads is named twice (RFC 7519 section 4 lets a verifier refuse them; Tessera does).</summary>
    private static bool NoClaimTwice(JsonWebToken jwt, params string[] names)
    {
        using var document = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
        return names.All(name => document.RootElement.EnumerateObject().Count(p => p.NameEquals(name)) <= 1);
    }

    private bool SessionContractHolds(JsonWebToken jwt, string environmentId) =>
        NoClaimTwice(jwt, "iss", "aud", "sub", "jti", "eid", "cid", "did", "nbf", "iat", "exp", "ver")
        && String(jwt, "sub") is { Length: <= 64 }
        && String(jwt, "did") is { Length: <= 64 }
        && String(jwt, "eid") == environmentId
        && String(jwt, "jti") is { } jti && Guid.TryParseExact(jti, "D", out _)
        && Integer(jwt, "ver") == SessionTokenIssuer.TokenVersion
        // cid is optional; when it is a string it must fit an id.
        && (RawClaim(jwt, "cid") is not { ValueKind: JsonValueKind.String } cid || cid.GetString()!.Length <= 64)
        && Integer(jwt, "iat") is { } iat && Integer(jwt, "exp") is { } exp && Integer(jwt, "nbf") is { } nbf
        && TimesHold(iat, exp, nbf, Now, maxLifetime: null);

    private bool SelfSignedContractHolds(JsonWebToken jwt, string profileId, string profileUuid) =>
        NoClaimTwice(jwt, "uid", "jti", "iat", "exp", "nbf")
        && String(jwt, "uid") is { } uid && (uid == profileId || uid == profileUuid)
        // jti is optional; when present it is a string of 1 to 128 characters.
        && (RawClaim(jwt, "jti") is null || String(jwt, "jti") is { Length: > 0 and <= 128 })
        && Integer(jwt, "iat") is { } iat && Integer(jwt, "exp") is { } exp
        && (RawClaim(jwt, "nbf") is null || Integer(jwt, "nbf") is not null)
        && TimesHold(iat, exp, Integer(jwt, "nbf"), Now, maxLifetime: (long)SelfSignedClaims.MaxLifetime.TotalSeconds);

    /// <summary>A claim's value as the JSON the library decoded (the last occurrence wins, as in Tessera's reader).</summary>
    private static JsonElement? RawClaim(JsonWebToken jwt, string name)
    {
        using var document = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
        JsonElement? found = null;
        foreach (var property in document.RootElement.EnumerateObject())
            if (property.NameEquals(name)) found = property.Value.Clone();
        return found;
    }

    private static string? String(JsonWebToken jwt, string name) =>
        RawClaim(jwt, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static long? Integer(JsonWebToken jwt, string name) =>
        RawClaim(jwt, name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var number) ? number : null;

    /// <summary>
    /// Seeded tokens: a valid one, then zero to three mutations of its header, claims, signing or encoding.
    /// </summary>
    private sealed class TokenGenerator(Random random, JsonObject header, JsonObject claims, byte[] key, bool selfSigned)
    {
        public string? ProfileUuid { get; init; }

        private static readonly long[] Offsets = [-100_000, -3_600, -11, -10, -9, -1, 0, 1, 9, 10, 11, 3_600, 86_400, 86_401, 100_000];

        private long now;

        public (string Token, string How) Next(long at)
        {
            now = at;
            var h = header.DeepClone().AsObject();
            var c = claims.DeepClone().AsObject();
            // A token issued just now, valid for an hour, before any mutation.
            c["iat"] = now;
            c["exp"] = now + 3_600;
            if (!selfSigned) c["nbf"] = now;
            var signingKey = key;
            var alg = selfSigned && random.Next(2) == 0 ? "HS256" : "HS512";
            h["alg"] = alg;
            var how = new List<string>();
            string? duplicate = null;
            Func<string, string>? afterSigning = null;

            var mutations = random.Next(4); // 0: the valid token
            for (var m = 0; m < mutations; m++)
            {
                switch (random.Next(8))
                {
                    case 0 or 1: // times: the most common way a real token goes bad
                        var name = Pick("exp", "nbf", "iat");
                        var value = now + Pick(Offsets);
                        c[name] = value;
                        how.Add($"{name}=now{value - now:+#;-#;+0}");
                        break;
                    case 2:
                        var removed = selfSigned ? Pick("uid", "iat", "exp", "nbf", "jti") : Pick("iss", "aud", "sub", "jti", "nbf", "iat", "exp", "ver", "eid", "did", "cid");
                        c.Remove(removed);
                        how.Add($"-{removed}");
                        break;
                    case 3:
                        var (claim, odd) = OddClaim();
                        c[claim] = odd?.DeepClone();
                        how.Add($"{claim}={odd?.ToJsonString() ?? "null"}");
                        break;
                    case 4:
                        var (field, headerValue) = OddHeader();
                        if (headerValue is null) h.Remove(field); else h[field] = headerValue.DeepClone();
                        how.Add($"header {field}={headerValue?.ToJsonString() ?? "(removed)"}");
                        if (field == "alg" && headerValue is JsonValue v && v.TryGetValue<string>(out var named) && named is "HS256" or "HS512") alg = named;
                        break;
                    case 5:
                        signingKey = RandomNumberGenerator.GetBytes(key.Length);
                        how.Add("wrong key");
                        break;
                    case 6:
                        var dupName = selfSigned ? Pick("uid", "exp", "iat") : Pick("exp", "iss", "sub", "eid");
                        JsonNode dupValue = dupName switch
                        {
                            "exp" => now + Pick(Offsets),
                            "iat" => now + Pick(Offsets),
                            "uid" => "p_someone_else",
                            "iss" => "https://attacker.example",
                            "sub" => "p_someone_else",
                            _ => "env_other",
                        };
                        // Appended after the real one: JSON parsers that keep the last one see the attacker's value.
                        duplicate = $",\"{dupName}\":{dupValue.ToJsonString()}";
                        how.Add($"duplicate {dupName}={dupValue.ToJsonString()}");
                        break;
                    default:
                        var (tamper, description) = Tamper();
                        afterSigning = afterSigning is null ? tamper : Compose(afterSigning, tamper);
                        how.Add(description);
                        break;
                }
            }

            var payloadJson = c.ToJsonString();
            if (duplicate is not null) payloadJson = payloadJson[..^1] + duplicate + "}";
            var input = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(h.ToJsonString())) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payloadJson));
            var data = Encoding.ASCII.GetBytes(input);
            var signature = alg == "HS256" ? HMACSHA256.HashData(signingKey, data) : HMACSHA512.HashData(signingKey, data);
            var token = input + "." + Base64Url.EncodeToString(signature);
            if (afterSigning is not null) token = afterSigning(token);
            return (token, how.Count == 0 ? "valid" : string.Join(", ", how));
        }

        private static Func<string, string> Compose(Func<string, string> first, Func<string, string> second) => t => second(first(t));

        private T Pick<T>(params T[] choices) => choices[random.Next(choices.Length)];

        private (string, JsonNode?) OddClaim()
        {
            var time = Pick("exp", "iat", "nbf");
            return random.Next(selfSigned ? 4 : 7) switch
            {
                // Numbers an attacker with a key could write: beyond the bounds, fractional, as strings, huge.
                0 => (time, Pick<JsonNode?>(1.5, "1900000000", -5, 99_999_999_999_999, 1e20, 9.9e300, true, null, LatestTime, LatestTime + 1, 0)),
                1 => selfSigned ? ("uid", Pick<JsonNode?>(5, "", "p_unknown", ProfileUuid, new string('p', 65), null)) : ("sub", Pick<JsonNode?>(5, "", new string('p', 64), new string('p', 65), null)),
                2 => ("jti", Pick<JsonNode?>("not-a-guid", Guid.NewGuid().ToString("B"), Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("D").ToUpperInvariant(), 7, "", new string('j', 128), new string('j', 129), null)),
                3 => (time, JsonValue.Create(now + Pick(Offsets) + 0.5)),
                4 => ("ver", Pick<JsonNode?>(1, 3, "2", 2.0, null)),
                5 => ("aud", Pick<JsonNode?>("https://other.example/v1", new JsonArray(claims["aud"]!.DeepClone(), "x"), new JsonArray("x"), 5, new JsonArray())),
                _ => Pick<(string, JsonNode?)>(("iss", "https://attacker.example"), ("iss", 5), ("eid", "env_other"), ("eid", 5), ("did", 5), ("did", new string('d', 65)), ("cid", 5), ("cid", new string('c', 65)), ("cid", "cl_x")),
            };
        }

        private (string, JsonNode?) OddHeader() => random.Next(5) switch
        {
            0 => ("alg", Pick<JsonNode?>("none", "HS256", "HS384", "RS256", "hs512", "HS512", 512, null)),
            1 => ("kid", Pick<JsonNode?>("key_unknown", "ss_unknown", 5, "", null)),
            2 => (Pick("jku", "jwk", "x5u", "x5c", "crit"), Pick<JsonNode?>("https://attacker.example/keys", new JsonArray("exp"))),
            3 => ("typ", Pick<JsonNode?>(null, "at+jwt", "JWS")),
            _ => ("cty", "JWT"),
        };

        private (Func<string, string>, string) Tamper()
        {
            var at = random.Next(1000);
            return random.Next(9) switch
            {
                0 => (t => FlipOne(t, t.LastIndexOf('.') + 1 + at % (t.Length - t.LastIndexOf('.') - 1)), "flipped signature char"),
                1 => (t => FlipOne(t, t.IndexOf('.') + 1 + at % (t.LastIndexOf('.') - t.IndexOf('.') - 1)), "flipped payload char"),
                2 => (t => t + "=", "padding appended"),
                3 => (t => t.Replace('-', '+').Replace('_', '/'), "standard base64 alphabet"),
                4 => (t => t.Insert(t.IndexOf('.') + 1, " "), "space in payload"),
                5 => (t => t[..^2], "signature truncated"),
                6 => (t => t[..(t.LastIndexOf('.') + 1)], "signature removed"),
                7 => (t => t + ".extra", "fourth segment"),
                _ => (t => t[..t.IndexOf('.')] + "=" + t[t.IndexOf('.')..], "padding inside header"),
            };
        }

        private static string FlipOne(string token, int index)
        {
            var chars = token.ToCharArray();
            chars[index] = chars[index] == 'A' ? 'B' : 'A';
            return new string(chars);
        }
    }
}

public sealed class ReferenceVerifierDifferentialTestsOnSqlite(PostgresServer postgres) : ReferenceVerifierDifferentialTests(Backend.Sqlite, postgres);
public sealed class ReferenceVerifierDifferentialTestsOnPostgres(PostgresServer postgres) : ReferenceVerifierDifferentialTests(Backend.Postgres, postgres);
