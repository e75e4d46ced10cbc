using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Tessera.Environments;
using Tessera.GraphQL;
using Tessera.Data;
using Tessera.Passcodes;
using Tessera.Profiles;
using Tessera.SelfSigned;
using Tessera.Sessions;

namespace Tessera.Micro.Bench;

/// <summary>
/// The hot paths in isolation, with allocations: signing and verifying a session token (the key ring and revocation
/// list warm, as in a running server), hashing and comparing a passcode, and preparing the GraphQL transactions query
/// (parse + validate + limits; warm = the document cache hit every request after the first gets). Verification is
/// measured as requests do it (<c>TryVerify</c> from memory, claims materialized for the endpoint) for Tessera's and for
/// a self-signed token, and through <c>VerifyAsync</c>, which the request path takes only when a key must be loaded.
/// </summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private WebApplication _app = null!;
    private SessionTokenIssuer _issuer = null!;
    private SessionTokenVerifier _verifier = null!;
    private SigningKeyRing.LoadedKey _key = null!;
    private SessionClaims _claims = null!;
    private string _token = null!;
    private string _selfSignedToken = null!;
    private SigningKeyRing.LoadedKey _es256Key = null!;
    private SessionClaims _es256Claims = null!;
    private string _es256Token = null!;
    private string _es256SelfSignedToken = null!;
    private PasscodeHasher _hasher = null!;
    private byte[] _codeHash = null!;
    private readonly Guid _challengeId = Guid.NewGuid();
    private GraphQLService _graphql = null!;
    private readonly JsonWebTokenHandler _reference = new();
    private TokenValidationParameters _referenceRules = null!;
    private int _cold;

    private const string TransactionsQuery = "query Page($after: String) { transactions(first: 50, after: $after) { count nodes { id date description amount entryType merchant { name } account { id name } } pageInfo { hasNextPage endCursor } } }";

    [GlobalSetup]
    public void Setup()
    {
        var directory = Directory.CreateTempSubdirectory("tessera-micro-").FullName;
        var builder = Program.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = $"Data Source={Path.Combine(directory, "bench.db")}",
            ["Secrets:KeyFile"] = Path.Combine(directory, "master.key"),
        });
        builder.Logging.ClearProviders();
        _app = Program.BuildApp(builder);
        _app.StartAsync().GetAwaiter().GetResult();

        using var scope = _app.Services.CreateScope();
        var environment = scope.ServiceProvider.GetRequiredService<EnvironmentAdmin>().CreateAsync("micro", EnvironmentMode.Sandbox, default).GetAwaiter().GetResult();
        _key = _app.Services.GetRequiredService<SigningKeyRing>().GetActiveAsync(environment.Id, default).AsTask().GetAwaiter().GetResult();
        _issuer = _app.Services.GetRequiredService<SessionTokenIssuer>();
        _verifier = _app.Services.GetRequiredService<SessionTokenVerifier>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        _claims = new SessionClaims
        {
            SessionId = Guid.NewGuid(), ProfileId = "p_" + new string('a', 22), EnvironmentId = environment.Id, IssuedBy = "api_" + new string('b', 22),
            IssuedAt = now, NotBefore = now, ExpiresAt = now + 86400,
        };
        _token = _issuer.Sign(_key, _claims);
        if (!_verifier.VerifyAsync(_token).AsTask().GetAwaiter().GetResult().IsValid) throw new InvalidOperationException("setup token does not verify");

        // A self-signed token (HS512, jti) of a real profile, signed with a real signing secret.
        var profiles = scope.ServiceProvider.GetRequiredService<ProfileStore>();
        var profile = profiles.Create(environment.Id, Guid.NewGuid());
        scope.ServiceProvider.GetRequiredService<TesseraDbContext>().SaveChanges();
        var secret = scope.ServiceProvider.GetRequiredService<SigningSecretAdmin>().CreateAsync(environment.Id, default).GetAwaiter().GetResult();
        _selfSignedToken = Examples.SelfSignedToken.Mint(secret.Secret.Id, secret.Value, profile.Id, TimeSpan.FromHours(12), tokenId: "order-42");
        // The same with an ES256 environment (ADR 0010) and a customer's registered P-256 public key.
        var es256 = scope.ServiceProvider.GetRequiredService<EnvironmentAdmin>().CreateAsync("micro-es256", EnvironmentMode.Sandbox, default, JwsAlgorithm.ES256).GetAwaiter().GetResult();
        _es256Key = _app.Services.GetRequiredService<SigningKeyRing>().GetActiveAsync(es256.Id, default).AsTask().GetAwaiter().GetResult();
        _es256Claims = _claims with { EnvironmentId = es256.Id };
        _es256Token = _issuer.Sign(_es256Key, _es256Claims);
        if (!_verifier.VerifyAsync(_es256Token).AsTask().GetAwaiter().GetResult().IsValid) throw new InvalidOperationException("ES256 setup token does not verify");
        using var customerKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        PublicKeys.TryParse(customerKey.ExportSubjectPublicKeyInfoPem(), out var parsed, out _);
        var registered = scope.ServiceProvider.GetRequiredService<SigningSecretAdmin>().CreatePublicKeyAsync(environment.Id, parsed!, default).GetAwaiter().GetResult();
        _es256SelfSignedToken = Examples.SelfSignedToken.Mint(registered.Id, customerKey, profile.Id, TimeSpan.FromHours(12), tokenId: "order-43");
        if (!_verifier.VerifyAsync(_es256SelfSignedToken).AsTask().GetAwaiter().GetResult().IsValid) throw new InvalidOperationException("ES256 self-signed token does not verify");

        // The first verification loads the secret and the profile into memory, as the first request would.
        if (!_verifier.VerifyAsync(_selfSignedToken).AsTask().GetAwaiter().GetResult().IsValid) throw new InvalidOperationException("self-signed token does not verify");
        if (!VerifySessionToken() || !VerifySelfSignedToken()) throw new InvalidOperationException("TryVerify refuses the setup tokens");
        // The same rules in Microsoft.IdentityModel (as ReferenceVerifierDifferentialTests configures it), minus the
        // revocation set and the profile check, which it cannot do: a lower bound of its cost on this path.
        var tokenOptions = _app.Services.GetRequiredService<IOptions<SessionTokenOptions>>().Value;
        _referenceRules = new TokenValidationParameters
        {
            ValidIssuer = tokenOptions.EffectiveIssuer, ValidAudience = tokenOptions.EffectiveAudience,
            IssuerSigningKey = new SymmetricSecurityKey(_key.Key) { KeyId = _key.Id }, TryAllIssuerSigningKeys = false,
            ValidAlgorithms = ["HS512"], RequireSignedTokens = true, RequireExpirationTime = true, ValidateLifetime = true,
        };
        if (!VerifyWithIdentityModel()) throw new InvalidOperationException("the reference validator refuses the setup token");
        _hasher = _app.Services.GetRequiredService<PasscodeHasher>();
        _codeHash = _hasher.Hash(_challengeId, "123456");
        _graphql = _app.Services.GetRequiredService<GraphQLService>();

        // Everything measured is warm now. Stop the server's background loops (revocation sync, outbox, webhooks,
        // pruner): MemoryDiagnoser counts the whole process's allocations, and a poll landing in an iteration showed
        // as a stray byte per operation. The services themselves stay usable until Cleanup disposes them.
        _app.StopAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _app.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public string SignToken() => _issuer.Sign(_key, _claims);

    /// <summary>Every check, claims materialized (what the endpoints keep): <c>VerifyAsync</c> with warm caches.</summary>
    [Benchmark]
    public bool VerifyToken() => _verifier.VerifyAsync(_token).GetAwaiter().GetResult().IsValid;

    /// <summary>Every check, claims materialized for the request: <c>TryVerify</c>, what the endpoints' filters call.</summary>
    [Benchmark]
    public bool VerifySessionToken() => _verifier.TryVerify(_token, out _) == TokenCheck.Valid;

    /// <summary>A customer-signed token (HS512, jti, uid resolved from the profile directory) the same way.</summary>
    /// <summary>The reference: Microsoft.IdentityModel's JsonWebTokenHandler on the same token and rules.</summary>
    [Benchmark]
    public bool VerifyWithIdentityModel() => _reference.ValidateTokenAsync(_token, _referenceRules).GetAwaiter().GetResult().IsValid;

    [Benchmark]
    public bool VerifySelfSignedToken() => _verifier.TryVerify(_selfSignedToken, out _) == TokenCheck.Valid;

    [Benchmark]
    public string SignTokenES256() => _issuer.Sign(_es256Key, _es256Claims);

    /// <summary>VerifySessionToken for an ES256 environment's token (pooled ECDsa, P-256 verify).</summary>
    [Benchmark]
    public bool VerifySessionTokenES256() => _verifier.TryVerify(_es256Token, out _) == TokenCheck.Valid;

    /// <summary>A customer-signed token under a registered P-256 public key.</summary>
    [Benchmark]
    public bool VerifySelfSignedTokenES256() => _verifier.TryVerify(_es256SelfSignedToken, out _) == TokenCheck.Valid;

    [Benchmark]
    public bool PasscodeHashAndCompare() => _hasher.Matches(_challengeId, "123456", _codeHash);

    [Benchmark]
    public PreparedDocument PrepareTransactionsQueryWarm() => _graphql.Prepare(TransactionsQuery);

    [Benchmark]
    public PreparedDocument PrepareTransactionsQueryCold() => _graphql.Prepare(TransactionsQuery + " # " + _cold++);
}
