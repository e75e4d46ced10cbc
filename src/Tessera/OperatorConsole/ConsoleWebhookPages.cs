using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Audit;
using Tessera.Data;
using Tessera.Webhooks;
using static Tessera.OperatorConsole.ConsoleLayout;
using static Tessera.OperatorConsole.Html;

namespace Tessera.OperatorConsole;

/// <summary>Webhook subscriptions, their deliveries and attempts, and replay.</summary>
public static partial class ConsoleApi
{
    private const int DeliveriesListed = 50;

    private static void MapWebhookPages(RouteGroupBuilder pages)
    {
        pages.MapGet("/env/{env}/webhooks", WebhooksAsync);
        pages.MapGet("/env/{env}/webhooks/{id}", WebhookAsync);
        pages.MapPost("/env/{env}/webhooks/{id}/deliveries/{deliveryId}/replay", ReplayAsync);
    }

    private static async Task<ContentHttpResult> WebhooksAsync(HttpContext http, TesseraDbContext db, string env)
    {
        var environment = await FindEnvironmentAsync(db, env, http.RequestAborted);
        if (environment is null) return NotFoundPage(http, "environment");
        var subscriptions = await db.WebhookSubscriptions.AsNoTracking().Where(s => s.EnvironmentId == environment.Id)
            .OrderBy(s => s.CreatedAt).Take(500).ToListAsync(http.RequestAborted);
        var table = Table(["Subscription", "Target", "Events", "State"], subscriptions.Select(s => new[]
        {
            H($"""<a href="/console/env/{environment.Id}/webhooks/{s.Id}">{s.Name}</a> <span class="id">{s.Id}</span>"""),
            Text(s.TargetUrl), Text(s.EventTypes),
            s.Disabled ? H($"disabled: {s.DisabledReason}") : s.FailingSince is { } since ? H($"failing since {since}") : Text("active"),
        }), "No subscription. Create them with the API or `tessera webhooks create`.");
        return Page(http, $"Webhooks · {environment.Name}", table, environment.Id);
    }

    private static async Task<ContentHttpResult> WebhookAsync(HttpContext http, TesseraDbContext db, string env, string id)
    {
        var environment = await FindEnvironmentAsync(db, env, http.RequestAborted);
        if (environment is null) return NotFoundPage(http, "environment");
        var subscription = await db.WebhookSubscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.EnvironmentId == environment.Id && s.Id == id, http.RequestAborted);
        if (subscription is null) return NotFoundPage(http, "webhook subscription");
        var deliveries = await WebhooksApi.ListDeliveriesAsync(db, subscription.Id, DeliveriesListed, http.RequestAborted);
        var basePath = $"/console/env/{environment.Id}/webhooks/{subscription.Id}";
        var table = Table(["Delivery", "Event", "Status", "Attempts", "Last result", "Created", ""], deliveries.Select(d => new[]
        {
            H($"""<span class="id">{d.Id}</span>{(d.ReplayOf is null ? Empty : H($"""<br><small>replay of {d.ReplayOf}</small>"""))}"""),
            H($"""{d.EventType}<br><span class="id">{d.EventId}</span>"""),
            H($"""<span class="status {d.Status}">{d.Status}</span>"""),
            d.AttemptLog.Count == 0 ? Text("0") : H($"""
                <details><summary>{d.Attempts}</summary><ol>{d.AttemptLog.Select(a => H($"<li>{a.At}: {(a.StatusCode is { } code ? Text(code.ToString(System.Globalization.CultureInfo.InvariantCulture)) : Text(a.Error))} ({a.DurationMs} ms)</li>"))}</ol></details>
                """),
            d.LastStatusCode is { } status ? Text(status.ToString(System.Globalization.CultureInfo.InvariantCulture)) : Text(d.LastError),
            H($"{d.CreatedAt}"),
            d.Status == "pending" ? Empty : Action(http, $"{basePath}/deliveries/{d.Id}/replay", "Replay"),
        }), "No delivery yet.");
        return Page(http, $"Webhook {subscription.Name}", H($"""
            {NoticeFor(http)}
            <dl class="details"><dt>Id</dt><dd class="id">{subscription.Id}</dd><dt>Target</dt><dd>{subscription.TargetUrl}</dd>
            <dt>Events</dt><dd>{subscription.EventTypes}</dd><dt>State</dt><dd>{(subscription.Disabled ? H($"disabled: {subscription.DisabledReason}") : Text("active"))}</dd></dl>
            <h2>Newest deliveries</h2>
            {table}
            """), environment.Id);
    }

    private static async Task<Results<RedirectHttpResult, ContentHttpResult>> ReplayAsync(HttpContext http, TesseraDbContext db, AuditLog audit, TimeProvider clock, string env, string id, string deliveryId)
    {
        // The subscription must be in the environment of the path; the delivery must be the subscription's.
        var subscription = await db.WebhookSubscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.EnvironmentId == env && s.Id == id, http.RequestAborted);
        if (subscription is null) return NotFoundPage(http, "webhook subscription");
        audit.Record(ConsoleAuditActions.WebhookReplayed, http.ConsoleCaller().Actor, env, ip: Http.Credentials.ClientIp(http), subject: deliveryId);
        var (outcome, _) = await WebhookReplay.ReplayAsync(db, clock, subscription.Id, deliveryId, http.RequestAborted);
        return outcome switch
        {
            WebhookReplay.Outcome.NotFound => NotFoundPage(http, "delivery"),
            WebhookReplay.Outcome.StillPending => Invalid(http, "That delivery is still pending: replay it once it has succeeded or been given up.", env),
            _ => TypedResults.Redirect($"{$"/console/env/{env}/webhooks/{id}"}?done=replayed"),
        };
    }
}
