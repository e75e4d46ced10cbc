using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using static Tessera.OperatorConsole.Html;

namespace Tessera.OperatorConsole;

/// <summary>The console session a request runs under, once <see cref="ConsoleGate"/> has let it through.</summary>
public sealed record ConsoleCaller(ConsoleSession Session, string CsrfToken)
{
    public string Actor => ConsoleAccess.Actor(Session.Operator);
    public bool IsAdmin => Session.Role == ConsoleRole.Admin;
}

/// <summary>Marks the one change a viewer may make: signing out.</summary>
public sealed class ConsoleViewerMayPost;

/// <summary>
/// Every request under <c>/console</c> (but the link's own page, the stylesheet) passes here: the cookie must name a
/// live session (<see cref="ConsoleAccess.Decide"/>), and a change must come from the console's own pages (same
/// origin, the session's CSRF token) and, but for signing out, from an admin.
/// </summary>
public static class ConsoleGate
{
    public const string CookieName = "tessera_console";
    public const string CsrfField = "_csrf";
    private const string CallerKey = "tessera.console.caller";

    public static ConsoleCaller ConsoleCaller(this HttpContext http) => (ConsoleCaller)http.Items[CallerKey]!;

    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var services = http.RequestServices;
        var options = services.GetRequiredService<IOptions<ConsoleOptions>>().Value;
        var isChange = !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method);

        if (isChange && !IsSameOrigin(http)) return Denied(http, StatusCodes.Status403Forbidden, "Cross-site request refused", "Changes are accepted only from the console's own pages.");

        var cookie = http.Request.Cookies[CookieName];
        var signIn = services.GetRequiredService<ConsoleSignIn>();
        var session = await signIn.FindAsync(cookie, http.RequestAborted);
        var viewerMayPost = http.GetEndpoint()?.Metadata.GetMetadata<ConsoleViewerMayPost>() is not null;
        var decision = ConsoleAccess.Decide(session, services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime, options, isChange && !viewerMayPost);
        switch (decision)
        {
            case ConsoleAccessDecision.Allowed:
                break;
            case ConsoleAccessDecision.Forbidden:
                return Denied(http, StatusCodes.Status403Forbidden, "Viewers cannot make changes", "Open the console with an admin link (tessera console open --role admin) to do this.");
            default:
                http.Response.Cookies.Delete(CookieName, CookieOptions(http));
                return Denied(http, StatusCodes.Status401Unauthorized, "Sign in to the console",
                    decision switch
                    {
                        ConsoleAccessDecision.IdleExpired or ConsoleAccessDecision.AbsoluteExpired => "Your console session has expired.",
                        ConsoleAccessDecision.Revoked => "Your console session was revoked.",
                        ConsoleAccessDecision.SignedOut => "You signed out.",
                        _ => "There is no console session in this browser.",
                    } + " Run `tessera console open` on the server for a new sign-in link.");
        }

        var csrf = ConsoleSignIn.CsrfToken(cookie!);
        if (isChange)
        {
            var form = await ConsoleForms.ReadAsync(http);
            if (form is null) return Denied(http, StatusCodes.Status400BadRequest, "Bad request", "Changes are sent as a form from the console's pages.");
            if (!ConsoleSignIn.CsrfTokenMatches(cookie!, form[CsrfField]))
                return Denied(http, StatusCodes.Status403Forbidden, "Cross-site request refused", "The form's security token is missing or wrong. Reload the page and try again.");
        }

        await signIn.TouchAsync(session!, http.RequestAborted);
        http.Items[CallerKey] = new ConsoleCaller(session!, csrf);
        return await next(context);
    }

    /// <summary>
    /// A browser names the page a form was sent from: refuse any other site. Sec-Fetch-Site is checked too, since
    /// some browsers send Origin: null for redirects. A request with neither (not a browser) still needs the token.
    /// </summary>
    public static bool IsSameOrigin(HttpContext http)
    {
        var fetchSite = http.Request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0 && fetchSite is not ("same-origin" or "none")) return false;
        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length == 0) return true;
        return string.Equals(origin, $"{http.Request.Scheme}://{http.Request.Host.Value}", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// HttpOnly, SameSite=Strict, scoped to /console; Secure over https, and whenever the console's public address
    /// (<c>Console:BaseUrl</c>) is https, even when a TLS proxy in front is not a trusted one and the request looks plain.
    /// </summary>
    public static CookieOptions CookieOptions(HttpContext http) => new()
    {
        HttpOnly = true,
        Secure = http.Request.IsHttps
                 || http.RequestServices.GetRequiredService<IOptions<ConsoleOptions>>().Value.BaseUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase),
        SameSite = SameSiteMode.Strict,
        Path = "/console",
        IsEssential = true,
    };

    public static ContentHttpResult Denied(HttpContext http, int status, string title, string message) =>
        ConsoleLayout.Bare(http, status, title, H($"<h1>{title}</h1><p>{message}</p>"));
}

/// <summary>Forms read without letting a bad body become a 500.</summary>
public static class ConsoleForms
{
    public static async Task<IFormCollection?> ReadAsync(HttpContext http)
    {
        if (!http.Request.HasFormContentType) return null;
        try
        {
            return await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            return null;
        }
    }

    public static string? Text(this IFormCollection form, string name, int maxLength = 200)
    {
        var value = form[name].ToString().Trim();
        return value.Length == 0 || value.Length > maxLength ? null : value;
    }
}
