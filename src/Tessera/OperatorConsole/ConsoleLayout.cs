using Microsoft.AspNetCore.Http.HttpResults;
using static Tessera.OperatorConsole.Html;

namespace Tessera.OperatorConsole;

/// <summary>The console's one page frame: header, navigation, content. No script anywhere; forms do the work.</summary>
public static class ConsoleLayout
{
    /// <summary>
    /// No script, no inline style, nothing from another origin, never framed; forms post back here only. The page
    /// and its data are not cached, since they may hold a secret shown once.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static void SecurityHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XFrameOptions = "DENY";
        response.Headers.XContentTypeOptions = "nosniff";
        // Not no-referrer: under it browsers send "Origin: null" with the console's own forms, and the origin check
        // needs the real one. same-origin still tells no other site which console page linked to it.
        response.Headers["Referrer-Policy"] = "same-origin";
        response.Headers.CacheControl = "no-store";
        response.Headers["Cross-Origin-Opener-Policy"] = "same-origin";
        response.Headers["Cross-Origin-Resource-Policy"] = "same-origin";
    }

    public static ContentHttpResult Page(HttpContext http, string title, Html body, string? environmentId = null, int status = 200)
    {
        var caller = http.ConsoleCaller();
        var env = environmentId is null ? Empty : H($"""
            <li><a href="/console/env/{environmentId}/api-keys">API keys</a></li>
            <li><a href="/console/env/{environmentId}/clients">Clients</a></li>
            <li><a href="/console/env/{environmentId}/profiles">Profiles</a></li>
            <li><a href="/console/env/{environmentId}/signing-secrets">Signing secrets</a></li>
            <li><a href="/console/env/{environmentId}/outbox">Outbox</a></li>
            <li><a href="/console/env/{environmentId}/webhooks">Webhooks</a></li>
            <li><a href="/console/env/{environmentId}/audit">Audit log</a></li>
            """);
        var html = H($"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title} · Tessera console</title><link rel="stylesheet" href="/console/console.css"></head>
            <body>
            <a class="skip" href="#main">Skip to content</a>
            <header><span class="brand">Tessera console</span>
            <span class="who">{caller.Session.Operator} · {ConsoleSignIn.Name(caller.Session.Role)}</span>
            <form method="post" action="/console/sign-out">{Csrf(http)}<button type="submit">Sign out</button></form></header>
            <nav aria-label="Console"><ul>
            <li><a href="/console">Overview</a></li>
            <li><a href="/console/environments">Environments</a></li>
            {env}
            </ul></nav>
            <main id="main"><h1>{title}</h1>
            {body}
            </main>
            </body></html>
            """);
        return TypedResults.Content(html.Value, "text/html; charset=utf-8", statusCode: status);
    }

    /// <summary>A page without the session's frame (sign-in, refusals).</summary>
    public static ContentHttpResult Bare(HttpContext http, int status, string title, Html body)
    {
        var html = H($"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title} · Tessera console</title><link rel="stylesheet" href="/console/console.css"></head>
            <body><header><span class="brand">Tessera console</span></header>
            <main id="main" class="narrow">{body}</main></body></html>
            """);
        return TypedResults.Content(html.Value, "text/html; charset=utf-8", statusCode: status);
    }

    /// <summary>The hidden field every form carries.</summary>
    public static Html Csrf(HttpContext http) =>
        H($"""<input type="hidden" name="{ConsoleGate.CsrfField}" value="{http.ConsoleCaller().CsrfToken}">""");

    /// <summary>A one-button form for a change; hidden for viewers, who cannot make it.</summary>
    public static Html Action(HttpContext http, string action, string label, Html fields = default, bool danger = false)
    {
        if (!http.ConsoleCaller().IsAdmin) return Empty;
        return H($"""<form method="post" action="{action}" class="inline">{Csrf(http)}{fields}<button type="submit"{(danger ? new Html(" class=\"danger\"") : Empty)}>{label}</button></form>""");
    }

    public static Html Notice(string? text) => text is null ? Empty : H($"""<p class="notice" role="status">{text}</p>""");

    public static Html Table(string[] headers, IEnumerable<Html[]> rows, string empty = "None.")
    {
        var all = rows.ToList();
        if (all.Count == 0) return H($"<p class=\"empty\">{empty}</p>");
        return H($"""
            <table><thead><tr>{headers.Select(h => H($"<th scope=\"col\">{h}</th>"))}</tr></thead>
            <tbody>{all.Select(r => H($"<tr>{r.Select(c => H($"<td>{c}</td>"))}</tr>"))}</tbody></table>
            """);
    }

    public static Html Text(string? value) => H($"{value}");
}
