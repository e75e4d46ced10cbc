using Tessera.Clients;
using Tessera.Environments;

namespace Tessera.Http;

/// <summary>
/// CORS for the endpoints browsers call (passwordless, session, GraphQL, the SDK's connector search). Preflights are answered for any origin:
/// they carry no credential and the client id is only in the body. The actual passwordless request then checks the
/// origin against its client (any origin in sandbox); session endpoints are guarded by the bearer token itself,
/// which a cross-site page cannot read or forge (no cookies are used).
/// </summary>
public static class BrowserOrigins
{
    private const string AllowedHeaders = "authorization, content-type, accept, quiltt-client-version, quiltt-sdk-agent, quiltt-version";
    private const string ExposedHeaders = "Authorization, Ratelimit-Limit, Ratelimit-Remaining, Ratelimit-Reset, Retry-After, Quiltt-Version, Current-Page, Page-Items, Total-Count, Total-Pages";

    public static IApplicationBuilder UseBrowserOrigins(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length == 0 || !IsBrowserPath(http.Request.Path))
        {
            await next(http);
            return;
        }
        var headers = http.Response.Headers;
        headers.AccessControlAllowOrigin = origin;
        headers.Vary = "Origin";
        if (HttpMethods.IsOptions(http.Request.Method) && http.Request.Headers.AccessControlRequestMethod.Count > 0)
        {
            headers.AccessControlAllowMethods = "GET, POST, PUT, DELETE, OPTIONS";
            var requested = http.Request.Headers.AccessControlRequestHeaders.ToString();
            headers.AccessControlAllowHeaders = requested.Length > 0 && requested.Length <= 1024 ? requested : AllowedHeaders;
            headers.AccessControlMaxAge = "600";
            http.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }
        headers.AccessControlExposeHeaders = ExposedHeaders;
        await next(http);
    });

    private static bool IsBrowserPath(PathString path) =>
        path.StartsWithSegments("/v1/users/session") || path.StartsWithSegments("/v1/graphql") || path.StartsWithSegments("/v1/sdk");

    /// <summary>Whether a passwordless request from this origin may use the client.</summary>
    public static bool IsAllowed(HttpContext http, Client client, TesseraEnvironment environment)
    {
        var origin = http.Request.Headers.Origin.ToString();
        return origin.Length == 0 || IsAllowedOrigin(origin, client, environment);
    }

    /// <summary>Whether a page of this origin may use the client (passwordless requests, an embedded Connector).</summary>
    public static bool IsAllowedOrigin(string origin, Client client, TesseraEnvironment environment)
    {
        if (environment.Mode == EnvironmentMode.Sandbox) return true;
        if (string.IsNullOrWhiteSpace(client.AllowedOrigins)) return false;
        foreach (var allowed in client.AllowedOrigins.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (string.Equals(allowed.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}
