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
    /// <summary>A secret ready for HMAC: the UTF-8 bytes of the secret as printed.</summary>
    public sealed record LoadedSecret(string Id, string EnvironmentId, byte[] Key, bool Revoked);

    private readonly IServiceScopeFactory _scopes;
    private readonly SecretProtector _protector;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, LoadedSecret> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _unknown = new(StringComparer.Ordinal);
    private static readonly TimeSpan UnknownTtl = TimeSpan.FromSeconds(30);

    public SigningSecretRing(IServiceScopeFactory scopes, SecretProtector protector, TimeProvider clock, RevocationList revocations)
    {
        _scopes = scopes;
        _protector = protector;
        _clock = clock;
        revocations.Applied += revocation =>
        {
            if (revocation.Kind == RevocationKind.SigningSecret) _byId.TryRemove(revocation.Subject, out _);
        };
    }

    public byte[] Protect(string id, string secret) => _protector.Protect(Encoding.UTF8.GetBytes(secret), id);

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
        return _byId[id] = new LoadedSecret(row.Id, row.EnvironmentId, _protector.Unprotect(row.ProtectedSecret, row.Id), row.RevokedAt is not null);
    }
}
