using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Audit;
using Tessera.Clients;
using Tessera.Data;
using Tessera.Delivery;
using Tessera.Environments;
using Tessera.SelfSigned;
using static Tessera.OperatorConsole.ConsoleLayout;
using static Tessera.OperatorConsole.Html;

namespace Tessera.OperatorConsole;

/// <summary>Clients, signing secrets, the outbox and the audit log.</summary>
public static partial class ConsoleApi
{
    private static void MapSettingsPages(RouteGroupBuilder pages)
    {
        pages.MapGet("/env/{env}/clients", ClientsAsync);
        pages.MapPost("/env/{env}/clients/{id}", UpdateClientAsync);
        pages.MapGet("/env/{env}/signing-secrets", SigningSecretsAsync);
        pages.MapPost("/env/{env}/signing-secrets", CreateSigningSecretAsync);
        pages.MapPost("/env/{env}/signing-secrets/{id}/revoke", RevokeSigningSecretAsync);
        pages.MapGet("/env/{env}/outbox", OutboxAsync);
        pages.MapGet("/env/{env}/audit", AuditAsync);
    }

    // ---- clients ----

    private static async Task<ContentHttpResult> ClientsAsync(HttpContext http, TesseraDbContext db, ClientAdmin admin, string env)
    {
        var environment = await FindEnvironmentAsync(db, env, http.RequestAborted);
        if (environment is null) return NotFoundPage(http, "environment");
        var clients = await admin.ListAsync(environment.Id, http.RequestAborted);
        var admin_ = http.ConsoleCaller().IsAdmin;
        var sections = clients.Select(c => H($"""
            <section aria-labelledby="h-{c.Id}"><h2 id="h-{c.Id}">{c.Name} <span class="id">{c.Id}</span></h2>
            <form method="post" action="/console/env/{environment.Id}/clients/{c.Id}" class="stack">{Csrf(http)}
            <p>Strategy: {c.Strategy.ToString().ToLowerInvariant()}</p>
            {Check("signups", "Sign-ups open (identify creates new profiles)", c.SignupsEnabled, c.Id, admin_)}
            {Check("verify_new", "Verify new profiles (a passcode before the profile exists)", c.VerifyNewProfiles, c.Id, admin_)}
            {Check("enumeration_safe", "Enumeration-safe (known and unknown identifiers answered alike)", c.EnumerationSafe, c.Id, admin_)}
            <label for="origins-{c.Id}">Allowed browser origins (space-separated)</label>
            <input id="origins-{c.Id}" name="origins" value="{c.AllowedOrigins}" maxlength="4096" class="wide"{(admin_ ? Empty : new Html(" readonly"))}>
            {Html.When(admin_, H($"<button type=\"submit\">Save client</button>"))}
            </form></section>
            """));
        return Page(http, $"Clients · {environment.Name}", H($"{NoticeFor(http)}{sections}{Html.When(clients.Count == 0, H($"<p class=\"empty\">No client. Create them with `tessera clients create`.</p>"))}"), environment.Id);
    }

    private static Html Check(string name, string label, bool value, string clientId, bool enabled) => H($"""
        <label class="check"><input type="checkbox" name="{name}" value="on" id="{name}-{clientId}"{(value ? new Html(" checked") : Empty)}{(enabled ? Empty : new Html(" disabled"))}> {label}</label>
        """);

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> UpdateClientAsync(HttpContext http, ClientAdmin admin, AuditLog audit, string env, string id)
    {
        var client = await admin.FindAsync(id, http.RequestAborted);
        if (client is null || client.EnvironmentId != env) return NotFoundPage(http, "client");
        var form = http.Request.Form;
        var origins = form["origins"].ToString().Trim();
        if (origins.Length > 4096 || !origins.Split(' ', StringSplitOptions.RemoveEmptyEntries).All(IsOrigin))
            return Invalid(http, "Allowed origins are origins such as https://app.example.com, separated by spaces.", env);
        client.SignupsEnabled = form["signups"] == "on";
        client.VerifyNewProfiles = form["verify_new"] == "on";
        client.EnumerationSafe = form["enumeration_safe"] == "on";
        client.AllowedOrigins = origins.Length == 0 ? null : origins;
        audit.Record(ConsoleAuditActions.ClientUpdated, http.ConsoleCaller().Actor, env, ip: Http.Credentials.ClientIp(http), subject: client.Id,
            detail: $"signups {client.SignupsEnabled}, verify new {client.VerifyNewProfiles}, enumeration-safe {client.EnumerationSafe}, origins {client.AllowedOrigins ?? "(none)"}");
        await admin.SaveAsync(http.RequestAborted);
        return TypedResults.Redirect($"/console/env/{env}/clients?done=client-saved");
    }

    /// <summary>An origin is a scheme, a host and maybe a port: nothing after it.</summary>
    private static bool IsOrigin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.GetLeftPart(UriPartial.Authority).Equals(value.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    // ---- signing secrets ----

    private static async Task<ContentHttpResult> SigningSecretsAsync(HttpContext http, TesseraDbContext db, SigningSecretAdmin admin, string env)
    {
        var environment = await FindEnvironmentAsync(db, env, http.RequestAborted);
        if (environment is null) return NotFoundPage(http, "environment");
        return SigningSecretsPage(http, environment, await admin.ListAsync(environment.Id, http.RequestAborted), created: null);
    }

    private static ContentHttpResult SigningSecretsPage(HttpContext http, TesseraEnvironment environment, List<SigningSecret> secrets, SigningSecretAdmin.CreatedSecret? created)
    {
        var shown = created is null ? Empty : H($"""
            <div class="secret" role="alert"><p>Created <span class="id">{created.Secret.Id}</span>. Copy it now: it is shown this once.</p>
            <label for="new-secret">Signing secret</label><input id="new-secret" readonly value="{created.Value}" class="wide"></div>
            """);
        var table = Table(["Id", "Secret", "Created", "Status", ""], secrets.Select(s => new[]
        {
            H($"""<span class="id">{s.Id}</span>"""), Text(s.SecretHint + "…"), H($"{s.CreatedAt}"),
            s.RevokedAt is null ? Text("active") : H($"revoked {s.RevokedAt}"),
            s.RevokedAt is null ? Action(http, $"/console/env/{environment.Id}/signing-secrets/{s.Id}/revoke", "Revoke", danger: true) : Empty,
        }), "No signing secret.");
        var create = Action(http, $"/console/env/{environment.Id}/signing-secrets", "Create a signing secret");
        return Page(http, $"Signing secrets · {environment.Name}", H($"{shown}{NoticeFor(http)}{table}{create}"), environment.Id);
    }

    private static async Task<ContentHttpResult> CreateSigningSecretAsync(HttpContext http, TesseraDbContext db, SigningSecretAdmin admin, string env)
    {
        var environment = await FindEnvironmentAsync(db, env, http.RequestAborted);
        if (environment is null) return NotFoundPage(http, "environment");
        var created = await admin.CreateAsync(environment.Id, http.RequestAborted, http.ConsoleCaller().Actor);
        return SigningSecretsPage(http, environment, await admin.ListAsync(environment.Id, http.RequestAborted), created);
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> RevokeSigningSecretAsync(HttpContext http, TesseraDbContext db, SigningSecretAdmin admin, string env, string id)
    {
        var secret = await db.SigningSecrets.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id && s.EnvironmentId == env, http.RequestAborted);
        if (secret is null) return NotFoundPage(http, "signing secret");
        if (!await admin.RevokeAsync(secret.Id, http.RequestAborted, http.ConsoleCaller().Actor)) return Invalid(http, "That secret was already revoked.", env);
        return TypedResults.Redirect($"/console/env/{env}/signing-secrets?done=secret-revoked");
    }

    // ---- outbox ----

    private const int OutboxListed = 100;

    private static async Task<ContentHttpResult> OutboxAsync(HttpContext http, TesseraDbContext db, Outbox outbox, string env)
    {
        var environment = await FindEnvironmentAsync(db, env, http.RequestAborted);
        if (environment is null) return NotFoundPage(http, "environment");
        var messages = await db.OutboxMessages.AsNoTracking().Where(m => m.EnvironmentId == environment.Id)
            .OrderByDescending(m => m.CreatedAt).Take(OutboxListed).ToListAsync(http.RequestAborted);
        // As the CLI: only a sandbox shows what a message says; anywhere else it is a live passcode for a real person.
        var showContent = environment.Mode == EnvironmentMode.Sandbox;
        var headers = new List<string> { "Created", "Channel", "Recipient", "Purpose", "Status", "Attempts", "Last error" };
        if (showContent) headers.Add("Message");
        var table = Table([.. headers], messages.Select(m =>
        {
            var row = new List<Html>
            {
                H($"{m.CreatedAt}"), Text(m.Channel.ToString().ToLowerInvariant()), Text(m.Recipient), Text(m.Purpose),
                H($"""<span class="status {m.Status.ToString().ToLowerInvariant()}">{m.Status.ToString().ToLowerInvariant()}</span>"""),
                Text(m.Attempts.ToString(CultureInfo.InvariantCulture)), Text(m.LastError),
            };
            if (showContent) row.Add(H($"<pre>{ReadMessage(outbox, m)}</pre>"));
            return row.ToArray();
        }), "No message.");
        var note = showContent ? Empty : H($"<p>Message text is shown for SANDBOX environments only; this one is {ModeName(environment.Mode)}.</p>");
        return Page(http, $"Outbox · {environment.Name}", H($"{note}{table}"), environment.Id);
    }

    private static string ReadMessage(Outbox outbox, OutboxMessage message)
    {
        try { return outbox.Read(message)?.Text ?? ""; }
        catch (System.Security.Cryptography.CryptographicException) { return "(unreadable: another master key?)"; }
    }

    // ---- audit log ----

    private const int AuditListed = 200;

    private static async Task<ContentHttpResult> AuditAsync(HttpContext http, TesseraDbContext db, TimeProvider clock, string env, string? action, string? actor, string? profile, string? since)
    {
        var environment = await FindEnvironmentAsync(db, env, http.RequestAborted);
        if (environment is null) return NotFoundPage(http, "environment");
        action = Bounded(action, 64);
        actor = Bounded(actor, 64);
        profile = Bounded(profile, 64);
        since = Bounded(since, 8);
        DateTime? from = since is null ? null : Cli.TesseraCli.ParseDuration(since) is { } back ? clock.GetUtcNow().UtcDateTime - back : null;
        var query = db.AuditEvents.AsNoTracking().Where(e => e.EnvironmentId == environment.Id);
        if (action is not null) query = query.Where(e => e.Action == action);
        if (actor is not null) query = query.Where(e => e.Actor == actor);
        if (profile is not null) query = query.Where(e => e.ProfileId == profile);
        if (from is not null) query = query.Where(e => e.At >= from);
        var events = await query.OrderByDescending(e => e.Id).Take(AuditListed).ToListAsync(http.RequestAborted);
        var table = Table(["At", "Action", "Actor", "Profile", "Subject", "IP", "Detail"], events.Select(e => new[]
        {
            H($"{e.At}"), Text(e.Action), Text(e.Actor), Text(e.ProfileId), Text(e.Subject), Text(e.IpAddress), Text(e.Detail),
        }), "No event matches.");
        return Page(http, $"Audit log · {environment.Name}", H($"""
            <form method="get" action="/console/env/{environment.Id}/audit" class="filters" role="search">
            <label for="f-action">Action</label><input id="f-action" name="action" value="{action}" maxlength="64" placeholder="session.revoked">
            <label for="f-actor">Actor</label><input id="f-actor" name="actor" value="{actor}" maxlength="64" placeholder="console:ada">
            <label for="f-profile">Profile id</label><input id="f-profile" name="profile" value="{profile}" maxlength="64">
            <label for="f-since">Since</label><select id="f-since" name="since">{SinceOptions(since)}</select>
            <button type="submit">Filter</button></form>
            {table}
            """), environment.Id);
    }

    private static Html SinceOptions(string? selected) => Join(new[] { ("", "any time"), ("1h", "1 hour"), ("24h", "24 hours"), ("7d", "7 days"), ("30d", "30 days") }
        .Select(o => H($"""<option value="{o.Item1}"{(o.Item1 == (selected ?? "") ? new Html(" selected") : Empty)}>{o.Item2}</option>""")));

    private static string? Bounded(string? value, int maxLength)
    {
        value = value?.Trim();
        return string.IsNullOrEmpty(value) ? null : value.Length > maxLength ? value[..maxLength] : value;
    }
}
