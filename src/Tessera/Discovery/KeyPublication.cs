using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Data;
using Tessera.Environments;

namespace Tessera.Discovery;

/// <summary>
/// The JSON Web Key Sets Tessera publishes (ADR 0010): an environment's public keys in force (active, published
/// ahead of activation, retiring but not retired). HS512 keys are secret and never appear. There is no set of every
/// environment's keys: a verifier given one would accept a SANDBOX token where a PRODUCTION one is expected unless
/// it also checked <c>iss</c>. Each set is built once and kept briefly, so anonymous callers cannot turn requests into
/// database queries; a rotation (here or, through the revocation log, on another instance) drops it at once. Ids of
/// no environment are remembered apart, so a caller inventing ids evicts only those.
/// </summary>
public sealed class KeyPublication
{
    /// <summary>A set as served: its JSON and the entity tag of exactly those bytes. Null <see cref="Json"/>: no such environment.</summary>
    public sealed record Document(byte[]? Json, string ETag);

    private static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(5);
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, (Document Document, long LoadedAt)> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _missing = new(StringComparer.Ordinal);
    private static readonly Document NoSuchEnvironment = new(null, "");

    public KeyPublication(IServiceScopeFactory scopes, TimeProvider clock, SigningKeyRing keys)
    {
        _scopes = scopes;
        _clock = clock;
        keys.Forgotten += environmentId =>
        {
            _cache.TryRemove(environmentId, out _);
            _missing.TryRemove(environmentId, out _);
        };
    }

    /// <summary>The environment's key set; <see cref="Document.Json"/> null when the environment does not exist.</summary>
    public Task<Document> ForEnvironmentAsync(string environmentId, CancellationToken cancellationToken) => GetAsync(environmentId, cancellationToken);

    private async Task<Document> GetAsync(string environmentId, CancellationToken cancellationToken)
    {
        var now = _clock.GetTimestamp();
        if (_cache.TryGetValue(environmentId, out var cached) && _clock.GetElapsedTime(cached.LoadedAt, now) < CacheTtl) return cached.Document;
        if (_missing.TryGetValue(environmentId, out var missedAt) && _clock.GetElapsedTime(missedAt, now) < CacheTtl) return NoSuchEnvironment;

        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TesseraDbContext>();
        if (!await db.Environments.AnyAsync(e => e.Id == environmentId, cancellationToken))
        {
            if (_missing.Count > 10_000) _missing.Clear();
            _missing[environmentId] = now;
            return NoSuchEnvironment;
        }
        Document document;
        {
            var utcNow = _clock.GetUtcNow().UtcDateTime;
            var rows = await db.SigningKeys.AsNoTracking()
                .Where(k => k.EnvironmentId == environmentId
                            && k.Algorithm != SigningAlgorithms.HS512 && k.PublicKey != null && (k.RetiresAt == null || k.RetiresAt > utcNow))
                .Select(k => new { k.Id, k.Algorithm, k.PublicKey, k.CreatedAt })
                .ToListAsync(cancellationToken);
            var json = Write(rows.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal).Select(r => (r.Id, r.Algorithm, r.PublicKey!)));
            document = new Document(json, "\"" + Base64Url.EncodeToString(SHA256.HashData(json))[..22] + "\"");
        }
        if (_cache.Count > 10_000) _cache.Clear();
        _cache[environmentId] = (document, now);
        return document;
    }

    private static byte[] Write(IEnumerable<(string Id, string Algorithm, byte[] PublicKey)> keys)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("keys");
            foreach (var (id, algorithm, publicKey) in keys)
            {
                // Only ES256 is an environment algorithm besides HS512 (SigningAlgorithms).
                using var ecdsa = ECDsa.Create();
                ecdsa.ImportSubjectPublicKeyInfo(publicKey, out _);
                var point = ecdsa.ExportParameters(false).Q;
                writer.WriteStartObject();
                writer.WriteString("kty", "EC");
                writer.WriteString("crv", "P-256");
                writer.WriteString("x", Base64Url.EncodeToString(point.X));
                writer.WriteString("y", Base64Url.EncodeToString(point.Y));
                writer.WriteString("kid", id);
                writer.WriteString("alg", algorithm);
                writer.WriteString("use", "sig");
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return stream.ToArray();
    }
}
