using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Tessera.OperatorConsole;
using Tessera.Tests.Infrastructure;

namespace Tessera.Tests.OperatorConsole;

/// <summary>
/// What a browser does with the console, over the test server's HTTP: keeps the console cookie, sends the same
/// Origin and Sec-Fetch-Site a same-origin form sends, and reads the CSRF token from the page like a form would.
/// </summary>
public sealed partial class ConsoleBrowser(TesseraInstance server)
{
    public const string Origin = "http://localhost";
    public string? Cookie { get; set; }
    public string? Csrf { get; private set; }

    /// <summary>A link as <c>tessera console open</c> makes it.</summary>
    public static async Task<string> NewLinkTokenAsync(TesseraInstance server, ConsoleRole role = ConsoleRole.Admin, string operatorName = "ada")
    {
        await using var scope = server.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<ConsoleSignIn>().CreateLinkAsync(operatorName, role, default)).Token;
    }

    public static async Task<ConsoleBrowser> SignedInAsync(TesseraInstance server, ConsoleRole role = ConsoleRole.Admin, string operatorName = "ada")
    {
        var browser = new ConsoleBrowser(server);
        var opened = await browser.OpenAsync(await NewLinkTokenAsync(server, role, operatorName));
        if (opened.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Opening the link answered {opened.StatusCode}.");
        var overview = await browser.GetAsync("/console");
        if (overview.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"The overview answered {overview.StatusCode}.");
        return browser;
    }

    public Task<HttpResponseMessage> OpenAsync(string token, string? origin = Origin) =>
        SendAsync(HttpMethod.Post, "/console/open", new Dictionary<string, string> { ["token"] = token }, origin, withCsrf: false);

    public async Task<HttpResponseMessage> GetAsync(string path)
    {
        var response = await SendAsync(HttpMethod.Get, path, null, origin: null, withCsrf: false);
        return response;
    }

    public async Task<string> PageAsync(string path)
    {
        var response = await GetAsync(path);
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"GET {path} answered {response.StatusCode}.");
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Posts a form as the console's own page would (same origin, with the page's CSRF token).</summary>
    public Task<HttpResponseMessage> PostAsync(string path, Dictionary<string, string>? fields = null) =>
        SendAsync(HttpMethod.Post, path, fields ?? [], Origin, withCsrf: true);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, Dictionary<string, string>? fields, string? origin, bool withCsrf, string? fetchSite = null, string? csrf = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (Cookie is not null) request.Headers.Add("Cookie", $"{ConsoleGate.CookieName}={Cookie}");
        if (origin is not null) request.Headers.Add("Origin", origin);
        if (fetchSite is not null) request.Headers.Add("Sec-Fetch-Site", fetchSite);
        if (fields is not null)
        {
            var form = new Dictionary<string, string>(fields);
            if (withCsrf && (csrf ?? Csrf) is { } token) form[ConsoleGate.CsrfField] = token;
            request.Content = new FormUrlEncodedContent(form);
        }
        var response = await server.Http.SendAsync(request);
        foreach (var header in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
        {
            if (!header.StartsWith(ConsoleGate.CookieName + "=", StringComparison.Ordinal)) continue;
            var value = header[(ConsoleGate.CookieName.Length + 1)..].Split(';')[0];
            Cookie = value.Length == 0 ? null : value;
        }
        if (response.Content.Headers.ContentType?.MediaType == "text/html")
        {
            var html = await response.Content.ReadAsStringAsync();
            if (CsrfInput().Match(html) is { Success: true } match) Csrf = WebUtility.HtmlDecode(match.Groups[1].Value);
        }
        return response;
    }

    [GeneratedRegex("name=\"_csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfInput();
}
