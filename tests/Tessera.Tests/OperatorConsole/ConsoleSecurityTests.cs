using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.OperatorConsole;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.OperatorConsole;

/// <summary>
/// Every way into the console without a valid session, over HTTP: no cookie, an expired or reused link, a
/// cross-site form, a viewer's change, a revoked or timed-out session, the cookie of another database.
/// </summary>
public abstract class ConsoleSecurityTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    private static readonly ConsoleOptions Defaults = new();

    private Task<int> ApiKeyCountAsync() => Server.WithDbAsync(db => db.ApiKeys.CountAsync(k => k.EnvironmentId == Environment.Id));

    private Dictionary<string, string> NewKey => new() { ["name"] = "from the console" };

    private string KeysPath => $"/console/env/{Environment.Id}/api-keys";

    [Fact]
    public async Task OpeningALinkStartsASessionWithAnHttpOnlySameSiteStrictCookieAndStrictHeaders()
    {
        var browser = new ConsoleBrowser(Server);
        var landing = await browser.GetAsync("/console/open?token=" + await ConsoleBrowser.NewLinkTokenAsync(Server));
        Assert.Equal(HttpStatusCode.OK, landing.StatusCode);
        Assert.Null(browser.Cookie); // the GET only shows a button: a link preview cannot use the link up

        var opened = await browser.OpenAsync((await LinkFromLandingAsync(landing))!);
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        var setCookie = opened.Headers.GetValues("Set-Cookie").Single().ToLowerInvariant();
        Assert.Contains("httponly", setCookie);
        Assert.Contains("samesite=strict", setCookie);
        Assert.Contains("path=/console", setCookie);
        Assert.DoesNotContain("secure", setCookie); // plain http here; see the https test

        var overview = await browser.GetAsync("/console");
        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
        var csp = overview.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp);
        Assert.DoesNotContain("script-src", csp); // no script at all
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Equal("no-store", overview.Headers.CacheControl!.ToString());
        Assert.DoesNotContain("<script", await overview.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        var audit = await Server.WithDbAsync(db => db.AuditEvents.AsNoTracking().SingleAsync(e => e.Action == ConsoleAuditActions.SessionOpened));
        Assert.Equal("console:ada", audit.Actor);
    }

    private static async Task<string?> LinkFromLandingAsync(HttpResponseMessage landing)
    {
        var html = await landing.Content.ReadAsStringAsync();
        var match = System.Text.RegularExpressions.Regex.Match(html, "name=\"token\" value=\"([^\"]+)\"");
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    [Fact]
    public async Task OverHttpsTheCookieIsAlsoSecure()
    {
        var token = await ConsoleBrowser.NewLinkTokenAsync(Server);
        var request = new HttpRequestMessage(HttpMethod.Post, "https://localhost/console/open")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }),
        };
        request.Headers.Add("Origin", "https://localhost");
        var response = await Server.Http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("secure", response.Headers.GetValues("Set-Cookie").Single().ToLowerInvariant());
    }

    [Fact]
    public async Task WithoutACookieNothingIsShownAndNothingChanges()
    {
        var browser = new ConsoleBrowser(Server);
        foreach (var path in new[] { "/console", "/console/environments", KeysPath, $"/console/env/{Environment.Id}/audit" })
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(path)).StatusCode);
        var before = await ApiKeyCountAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostAsync(KeysPath, NewKey)).StatusCode);
        browser.Cookie = "css_forged.secret";
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostAsync(KeysPath, NewKey)).StatusCode);
        Assert.Equal(before, await ApiKeyCountAsync());
    }

    [Fact]
    public async Task ALinkWorksOneSecondBeforeItExpiresAndNotAtItsExpiry()
    {
        var early = await ConsoleBrowser.NewLinkTokenAsync(Server);
        var late = await ConsoleBrowser.NewLinkTokenAsync(Server);
        Clock.Advance(Defaults.LinkLifetime - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Redirect, (await new ConsoleBrowser(Server).OpenAsync(early)).StatusCode);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var browser = new ConsoleBrowser(Server);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.OpenAsync(late)).StatusCode);
        Assert.Null(browser.Cookie);
    }

    [Fact]
    public async Task ALinkOpensOnceAndAWrongSecretForARealLinkIsRefused()
    {
        var token = await ConsoleBrowser.NewLinkTokenAsync(Server);
        var id = token.Split('.')[0];
        Assert.Equal(HttpStatusCode.Unauthorized, (await new ConsoleBrowser(Server).OpenAsync(id + ".not-its-secret")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await new ConsoleBrowser(Server).OpenAsync(token)).StatusCode);
        var again = new ConsoleBrowser(Server);
        Assert.Equal(HttpStatusCode.Unauthorized, (await again.OpenAsync(token)).StatusCode);
        Assert.Null(again.Cookie);
        foreach (var junk in new[] { "", "x", ".", "csl_", "csl_.", new string('a', 5000) })
            Assert.Equal(HttpStatusCode.Unauthorized, (await new ConsoleBrowser(Server).OpenAsync(junk)).StatusCode);
    }

    [Fact]
    public async Task OfConcurrentOpeningsOfOneLinkExactlyOneGetsASession()
    {
        var token = await ConsoleBrowser.NewLinkTokenAsync(Server);
        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => new ConsoleBrowser(Server).OpenAsync(token)));
        Assert.Equal(1, attempts.Count(r => r.StatusCode == HttpStatusCode.Redirect));
        Assert.Equal(7, attempts.Count(r => r.StatusCode == HttpStatusCode.Unauthorized));
        Assert.Equal(1, await Server.WithDbAsync(db => db.ConsoleSessions.CountAsync()));
    }

    [Fact]
    public async Task ACrossSiteFormGetsNowhere()
    {
        var browser = await ConsoleBrowser.SignedInAsync(Server);
        var other = await ConsoleBrowser.SignedInAsync(Server, operatorName: "eve");
        var before = await ApiKeyCountAsync();

        // Missing token, wrong token, another session's token: all refused, even from the right origin.
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(HttpMethod.Post, KeysPath, NewKey, ConsoleBrowser.Origin, withCsrf: false)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(HttpMethod.Post, KeysPath, NewKey, ConsoleBrowser.Origin, withCsrf: true, csrf: "wrong")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(HttpMethod.Post, KeysPath, NewKey, ConsoleBrowser.Origin, withCsrf: true, csrf: other.Csrf)).StatusCode);
        // The right token from another site (as if it had leaked) is refused too.
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(HttpMethod.Post, KeysPath, NewKey, "https://evil.example", withCsrf: true)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(HttpMethod.Post, KeysPath, NewKey, origin: null, withCsrf: true, fetchSite: "cross-site")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(HttpMethod.Post, KeysPath, NewKey, "null", withCsrf: true)).StatusCode);
        // Opening a link from another site (login CSRF) is refused as well.
        Assert.Equal(HttpStatusCode.Forbidden, (await new ConsoleBrowser(Server).OpenAsync(await ConsoleBrowser.NewLinkTokenAsync(Server), "https://evil.example")).StatusCode);
        Assert.Equal(before, await ApiKeyCountAsync());

        // And the same form from the console's page goes through.
        Assert.Equal(HttpStatusCode.OK, (await browser.PostAsync(KeysPath, NewKey)).StatusCode);
        Assert.Equal(before + 1, await ApiKeyCountAsync());
    }

    [Fact]
    public async Task AViewerReadsEverythingButChangesNothingAndMaySignOut()
    {
        var viewer = await ConsoleBrowser.SignedInAsync(Server, ConsoleRole.Viewer, "vic");
        var page = await viewer.PageAsync(KeysPath);
        Assert.DoesNotContain("Create API key", page);
        Assert.DoesNotContain(">Revoke<", page);
        var before = await ApiKeyCountAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync(KeysPath, NewKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync($"{KeysPath}/{ApiKeyId}/revoke")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync("/console/environments", new() { ["name"] = "viewer-made", ["mode"] = "sandbox" })).StatusCode);
        Assert.Equal(before, await ApiKeyCountAsync());
        Assert.Null(await Server.WithDbAsync(db => db.ApiKeys.Where(k => k.Id == ApiKeyId).Select(k => k.RevokedAt).SingleAsync()));

        Assert.Equal(HttpStatusCode.OK, (await viewer.PostAsync("/console/sign-out")).StatusCode);
        Assert.Null(viewer.Cookie);
    }

    [Fact]
    public async Task ASessionRevokedFromTheCliOrSignedOutGetsNowhere()
    {
        var browser = await ConsoleBrowser.SignedInAsync(Server);
        var cookie = browser.Cookie!;
        await using (var scope = Server.Services.CreateAsyncScope())
        {
            var signIn = scope.ServiceProvider.GetRequiredService<ConsoleSignIn>();
            var session = Assert.Single(await signIn.ListAsync(10, TestContext.Current.CancellationToken));
            Assert.True(await signIn.RevokeAsync(session.Id, TestContext.Current.CancellationToken));
            Assert.False(await signIn.RevokeAsync(session.Id, TestContext.Current.CancellationToken));
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/console")).StatusCode);
        browser.Cookie = cookie;
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostAsync(KeysPath, NewKey)).StatusCode);

        var signedOut = await ConsoleBrowser.SignedInAsync(Server);
        var kept = signedOut.Cookie!;
        var keptCsrf = signedOut.Csrf;
        Assert.Equal(HttpStatusCode.OK, (await signedOut.PostAsync("/console/sign-out")).StatusCode);
        signedOut.Cookie = kept; // a copy of the cookie taken before signing out
        Assert.Equal(HttpStatusCode.Unauthorized, (await signedOut.SendAsync(HttpMethod.Post, KeysPath, NewKey, ConsoleBrowser.Origin, withCsrf: true, csrf: keptCsrf)).StatusCode);
        var actions = await Server.WithDbAsync(db => db.AuditEvents.AsNoTracking().Select(e => e.Action).ToListAsync());
        Assert.Contains(ConsoleAuditActions.SessionRevoked, actions);
        Assert.Contains(ConsoleAuditActions.SignedOut, actions);
    }

    [Fact]
    public async Task ASessionEndsAfterItsIdleTimeoutAndAtItsAbsoluteTimeoutHoweverBusy()
    {
        var idle = await ConsoleBrowser.SignedInAsync(Server);
        var busy = await ConsoleBrowser.SignedInAsync(Server);
        Clock.Advance(Defaults.IdleTimeout - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await idle.GetAsync("/console")).StatusCode); // moves its idle deadline on
        Clock.Advance(Defaults.IdleTimeout - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await idle.GetAsync("/console")).StatusCode);
        Clock.Advance(Defaults.IdleTimeout);
        Assert.Equal(HttpStatusCode.Unauthorized, (await idle.GetAsync("/console")).StatusCode);

        // busy was last seen at the start; keep it busy up to its absolute deadline.
        var started = Clock.GetUtcNow() - (2 * (Defaults.IdleTimeout - TimeSpan.FromSeconds(1)) + Defaults.IdleTimeout);
        Clock.Set(started);
        var deadline = started + Defaults.AbsoluteTimeout;
        while (Clock.GetUtcNow() + Defaults.IdleTimeout < deadline)
        {
            Clock.Advance(Defaults.IdleTimeout - TimeSpan.FromSeconds(1));
            Assert.Equal(HttpStatusCode.OK, (await busy.GetAsync($"/console/env/{Environment.Id}/profiles")).StatusCode);
        }
        Clock.Set(deadline - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await busy.GetAsync("/console")).StatusCode);
        Clock.Set(deadline);
        Assert.Equal(HttpStatusCode.Unauthorized, (await busy.GetAsync("/console")).StatusCode);
    }

    [Fact]
    public async Task TheCookieOfAnotherDatabasesConsoleGetsNowhere()
    {
        var (provider, connectionString) = await TestDatabases.CreateAsync(Backend, Postgres);
        await using var elsewhere = await TesseraInstance.StartAsync(provider, connectionString, Clock);
        var theirs = await ConsoleBrowser.SignedInAsync(elsewhere);
        var here = new ConsoleBrowser(Server) { Cookie = theirs.Cookie };
        Assert.Equal(HttpStatusCode.Unauthorized, (await here.GetAsync("/console")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await here.SendAsync(HttpMethod.Post, KeysPath, NewKey, ConsoleBrowser.Origin, withCsrf: true, csrf: theirs.Csrf)).StatusCode);
    }

    [Fact]
    public async Task BadFormsGetA400AndNeverA500()
    {
        var browser = await ConsoleBrowser.SignedInAsync(Server);
        var json = new HttpRequestMessage(HttpMethod.Post, KeysPath) { Content = new StringContent("{\"name\":\"x\"}", System.Text.Encoding.UTF8, "application/json") };
        json.Headers.Add("Cookie", $"{ConsoleGate.CookieName}={browser.Cookie}");
        Assert.Equal(HttpStatusCode.BadRequest, (await Server.Http.SendAsync(json, TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync(KeysPath, new() { ["name"] = new string('x', 201) })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync("/console/environments", new() { ["name"] = "bad name!", ["mode"] = "sandbox" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync($"/console/env/{Environment.Id}/rotate-key", new() { ["retire"] = "forever" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.PostAsync("/console/env/env_nope/api-keys", NewKey)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/console/env/{Environment.Id}/audit?since=zzz&action={new string('a', 500)}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/console/env/{Environment.Id}/profiles?q=%00%3Cscript%3E")).StatusCode);
    }
}

public sealed class ConsoleSecurityTestsOnSqlite(PostgresServer postgres) : ConsoleSecurityTests(Backend.Sqlite, postgres);
public sealed class ConsoleSecurityTestsOnPostgres(PostgresServer postgres) : ConsoleSecurityTests(Backend.Postgres, postgres);
