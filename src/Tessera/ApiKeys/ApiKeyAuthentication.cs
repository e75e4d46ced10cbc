using Microsoft.EntityFrameworkCore;
using Tessera.Data;
using Tessera.Environments;
using Tessera.Http;
using Tessera.Security;

namespace Tessera.ApiKeys;

/// <summary>The authenticated server-side caller: an API key and its environment.</summary>
public sealed record ApiKeyCaller(ApiKey Key, TesseraEnvironment Environment);

/// <summary>Finds the API key whose secret is presented. Looked up by the secret's hash, never the secret.</summary>
public sealed class ApiKeyAuthenticator(TesseraDbContext db)
{
    public async Task<ApiKeyCaller?> AuthenticateAsync(string secret, CancellationToken cancellationToken)
    {
        if (secret.Length is < 8 or > 128) return null;
        var hash = SecretHasher.Hash(secret);
        var row = await (from key in db.ApiKeys.AsNoTracking()
                         join environment in db.Environments.AsNoTracking() on key.EnvironmentId equals environment.Id
                         where key.SecretHash == hash && key.RevokedAt == null
                         select new { key, environment }).FirstOrDefaultAsync(cancellationToken);
        // The index lookup already matched; compare again in constant time so no code path branches on a partial match.
        if (row is null || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(row.key.SecretHash, hash)) return null;
        return new ApiKeyCaller(row.key, row.environment);
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
            if (!http.RequestServices.GetRequiredService<CallerRateLimiter>().TryAcquire(http, caller.Key.Id, out var retryAfter))
                return ApiError.TooManyRequests(http, retryAfter, "Too many requests for this API key");
            http.Features.Set(caller);
            return await next(context);
        });
        return builder;
    }

    private static IResult Unauthenticated(HttpContext http)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return ApiError.NotAuthenticated(Instruction);
    }

    /// <summary>The caller authenticated by <see cref="RequireApiKey{TBuilder}"/>.</summary>
    public static ApiKeyCaller ApiKeyCaller(this HttpContext http) =>
        http.Features.Get<ApiKeyCaller>() ?? throw new InvalidOperationException("Endpoint is missing RequireApiKey().");
}
