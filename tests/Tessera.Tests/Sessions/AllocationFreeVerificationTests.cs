using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Examples;
using Tessera.SelfSigned;
using Tessera.Sessions;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Sessions;

/// <summary>
/// The checks behind every session-token request (<see cref="SessionTokenVerifier.TryVerify(ReadOnlySpan{char}, out TokenVerification)"/>):
/// they must allocate nothing once the key, secret and profile are in memory (the request then allocates only the claims
/// it keeps, and a refusal nothing), say what <c>VerifyAsync</c> says, and refuse what it refuses.
/// </summary>
public abstract class AllocationFreeVerificationTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    private SessionTokenVerifier Verifier => Server.Services.GetRequiredService<SessionTokenVerifier>();

    private async Task<string> IssueAsync()
    {
        var response = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { email = $"{Guid.NewGuid():N}@example.com" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).Str("token");
    }

    private async Task<string> MintSelfSignedAsync(string? tokenId)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        var secret = await scope.ServiceProvider.GetRequiredService<SigningSecretAdmin>().CreateAsync(Environment.Id, TestContext.Current.CancellationToken);
        var profile = await (await Server.SendAsync(HttpMethod.Post, "/v1/profiles", ApiSecret, new { uuid = Guid.NewGuid() })).JsonAsync();
        return SelfSignedToken.Mint(secret.Secret.Id, secret.Value, profile.Str("id"), TimeSpan.FromHours(1), tokenId);
    }

    private (TokenCheck Check, TokenRejection Rejection, SessionClaims? Claims) TryVerify(string token)
    {
        Span<char> scratch = stackalloc char[SessionTokenVerifier.ScratchLength];
        var check = Verifier.TryVerify(token, scratch, out var verified, out var rejection);
        return (check, rejection, check == TokenCheck.Valid ? verified.ToClaims() : null);
    }

    private long AllocatedByTryVerify(string token, int times)
    {
        Span<char> scratch = stackalloc char[SessionTokenVerifier.ScratchLength];
        var verifier = Verifier;
        Assert.Equal(TokenCheck.Valid, verifier.TryVerify(token, scratch, out _, out _));
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < times; i++)
        {
            if (verifier.TryVerify(token, scratch, out _, out _) != TokenCheck.Valid) return -1;
        }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public async Task AValidSessionTokenVerifiesFromMemoryWithoutAllocating()
    {
        var token = await IssueAsync();
        Assert.Equal(0, AllocatedByTryVerify(token, 1000));
    }

    [Fact]
    public async Task AValidSelfSignedTokenVerifiesFromMemoryWithoutAllocatingOnceItsSecretAndProfileAreLoaded()
    {
        foreach (var tokenId in new[] { "order-42", null })
        {
            var token = await MintSelfSignedAsync(tokenId);
            Clock.Set(DateTimeOffset.UtcNow); // the example mints with the real clock: catch up with it after minting
            // Never seen: the secret and the profile are not in memory, and the check says so rather than guess.
            Assert.Equal(TokenCheck.NotCached, TryVerify(token).Check);
            Assert.True((await Verifier.VerifyAsync(token, TestContext.Current.CancellationToken)).IsValid);
            Assert.Equal(0, AllocatedByTryVerify(token, 1000));
        }
    }

    [Fact]
    public async Task AnES256SessionTokenAndAPublicKeySelfSignedTokenVerifyFromMemoryWithoutAllocating()
    {
        var ct = TestContext.Current.CancellationToken;
        string apiSecret, registered, uid;
        using var customerKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        await using (var scope = Server.Services.CreateAsyncScope())
        {
            var es256 = await scope.ServiceProvider.GetRequiredService<Tessera.Environments.EnvironmentAdmin>().CreateAsync("es256-" + Guid.NewGuid().ToString("N")[..6],
                Tessera.Environments.EnvironmentMode.Sandbox, ct, JwsAlgorithm.ES256);
            apiSecret = (await scope.ServiceProvider.GetRequiredService<Tessera.ApiKeys.ApiKeyAdmin>().CreateAsync(es256.Id, "test", ct)).Secret;
            Assert.True(PublicKeys.TryParse(customerKey.ExportSubjectPublicKeyInfoPem(), out var parsed, out _));
            registered = (await scope.ServiceProvider.GetRequiredService<SigningSecretAdmin>().CreatePublicKeyAsync(Environment.Id, parsed!, ct)).Id;
            uid = (await (await Server.SendAsync(HttpMethod.Post, "/v1/profiles", ApiSecret, new { uuid = Guid.NewGuid() })).JsonAsync()).Str("id");
        }
        var response = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", apiSecret, new { email = $"{Guid.NewGuid():N}@example.com" });
        var token = (await response.JsonAsync()).Str("token");
        Assert.True((await Verifier.VerifyAsync(token, ct)).IsValid);
        // The platform's ECDsa.VerifyHash allocates on its own (OpenSSL interop, ~1.2 KB on Linux): measured here, on a
        // key of the same curve, it is the floor. Everything Tessera adds around it (parse, claims, key look-up,
        // revocation set) must add nothing.
        var floor = PlatformVerifyAllocation(200);
        Assert.Equal(floor * 200, AllocatedByTryVerify(token, 200));

        var selfSigned = SelfSignedToken.Mint(registered, customerKey, uid, TimeSpan.FromHours(1), "order-es256");
        Clock.Set(DateTimeOffset.UtcNow); // the example mints with the real clock
        Assert.True((await Verifier.VerifyAsync(selfSigned, ct)).IsValid);
        Assert.Equal(floor * 200, AllocatedByTryVerify(selfSigned, 200));
    }

    /// <summary>What one P-256 <c>VerifyHash</c> (P1363 signature, hash on the stack) allocates on this platform.</summary>
    private static long PlatformVerifyAllocation(int times)
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var hash = System.Security.Cryptography.SHA256.HashData("floor"u8);
        var signature = key.SignHash(hash, System.Security.Cryptography.DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        Assert.True(key.VerifyHash(hash, signature, System.Security.Cryptography.DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < times; i++)
            key.VerifyHash(hash.AsSpan(), signature.AsSpan(), System.Security.Cryptography.DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated % times); // the same every call, or the comparison above would mean nothing
        return allocated / times;
    }

    [Fact]
    public async Task TheClaimsViewSaysWhatVerifyAsyncSays()
    {
        Clock.Set(DateTimeOffset.UtcNow);
        var tokens = new[] { await IssueAsync(), await MintSelfSignedAsync("order-7"), await MintSelfSignedAsync(null) };
        // The example mints with the real clock: catch up with it after minting, so a slow machine cannot make a token not yet valid.
        Clock.Set(DateTimeOffset.UtcNow);
        foreach (var token in tokens)
        {
            var verification = await Verifier.VerifyAsync(token, TestContext.Current.CancellationToken);
            Assert.True(verification.IsValid);
            var (check, _, claims) = TryVerify(token);
            Assert.Equal(TokenCheck.Valid, check);
            Assert.Equal(verification.Claims, claims);
        }
    }

    [Fact]
    public async Task TheViewRefusesRevokedExpiredAndTamperedTokensLikeVerifyAsync()
    {
        var revoked = await IssueAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, "/v1/users/session", revoked)).StatusCode);
        Assert.Equal((TokenCheck.Rejected, TokenRejection.Revoked), Pick(TryVerify(revoked)));

        var token = await IssueAsync();
        var parts = token.Split('.');
        // The first signature character always changes (a fixed suffix would match the real one about once in 1,024 runs).
        var otherFirst = parts[2][0] == 'A' ? 'B' : 'A';
        Assert.Equal((TokenCheck.Rejected, TokenRejection.Signature), Pick(TryVerify(parts[0] + "." + parts[1] + "." + otherFirst + parts[2][1..])));
        Assert.Equal((TokenCheck.Rejected, TokenRejection.Malformed), Pick(TryVerify(parts[0] + "." + parts[1])));

        Clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal((TokenCheck.Rejected, TokenRejection.Expired), Pick(TryVerify(token)));
        Assert.Equal(TokenRejection.Expired, (await Verifier.VerifyAsync(token, TestContext.Current.CancellationToken)).Rejection);

        static (TokenCheck, TokenRejection) Pick((TokenCheck Check, TokenRejection Rejection, SessionClaims? _) result) => (result.Check, result.Rejection);
    }

    [Fact]
    public async Task TheRequestPathRefusesARevokedOrTamperedTokenWithoutAllocating()
    {
        var revoked = await IssueAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, "/v1/users/session", revoked)).StatusCode);
        var parts = (await IssueAsync()).Split('.');
        var tampered = parts[0] + "." + parts[1] + "." + (parts[2][0] == 'A' ? 'B' : 'A') + parts[2][1..];
        foreach (var (token, why) in new[] { (revoked, TokenRejection.Revoked), (tampered, TokenRejection.Signature) })
        {
            var verifier = Verifier;
            Assert.Equal(TokenCheck.Rejected, verifier.TryVerify(token, out var first));
            Assert.Equal(why, first.Rejection);
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1000; i++) verifier.TryVerify(token, out _);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    [Fact]
    public async Task ATooSmallScratchBufferIsAProgrammingError()
    {
        var token = await IssueAsync();
        Assert.Throws<ArgumentException>(() =>
        {
            Span<char> scratch = stackalloc char[SessionTokenVerifier.ScratchLength - 1];
            Verifier.TryVerify(token, scratch, out _, out _);
        });
    }
}

public sealed class AllocationFreeVerificationTestsOnSqlite(PostgresServer postgres) : AllocationFreeVerificationTests(Backend.Sqlite, postgres);
public sealed class AllocationFreeVerificationTestsOnPostgres(PostgresServer postgres) : AllocationFreeVerificationTests(Backend.Postgres, postgres);
