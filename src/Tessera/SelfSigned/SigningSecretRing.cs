using System.Collections.Concurrent;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Tessera.Data;
using Tessera.Security;
using Tessera.Sessions;

namespace Tessera.SelfSigned;

/// <summary>
/// Customers' signing secrets, decrypted and cached for verification. A revocation anywhere (the revocation log)
/// drops the cached secret on every instance, and the revocation list refuses its tokens meanwhile.
/// </summary>
public sealed class SigningSecretRing
{
    /// <summary>
    /// A secret ready for HMAC (<see cref="Key"/>: the UTF-8 bytes of the secret as printed), or a customer's public
    /// key (<see cref="PublicKey"/>; <see cref="Key"/> empty).
    /// </summary>
    public sealed record LoadedSecret(string Id, string EnvironmentId, byte[] Key, bool Revoked, PooledSignatureKey? PublicKey = null)
    {
        /// <summary>HMAC-SHA512 under the secret (the algorithm customers are told to use); null for a public key.</summary>
        public PooledHmac? Hmac512 { get; } = PublicKey is null ? new(System.Security.Cryptography.HashAlgorithmName.SHA512, Key) : null;
        /// <summary>HMAC-SHA256 under the secret (also accepted); null for a public key.</summary>
        public PooledHmac? Hmac256 { get; } = PublicKey is null ? new(System.Security.Cryptography.HashAlgorithmName.SHA256, Key) : null;
    }

    private readonly IServiceScopeFactory _scopes;
    private readonly SecretProtector _protector;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, LoadedSecret> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LoadedSecret>.AlternateLookup<ReadOnlySpan<char>> _byIdSpan;
    private readonly ConcurrentDictionary<string, long> _unknown = new(StringComparer.Ordinal);
    private static readonly TimeSpan UnknownTtl = TimeSpan.FromSeconds(30);

    public SigningSecretRing(IServiceScopeFactory scopes, SecretProtector protector, TimeProvider clock, RevocationList revocations)
    {
        _scopes = scopes;
        _protector = protector;
        _clock = clock;
        _byIdSpan = _byId.GetAlternateLookup<ReadOnlySpan<char>>();
        revocations.Applied += revocation =>
        {
            if (revocation.Kind == RevocationKind.SigningSecret) _byId.TryRemove(revocation.Subject, out _);
        };
    }

    public byte[] Protect(string id, string secret) => _protector.Protect(Encoding.UTF8.GetBytes(secret), id);

    /// <summary>The secret a token names if it is in memory; no database round trip and no allocation.</summary>
    public bool TryGetCached(ReadOnlySpan<char> id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out LoadedSecret? secret) =>
        _byIdSpan.TryGetValue(id, out secret);

    public async ValueTask<LoadedSecret?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (_byId.TryGetValue(id, out var secret)) return secret;
        var now = _clock.GetTimestamp();
        if (_unknown.TryGetValue(id, out var seenAt) && _clock.GetElapsedTime(seenAt, now) < UnknownTtl) return null;

        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TesseraDbContext>();
        var row = await db.SigningSecrets.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (row is null)
        {
            if (_unknown.Count > 10_000) _unknown.Clear();
            _unknown[id] = now;
            return null;
        }
        return _byId[id] = row.PublicKey is { } publicKey
            ? new LoadedSecret(row.Id, row.EnvironmentId, [], row.RevokedAt is not null, PooledSignatureKey.Public(PublicKeys.ParseAlgorithm(row.Algorithm), publicKey))
            : new LoadedSecret(row.Id, row.EnvironmentId, _protector.Unprotect(row.ProtectedSecret, row.Id), row.RevokedAt is not null);
    }
}
