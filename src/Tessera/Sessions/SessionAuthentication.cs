using Tessera.Http;

namespace Tessera.Sessions;

public static class SessionAuthenticationExtensions
{
    private const string Instruction = "Send a valid session token as `Authorization: Bearer <token>`.";

    /// <summary>Requires a valid, unrevoked session token; 401 with the error body otherwise.</summary>
    public static TBuilder RequireSessionToken<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilterFactory((factory, next) =>
        {
            // Singletons, resolved once: touching RequestServices would create a DI scope on every request.
            var verifier = factory.ApplicationServices.GetRequiredService<SessionTokenVerifier>();
            var limiter = factory.ApplicationServices.GetRequiredService<CallerRateLimiter>();
            return context =>
            {
                var http = context.HttpContext;
                var token = Credentials.Bearer(http.Request);
                if (token is null) return ValueTask.FromResult<object?>(Unauthenticated(http));
                var verifying = verifier.VerifyAsync(token, http.RequestAborted);
                // A valid token with its key in memory verifies synchronously: no state machine for the common case.
                return verifying.IsCompletedSuccessfully
                    ? Continue(context, next, limiter, token, verifying.Result)
                    : ContinueAsync(context, next, limiter, token, verifying);
            };
        });
        return builder;
    }

    private static async ValueTask<object?> ContinueAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, CallerRateLimiter limiter,
        string token, ValueTask<TokenVerification> verifying) =>
        await Continue(context, next, limiter, token, await verifying);

    private static ValueTask<object?> Continue(EndpointFilterInvocationContext context, EndpointFilterDelegate next, CallerRateLimiter limiter,
        string token, TokenVerification verification)
    {
        var http = context.HttpContext;
        if (!verification.IsValid) return ValueTask.FromResult<object?>(Unauthenticated(http));
        if (!limiter.TryAcquire(http, verification.Claims!.SessionId, out var retryAfter))
            return ValueTask.FromResult<object?>(ApiError.TooManyRequests(http, retryAfter, "Too many requests for this session"));
        http.Features.Set(new AuthenticatedSession(verification.Claims, token));
        return next(context);
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
