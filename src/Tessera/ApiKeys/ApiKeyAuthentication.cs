using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.EntityFrameworkCore;
using Tessera.Data;
using Tessera.Environments;
using Tessera.Http;
using Tessera.Security;
using Tessera.Sessions;
using Tessera.OpenApi;

namespace Tessera.ApiKeys;

/// <summary>The authenticated server-side caller: an API key and its environment.</summary>
public sealed record ApiKeyCaller(ApiKey Key, TesseraEnvironment Environment);

/// <summary>
/// Finds the API key whose secret is presented, by the secret's SHA-256 (the secret itself is never kept). Keys found
/// are cached in memory, so a server-side call costs no database round trip to authenticate. A revocation on any
/// instance reaches this one through the revocation log (<see cref="RevocationKind.ApiKey"/>) within a poll interval
/// and the key is refused from then on; on the instance that revoked it, at once.
/// </summary>
public sealed class ApiKeyAuthenticator
{
    /// <summary>How long a cached key is trusted without reading it again: a backstop for a revocation the log missed.</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(1);

    private sealed record Entry(ApiKeyCaller Caller, long LoadedAt);

    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<byte[], Entry> _byHash = new(SecretHashComparer.Instance);
    // Ids of keys revoked since this instance started. A lookup that read the key just before its revocation
    // committed may put it in the cache after the revocation was applied: this set still refuses it.
    private readonly ConcurrentDictionary<string, byte> _revoked = new(StringComparer.Ordinal);

    public ApiKeyAuthenticator(IServiceScopeFactory scopes, RevocationList revocations, TimeProvider clock)
    {
        _scopes = scopes;
        _clock = clock;
        revocations.Applied += revocation =>
        {
            if (revocation.Kind == RevocationKind.ApiKey) Forget(revocation.Subject);
        };
    }

    public async ValueTask<ApiKeyCaller?> AuthenticateAsync(string secret, CancellationToken cancellationToken)
    {
        if (secret.Length is < 8 or > 128) return null;
        // Looked up by a hash of a 256-bit secret: lookup timing can tell at most a hash prefix, which does not help
        // find a secret, so no constant-time comparison is needed here.
        var hash = SecretHasher.Hash(secret);
        var now = _clock.GetTimestamp();
        if (_byHash.TryGetValue(hash, out var cached) && _clock.GetElapsedTime(cached.LoadedAt, now) < CacheLifetime)
            return _revoked.ContainsKey(cached.Caller.Key.Id) ? null : cached.Caller;

        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TesseraDbContext>();
        var row = await (from key in db.ApiKeys.AsNoTracking()
                         join environment in db.Environments.AsNoTracking() on key.EnvironmentId equals environment.Id
                         where key.SecretHash == hash && key.RevokedAt == null
                         select new { key, environment }).FirstOrDefaultAsync(cancellationToken);
        if (row is null || _revoked.ContainsKey(row.key.Id))
        {
            _byHash.TryRemove(hash, out _);
            return null;
        }
        var caller = new ApiKeyCaller(row.key, row.environment);
        _byHash[hash] = new Entry(caller, now);
        return caller;
    }

    /// <summary>Refuses the key from now on, here.</summary>
    public void Forget(string keyId)
    {
        _revoked[keyId] = 0;
        foreach (var (hash, entry) in _byHash)
            if (entry.Caller.Key.Id == keyId) _byHash.TryRemove(hash, out _);
    }

    private sealed class SecretHashComparer : IEqualityComparer<byte[]>
    {
        public static readonly SecretHashComparer Instance = new();
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);
        // A SHA-256 output: its first bytes are as good a hash code as any.
        public int GetHashCode(byte[] hash) => hash.Length >= 4 ? MemoryMarshal.Read<int>(hash) : 0;
    }
}

public static class ApiKeyAuthenticationExtensions
{
    private const string Instruction = "Send your API key secret as `Authorization: Bearer <secret>`.";

    /// <summary>Requires an API key secret on every endpoint of the group; 401 with the error body otherwise.</summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var secret = Credentials.Bearer(http.Request);
            if (secret is null) return Unauthenticated(http);
            var caller = await http.RequestServices.GetRequiredService<ApiKeyAuthenticator>().AuthenticateAsync(secret, http.RequestAborted);
            if (caller is null) return Unauthenticated(http);
            if (Throttle(http, http.RequestServices.GetRequiredService<CallerRateLimiter>(), caller) is { } refused) return refused;
            http.Features.Set(caller);
            return await next(context);
        });
        return builder.AcceptsCredential(Credential.ApiKey);
    }

    /// <summary>Takes one request from the API key's budget: null when it may proceed, else the 429 to answer.</summary>
    public static IResult? Throttle(HttpContext http, CallerRateLimiter limiter, ApiKeyCaller caller) =>
        limiter.TryAcquire(http, caller.Key.Id, out var retryAfter) ? null : ApiError.TooManyRequests(http, retryAfter, "Too many requests for this API key");

    private static IResult Unauthenticated(HttpContext http)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return ApiError.NotAuthenticated(Instruction);
    }

    /// <summary>The caller authenticated by <see cref="RequireApiKey{TBuilder}"/>.</summary>
    public static ApiKeyCaller ApiKeyCaller(this HttpContext http) =>
        http.Features.Get<ApiKeyCaller>() ?? throw new InvalidOperationException("Endpoint is missing RequireApiKey().");
}
