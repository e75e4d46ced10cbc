using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using static Tessera.OperatorConsole.Html;

namespace Tessera.OperatorConsole;

/// <summary>
/// <c>/console</c>: server-rendered pages over the admin services the CLI uses (docs/adr/0009-operator-console.md).
/// GET reads, POST changes; every change goes through <see cref="ConsoleGate"/> and lands in the audit log.
/// </summary>
public static partial class ConsoleApi
{
    public static IEndpointRouteBuilder MapConsoleApi(this IEndpointRouteBuilder routes)
    {
        if (!routes.ServiceProvider.GetRequiredService<IOptions<ConsoleOptions>>().Value.Enabled) return routes;

        var root = routes.MapGroup("/console").ExcludeFromDescription().AddEndpointFilter(async (context, next) =>
        {
            ConsoleLayout.SecurityHeaders(context.HttpContext.Response);
            return await next(context);
        });
        root.MapGet("/console.css", Stylesheet);
        root.MapGet("/open", OpenPage);
        root.MapPost("/open", OpenAsync);

        var pages = root.MapGroup("").AddEndpointFilter(ConsoleGate.FilterAsync);
        pages.MapPost("/sign-out", SignOutAsync).WithMetadata(new ConsoleViewerMayPost());
        MapPages(pages);
        return routes;
    }

    private static readonly Lazy<byte[]> Css = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("console/console.css")
            ?? throw new InvalidOperationException("console.css is not embedded in this build.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    private static FileContentHttpResult Stylesheet(HttpContext http)
    {
        // The stylesheet holds nothing secret: let the browser keep it for a while, unlike the pages.
        http.Response.Headers.CacheControl = "public, max-age=3600";
        return TypedResults.File(Css.Value, "text/css; charset=utf-8");
    }

    /// <summary>
    /// The link's page only offers a button: opening is a POST, so a mail scanner or link preview that fetches the
    /// URL cannot use up the link, and nothing about the token is told before it is used.
    /// </summary>
    private static ContentHttpResult OpenPage(HttpContext http, string? token) =>
        ConsoleLayout.Bare(http, StatusCodes.Status200OK, "Open the console", H($"""
            <h1>Open the Tessera console</h1>
            <p>This sign-in link works once, for a few minutes.</p>
            <form method="post" action="/console/open">
            <input type="hidden" name="token" value="{token ?? ""}">
            <button type="submit" autofocus>Open the console</button>
            </form>
            """));

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> OpenAsync(HttpContext http, ConsoleSignIn signIn)
    {
        if (!ConsoleGate.IsSameOrigin(http))
            return ConsoleGate.Denied(http, StatusCodes.Status403Forbidden, "Cross-site request refused", "A sign-in link is opened from its own page.");
        var form = await ConsoleForms.ReadAsync(http);
        var opened = form is null ? null : await signIn.OpenAsync(form.Text("token"), Http.Credentials.ClientIp(http), http.Request.Headers.UserAgent.ToString(), http.RequestAborted);
        if (opened is null)
            return ConsoleGate.Denied(http, StatusCodes.Status401Unauthorized, "This link cannot be used",
                "It is unknown, expired, or was already used. Run `tessera console open` on the server for a new one.");
        http.Response.Cookies.Append(ConsoleGate.CookieName, opened.CookieValue, ConsoleGate.CookieOptions(http));
        return TypedResults.Redirect("/console");
    }

    private static async Task<ContentHttpResult> SignOutAsync(HttpContext http, ConsoleSignIn signIn)
    {
        await signIn.SignOutAsync(http.ConsoleCaller().Session, Http.Credentials.ClientIp(http), http.RequestAborted);
        http.Response.Cookies.Delete(ConsoleGate.CookieName, ConsoleGate.CookieOptions(http));
        return ConsoleLayout.Bare(http, StatusCodes.Status200OK, "Signed out", H($"<h1>Signed out</h1><p>Run <code>tessera console open</code> for a new sign-in link.</p>"));
    }
}
