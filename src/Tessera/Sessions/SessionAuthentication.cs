using Tessera.Http;

namespace Tessera.Sessions;

public static class SessionAuthenticationExtensions
{
    private const string Instruction = "Send a valid session token as `Authorization: Bearer <token>`.";

    /// <summary>Requires a valid, unrevoked session token; 401 with the error body otherwise.</summary>
    public static TBuilder RequireSessionToken<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var token = Credentials.Bearer(http.Request);
            if (token is null) return Unauthenticated(http);
            var verification = await http.RequestServices.GetRequiredService<SessionTokenVerifier>().VerifyAsync(token, http.RequestAborted);
            if (!verification.IsValid) return Unauthenticated(http);
            if (!http.RequestServices.GetRequiredService<CallerRateLimiter>().TryAcquire(http, verification.Claims!.SessionId.ToString(), out var retryAfter))
                return ApiError.TooManyRequests(http, retryAfter, "Too many requests for this session");
            http.Features.Set(new AuthenticatedSession(verification.Claims, token));
            return await next(context);
        });
        return builder;
    }

    private static IResult Unauthenticated(HttpContext http)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return ApiError.NotAuthenticated(Instruction);
    }

    public static AuthenticatedSession AuthenticatedSession(this HttpContext http) =>
        http.Features.Get<AuthenticatedSession>() ?? throw new InvalidOperationException("Endpoint is missing RequireSessionToken().");
}

/// <summary>The verified session of the request and the token that proved it.</summary>
public sealed record AuthenticatedSession(SessionClaims Claims, string Token);
