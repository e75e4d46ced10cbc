using Tessera.Http;
using Tessera.OpenApi;

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
                // The token stays a slice of the Authorization header's string: no copy of it per request.
                var token = Credentials.BearerText(http.Request);
                if (token.IsEmpty) return ValueTask.FromResult<object?>(Unauthenticated(http));
                // With its key (or secret and profile) in memory a token verifies synchronously: no state machine, no
                // allocation but the claims kept for the endpoint. The first sight of a key loads it.
                return verifier.TryVerify(token.Span, out var verification) == TokenCheck.NotCached
                    ? ContinueAsync(context, next, limiter, token, verifier.VerifyAsync(token.ToString(), http.RequestAborted))
                    : Continue(context, next, limiter, token, verification);
            };
        });
        return builder.AcceptsCredential(Credential.SessionToken);
    }

    private static async ValueTask<object?> ContinueAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, CallerRateLimiter limiter,
        ReadOnlyMemory<char> token, ValueTask<TokenVerification> verifying) =>
        await Continue(context, next, limiter, token, await verifying);

    private static ValueTask<object?> Continue(EndpointFilterInvocationContext context, EndpointFilterDelegate next, CallerRateLimiter limiter,
        ReadOnlyMemory<char> token, TokenVerification verification)
    {
        var http = context.HttpContext;
        if (!verification.IsValid) return ValueTask.FromResult<object?>(Unauthenticated(http));
        if (Throttle(http, limiter, verification.Claims!) is { } refused) return ValueTask.FromResult<object?>(refused);
        http.Features.Set(new AuthenticatedSession(verification.Claims!, token));
        return next(context);
    }

    /// <summary>Takes one request from the session's budget: null when it may proceed, else the 429 to answer.</summary>
    public static IResult? Throttle(HttpContext http, CallerRateLimiter limiter, SessionClaims claims) =>
        limiter.TryAcquire(http, claims.RequestBudgetId, out var retryAfter) ? null : ApiError.TooManyRequests(http, retryAfter, "Too many requests for this session");

    private static IResult Unauthenticated(HttpContext http)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return ApiError.NotAuthenticated(Instruction);
    }

    public static AuthenticatedSession AuthenticatedSession(this HttpContext http) =>
        http.Features.Get<AuthenticatedSession>() ?? throw new InvalidOperationException("Endpoint is missing RequireSessionToken().");
}

/// <summary>The verified session of the request and the token that proved it.</summary>
public sealed class AuthenticatedSession(SessionClaims claims, ReadOnlyMemory<char> tokenText)
{
    private string? _token;

    public AuthenticatedSession(SessionClaims claims, string token) : this(claims, token.AsMemory()) => _token = token;

    public SessionClaims Claims { get; } = claims;

    /// <summary>The token, as the slice of the request's Authorization header it was read from.</summary>
    public ReadOnlyMemory<char> TokenText { get; } = tokenText;

    /// <summary>The token as a string (copied from the header the first time it is asked for).</summary>
    public string Token => _token ??= TokenText.ToString();
}
