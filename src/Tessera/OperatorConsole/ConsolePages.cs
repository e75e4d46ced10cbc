using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.ApiKeys;
using Tessera.Audit;
using Tessera.Data;
using Tessera.Environments;
using static Tessera.OperatorConsole.ConsoleLayout;
using static Tessera.OperatorConsole.Html;

namespace Tessera.OperatorConsole;

/// <summary>Overview, environments and API keys.</summary>
public static partial class ConsoleApi
{
    private static void MapPages(RouteGroupBuilder pages)
    {
        pages.MapGet("/", OverviewAsync);
        pages.MapGet("/environments", EnvironmentsAsync);
        pages.MapPost("/environments", CreateEnvironmentAsync);
        pages.MapPost("/env/{env}/rotate-key", RotateKeyAsync);
        pages.MapGet("/env/{env}/api-keys", ApiKeysAsync);
        pages.MapPost("/env/{env}/api-keys", CreateApiKeyAsync);
        pages.MapPost("/env/{env}/api-keys/{id}/revoke", RevokeApiKeyAsync);
        MapProfilePages(pages);
        MapWebhookPages(pages);
        MapSettingsPages(pages);
    }

    /// <summary>What a redirect after a change says; fixed texts, so a crafted link cannot put words on the page.</summary>
    private static readonly Dictionary<string, string> Notices = new()
    {
        ["key-rotated"] = "A new signing key is in use; the previous ones retire as shown.",
        ["key-revoked"] = "The API key was revoked.",
        ["sessions-revoked"] = "The sessions were revoked.",
        ["session-revoked"] = "The session was revoked.",
        ["profile-disabled"] = "The profile was disabled: none of its tokens work until it is enabled.",
        ["profile-enabled"] = "The profile was enabled.",
        ["profile-deleted"] = "The profile was deleted.",
        ["replayed"] = "The delivery was queued again.",
        ["client-saved"] = "The client was saved.",
        ["secret-revoked"] = "The signing secret was revoked.",
        ["environment-created"] = "The environment was created.",
    };

    private static Html NoticeFor(HttpContext http) =>
        Notice(Notices.GetValueOrDefault(http.Request.Query["done"].ToString()));

    private static ContentHttpResult NotFoundPage(HttpContext http, string what) =>
        Page(http, "Not found", H($"<p>No {what} here.</p>"), status: StatusCodes.Status404NotFound);

    private static ContentHttpResult Invalid(HttpContext http, string message, string? environmentId = null) =>
        Page(http, "Not done", H($"""<p class="error" role="alert">{message}</p><p><a href="/console">Back to the overview</a></p>"""), environmentId, StatusCodes.Status400BadRequest);

