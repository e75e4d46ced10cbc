using System.Reflection;

namespace Tessera.DataApi;

/// <summary>
/// GraphiQL for browsers at <c>GET /v1/graphql</c>, from npm packages embedded at build time (no CDN). The page asks
/// for a session token and sends it as the bearer credential.
/// </summary>
public static class GraphQLExplorer
{
    private static readonly Assembly Assembly = typeof(GraphQLExplorer).Assembly;
    private const string ResourcePrefix = "explorer/";

    public static IEndpointRouteBuilder MapGraphQLExplorerAssets(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(GraphQLApi.Path + "/explorer/{file}", (string file, HttpContext http) =>
        {
            var stream = Assembly.GetManifestResourceStream(ResourcePrefix + file);
            if (stream is null) return Results.NotFound();
            http.Response.Headers.CacheControl = "public, max-age=86400";
            return Results.Stream(stream, file.EndsWith(".css", StringComparison.Ordinal) ? "text/css" : "text/javascript");
        }).ExcludeFromDescription();
        return routes;
    }

    public static bool IsBundled => Assembly.GetManifestResourceInfo(ResourcePrefix + "graphiql.min.js") is not null;

    public static Task WriteAsync(HttpContext http)
    {
        http.Response.ContentType = "text/html; charset=utf-8";
        // The page's own script only reads a token the user pastes; no inline data from the request is echoed.
        http.Response.Headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:";
        if (!IsBundled)
        {
            http.Response.StatusCode = 404;
            return http.Response.WriteAsync("<!doctype html><p>The GraphQL explorer was not bundled into this build (npm was unavailable). POST queries to /v1/graphql.</p>");
        }
        return http.Response.WriteAsync(Page);
    }

    private const string Page = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>Tessera GraphQL</title>
          <link rel="stylesheet" href="/v1/graphql/explorer/graphiql.min.css">
          <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
        </head>
        <body>
          <div id="graphiql">Loading…</div>
          <script src="/v1/graphql/explorer/react.production.min.js"></script>
          <script src="/v1/graphql/explorer/react-dom.production.min.js"></script>
          <script src="/v1/graphql/explorer/graphiql.min.js"></script>
          <script>
            const token = sessionStorage.getItem('tessera-token') || prompt('Session token (Bearer) for the profile to explore:') || '';
            sessionStorage.setItem('tessera-token', token);
            const fetcher = GraphiQL.createFetcher({ url: '/v1/graphql', headers: { Authorization: 'Bearer ' + token } });
            ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, { fetcher }));
          </script>
        </body>
        </html>
        """;
}
