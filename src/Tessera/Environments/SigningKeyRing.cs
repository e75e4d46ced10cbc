using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Tessera.Data;
using Tessera.Security;

namespace Tessera.Environments;

/// <summary>
/// Decrypted environment signing keys, cached in memory so verifying a token needs no database round trip.
/// </summary>
public sealed class SigningKeyRing
{
    private readonly IServiceScopeFactory scopes;
    private readonly SecretProtector protector;
    private readonly TimeProvider clock;

    public SigningKeyRing(IServiceScopeFactory scopes, SecretProtector protector, TimeProvider clock, Sessions.RevocationList revocations)
    {
        this.scopes = scopes;
        this.protector = protector;
        this.clock = clock;
        _byIdSpan = _byId.GetAlternateLookup<ReadOnlySpan<char>>();
        // A rotation anywhere changes which key signs and when old ones retire: forget what we cached for that environment.
        revocations.Applied += revocation =>
        {
            if (revocation.Kind == Sessions.RevocationKind.KeysRotated) Forget(revocation.Subject);
        };
    }

    /// <summary>Raised with the environment's id whenever its cached keys are dropped (a rotation, here or on another instance).</summary>
    public event Action<string>? Forgotten;

    /// <summary>Drops every cached key of the environment; the next use reloads them.</summary>
    public void Forget(string environmentId)
    {
        Forgotten?.Invoke(environmentId);
        _activeByEnvironment.TryRemove(environmentId, out _);
        foreach (var (id, key) in _byId) if (key.EnvironmentId == environmentId) _byId.TryRemove(id, out _);
    }

    /// <summary>A key ready to sign and verify: HS512 (<see cref="Hmac"/>) or ES256 (<see cref="Signature"/>).</summary>
    public sealed record LoadedKey(string Id, string EnvironmentId, byte[] Key, DateTime? RetiresAt, Sessions.JwsAlgorithm Algorithm = Sessions.JwsAlgorithm.HS512)
    {
        /// <summary>HMAC-SHA512 under <see cref="Key"/>, with its keyed contexts kept for reuse; null for an ES256 key.</summary>
        public Sessions.PooledHmac? Hmac { get; } = Algorithm == Sessions.JwsAlgorithm.HS512 ? new(HashAlgorithmName.SHA512, Key) : null;

        /// <summary>The P-256 key (<see cref="Key"/> is its PKCS#8) with pooled ECDsa objects; null for an HS512 key.</summary>
        public Sessions.PooledSignatureKey? Signature { get; } = Algorithm == Sessions.JwsAlgorithm.ES256 ? Sessions.PooledSignatureKey.EcdsaPrivate(Key) : null;
    }

    private readonly ConcurrentDictionary<string, LoadedKey> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LoadedKey>.AlternateLookup<ReadOnlySpan<char>> _byIdSpan;
    private readonly ConcurrentDictionary<string, (LoadedKey Key, long LoadedAt)> _activeByEnvironment = new(StringComparer.Ordinal);
    // Unknown kids are remembered briefly so garbage tokens cannot turn into a database query each.
    private readonly ConcurrentDictionary<string, long> _unknown = new(StringComparer.Ordinal);
    private static readonly TimeSpan ActiveKeyTtl = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan UnknownTtl = TimeSpan.FromSeconds(30);

    public static byte[] NewKeyMaterial() => RandomNumberGenerator.GetBytes(64);

    /// <summary>New key material for <paramref name="algorithm"/>: the secret to encrypt, and the public key (SubjectPublicKeyInfo) to publish, if any.</summary>
    public static (byte[] Secret, byte[]? PublicKey) NewKeyMaterial(Sessions.JwsAlgorithm algorithm)
    {
        if (algorithm == Sessions.JwsAlgorithm.HS512) return (NewKeyMaterial(), null);
        if (algorithm != Sessions.JwsAlgorithm.ES256) throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "HS512 or ES256");
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return (ecdsa.ExportPkcs8PrivateKey(), ecdsa.ExportSubjectPublicKeyInfo());
    }

    public byte[] Protect(string keyId, byte[] material) => protector.Protect(material, keyId);

    /// <summary>The key a token names if it is in memory; no database round trip and no allocation.</summary>
    public bool TryGetCached(ReadOnlySpan<char> keyId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out LoadedKey? key) =>
        _byIdSpan.TryGetValue(keyId, out key);

    /// <summary>The key a token names, or null when no such key exists.</summary>
    public async ValueTask<LoadedKey?> FindAsync(string keyId, CancellationToken cancellationToken)
    {
        if (_byId.TryGetValue(keyId, out var key)) return key;
        var now = clock.GetTimestamp();
        if (_unknown.TryGetValue(keyId, out var seenAt) && clock.GetElapsedTime(seenAt, now) < UnknownTtl) return null;

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TesseraDbContext>();
        var row = await db.SigningKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == keyId, cancellationToken);
        if (row is null)
        {
            if (_unknown.Count > 10_000) _unknown.Clear();
            _unknown[keyId] = now;
            return null;
        }
        return _byId[keyId] = Load(row);
    }

    /// <summary>The key new tokens of the environment are signed with: the newest that is not retiring.</summary>
    public async ValueTask<LoadedKey> GetActiveAsync(string environmentId, CancellationToken cancellationToken)
    {
        var now = clock.GetTimestamp();
        if (_activeByEnvironment.TryGetValue(environmentId, out var cached) && clock.GetElapsedTime(cached.LoadedAt, now) < ActiveKeyTtl)
            return cached.Key;

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TesseraDbContext>();
        var utcNow = clock.GetUtcNow().UtcDateTime;
        var row = await db.SigningKeys.AsNoTracking()
            // A key published ahead of its activation (rotate-key --activate-after) verifies but does not sign yet.
            .Where(k => k.EnvironmentId == environmentId && (k.RetiresAt == null || k.RetiresAt > utcNow) && (k.ActivatesAt == null || k.ActivatesAt <= utcNow))
            // A key not scheduled to retire wins over one that is, whatever the timestamps say.
            .OrderBy(k => k.RetiresAt == null ? 0 : 1).ThenByDescending(k => k.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken)
            ?? throw new InvalidOperationException($"Environment {environmentId} has no signing key.");
        var key = _byId.GetOrAdd(row.Id, _ => Load(row));
        _activeByEnvironment[environmentId] = (key, now);
        return key;
    }

    private LoadedKey Load(SigningKey row) =>
        new(row.Id, row.EnvironmentId, protector.Unprotect(row.ProtectedKey, row.Id), row.RetiresAt, SigningAlgorithms.Parse(row.Algorithm));
}
