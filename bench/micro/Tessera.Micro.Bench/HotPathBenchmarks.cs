using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tessera.Environments;
using Tessera.GraphQL;
using Tessera.Passcodes;
using Tessera.Sessions;

namespace Tessera.Micro.Bench;

/// <summary>
/// The hot paths in isolation, with allocations: signing and verifying a session token (the key ring and revocation
/// list warm, as in a running server), hashing and comparing a passcode, and preparing the GraphQL transactions query
/// (parse + validate + limits; warm = the document cache hit every request after the first gets).
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
    private PasscodeHasher _hasher = null!;
    private byte[] _codeHash = null!;
    private readonly Guid _challengeId = Guid.NewGuid();
    private GraphQLService _graphql = null!;
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
        _hasher = _app.Services.GetRequiredService<PasscodeHasher>();
        _codeHash = _hasher.Hash(_challengeId, "123456");
        _graphql = _app.Services.GetRequiredService<GraphQLService>();
    }

    [GlobalCleanup]
    public void Cleanup() => _app.StopAsync().GetAwaiter().GetResult();

    [Benchmark]
    public string SignToken() => _issuer.Sign(_key, _claims);

    [Benchmark]
    public bool VerifyToken() => _verifier.VerifyAsync(_token).GetAwaiter().GetResult().IsValid;

    [Benchmark]
    public bool PasscodeHashAndCompare() => _hasher.Matches(_challengeId, "123456", _codeHash);

    [Benchmark]
    public PreparedDocument PrepareTransactionsQueryWarm() => _graphql.Prepare(TransactionsQuery);

    [Benchmark]
    public PreparedDocument PrepareTransactionsQueryCold() => _graphql.Prepare(TransactionsQuery + " # " + _cold++);
}