    private static Task<TesseraEnvironment?> FindEnvironmentAsync(TesseraDbContext db, string id, CancellationToken cancellationToken) =>
        db.Environments.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken);

    private static string ModeName(EnvironmentMode mode) => IntrospectionApi.ModeName(mode);

    // ---- overview ----

    private static async Task<ContentHttpResult> OverviewAsync(HttpContext http, TesseraDbContext db, TimeProvider clock)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var environments = await db.Environments.AsNoTracking().OrderBy(e => e.CreatedAt).ToListAsync(http.RequestAborted);
        var profiles = await db.Profiles.AsNoTracking().GroupBy(p => p.EnvironmentId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, http.RequestAborted);
        var sessions = await db.Sessions.AsNoTracking().Where(s => s.RevokedAt == null && s.ExpiresAt > now)
            .GroupBy(s => s.EnvironmentId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, http.RequestAborted);
        var failing = await db.WebhookDeliveries.AsNoTracking().Where(d => d.Status == Webhooks.WebhookDeliveryStatus.Failed && d.CreatedAt > now.AddDays(-1))
            .GroupBy(d => d.EnvironmentId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, http.RequestAborted);
        var table = Table(["Environment", "Mode", "Profiles", "Live sessions", "Failed webhook deliveries (24 h)"], environments.Select(e => new[]
        {
            H($"""<a href="/console/env/{e.Id}/profiles">{e.Name}</a> <span class="id">{e.Id}</span>"""),
            Text(ModeName(e.Mode)),
            Text(profiles.GetValueOrDefault(e.Id).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Text(sessions.GetValueOrDefault(e.Id).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Text(failing.GetValueOrDefault(e.Id).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        }), "No environment yet: create one on the Environments page.");
        var charts = await ConsoleCharts.RenderAsync(db, http.RequestServices.GetRequiredService<Metrics.TesseraMetrics>(),
            http.RequestServices.GetRequiredService<Metrics.RequestHistory>(), clock, http.RequestAborted);
        return Page(http, "Overview", H($"""
            {charts}
            <h2>Environments</h2>
            {table}
            """));
    }

    // ---- environments ----

    private static async Task<ContentHttpResult> EnvironmentsAsync(HttpContext http, EnvironmentAdmin admin)
    {
        var environments = await admin.ListAsync(http.RequestAborted);
        var rows = new List<Html[]>();
        foreach (var e in environments)
        {
            var keys = await admin.ListKeysAsync(e.Id, http.RequestAborted);
            rows.Add([
                H($"""<a href="/console/env/{e.Id}/api-keys">{e.Name}</a> <span class="id">{e.Id}</span>"""),
                Text(ModeName(e.Mode)),
                H($"{e.CreatedAt}"),
                Join(keys.Select(k => H($"""<div><span class="id">{k.Id}</span> {(k.RetiresAt is null ? Text("active") : H($"retires {k.RetiresAt}"))}</div>"""))),
                Action(http, $"/console/env/{e.Id}/rotate-key", "Rotate signing key", H($"""
                    <label>Old keys retire after <select name="retire">
                    <option value="0">now</option><option value="1h">1 hour</option><option value="24h" selected>24 hours</option><option value="7d">7 days</option>
                    </select></label>
                    """)),
            ]);
        }
        var create = !http.ConsoleCaller().IsAdmin ? Empty : H($"""
            <h2>Create an environment</h2>
            <form method="post" action="/console/environments" class="stack">{Csrf(http)}
            <label for="env-name">Name</label><input id="env-name" name="name" required maxlength="200" pattern="[A-Za-z0-9._\-]+">
            <label for="env-mode">Mode</label><select id="env-mode" name="mode"><option value="sandbox">SANDBOX</option><option value="production">PRODUCTION</option></select>
            <button type="submit">Create environment</button></form>
            """);
        return Page(http, "Environments", H($"""
            {NoticeFor(http)}
            {Table(["Environment", "Mode", "Created", "Signing keys", ""], rows)}
            {create}
            """));
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> CreateEnvironmentAsync(HttpContext http, EnvironmentAdmin admin, AuditLog audit)
    {
        var form = http.Request.Form;
        var name = form.Text("name");
        if (name is null || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            return Invalid(http, "An environment name is 1 to 200 letters, digits, dots, dashes or underscores.");
        if (!EnvironmentAdmin.TryParseMode(form.Text("mode") ?? "", out var mode)) return Invalid(http, "Mode is sandbox or production.");
        if (await admin.FindAsync(name, http.RequestAborted) is not null) return Invalid(http, $"There is already an environment named {name}.");
        var environment = await admin.CreateAsync(name, mode, http.RequestAborted);
        await audit.RecordNowAsync(ConsoleAuditActions.EnvironmentCreated, http.ConsoleCaller().Actor, environment.Id, ip: Http.Credentials.ClientIp(http),
            subject: environment.Id, detail: $"{name} ({ModeName(mode)})", cancellationToken: http.RequestAborted);
        return TypedResults.Redirect("/console/environments?done=environment-created");
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> RotateKeyAsync(HttpContext http, EnvironmentAdmin admin, TesseraDbContext db, string env)
    {
        var environment = await FindEnvironmentAsync(db, env, http.RequestAborted);
        if (environment is null) return NotFoundPage(http, "environment");
        var raw = http.Request.Form.Text("retire") ?? "";
        TimeSpan? retireAfter = raw == "0" ? TimeSpan.Zero : Cli.TesseraCli.ParseDuration(raw);
        if (retireAfter is not { } after || after > TimeSpan.FromDays(30)) return Invalid(http, "Retire after is a duration such as 24h, at most 30 days.", env);
        await admin.RotateKeyAsync(environment.Id, after, http.RequestAborted, actor: http.ConsoleCaller().Actor);
        return TypedResults.Redirect("/console/environments?done=key-rotated");
    }

    // ---- API keys ----

    private static async Task<ContentHttpResult> ApiKeysAsync(HttpContext http, ApiKeyAdmin admin, TesseraDbContext db, string env)
    {
        var environment = await FindEnvironmentAsync(db, env, http.RequestAborted);
        if (environment is null) return NotFoundPage(http, "environment");
        return ApiKeysPage(http, environment, await admin.ListAsync(environment.Id, http.RequestAborted), created: null);
    }

    private static ContentHttpResult ApiKeysPage(HttpContext http, TesseraEnvironment environment, List<ApiKey> keys, ApiKeyAdmin.CreatedApiKey? created)
    {
        // The secret appears once, in the answer to the POST that made it (never cached: no-store); never again.
        var shown = created is null ? Empty : H($"""
            <div class="secret" role="alert"><p>Created <span class="id">{created.Key.Id}</span>. Copy its secret now: it is shown this once.</p>
            <label for="new-secret">Secret</label><input id="new-secret" readonly value="{created.Secret}" class="wide"></div>
            """);
        var table = Table(["Name", "Id", "Secret", "Created", "Status", ""], keys.Select(k => new[]
        {
            Text(k.Name), H($"""<span class="id">{k.Id}</span>"""), Text(k.SecretHint + "…"), H($"{k.CreatedAt}"),
            k.RevokedAt is null ? Text("active") : H($"revoked {k.RevokedAt}"),
            k.RevokedAt is null ? Action(http, $"/console/env/{environment.Id}/api-keys/{k.Id}/revoke", "Revoke", danger: true) : Empty,
        }));
        var create = !http.ConsoleCaller().IsAdmin ? Empty : H($"""
            <h2>Create an API key</h2>
            <form method="post" action="/console/env/{environment.Id}/api-keys" class="stack">{Csrf(http)}
            <label for="key-name">What it is for</label><input id="key-name" name="name" required maxlength="200">
            <button type="submit">Create API key</button></form>
            """);
        return Page(http, $"API keys · {environment.Name}", H($"{shown}{NoticeFor(http)}{table}{create}"), environment.Id);
    }

    private static async Task<ContentHttpResult> CreateApiKeyAsync(HttpContext http, ApiKeyAdmin admin, TesseraDbContext db, string env)
    {
        var environment = await FindEnvironmentAsync(db, env, http.RequestAborted);
        if (environment is null) return NotFoundPage(http, "environment");
        var name = http.Request.Form.Text("name");
        if (name is null) return Invalid(http, "Name the key (1 to 200 characters).", env);
        var created = await admin.CreateAsync(environment.Id, name, http.RequestAborted, http.ConsoleCaller().Actor);
        return ApiKeysPage(http, environment, await admin.ListAsync(environment.Id, http.RequestAborted), created);
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> RevokeApiKeyAsync(HttpContext http, ApiKeyAdmin admin, TesseraDbContext db, string env, string id)
    {
        // The key must be this environment's: the path names both, and neither alone is trusted.
        var key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == id && k.EnvironmentId == env, http.RequestAborted);
        if (key is null) return NotFoundPage(http, "API key");
        if (!await admin.RevokeAsync(key.Id, http.RequestAborted, http.ConsoleCaller().Actor)) return Invalid(http, "That key was already revoked.", env);
        return TypedResults.Redirect($"/console/env/{env}/api-keys?done=key-revoked");
    }
}
