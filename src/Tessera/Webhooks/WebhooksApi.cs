using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.ApiKeys;
using Tessera.Data;
using Tessera.Environments;
using Tessera.Http;
using Tessera.Security;
using Tessera.OpenApi;

namespace Tessera.Webhooks;

/// <summary>
/// <c>/v1/webhooks/subscriptions</c>: manage an environment's webhook subscriptions, see their deliveries and replay one.
/// Everything is scoped to the API key's environment inside each query; another environment's ids are 404.
/// </summary>
public static class WebhooksApi
{
    public const int MaxDeliveriesListed = 100;

    public sealed record SubscriptionView(
        string Id, string Name, string TargetUrl, IReadOnlyList<string> EventTypes, bool Disabled, string? DisabledReason,
        DateTime CreatedAt, DateTime UpdatedAt,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Secret = null)
    {
        public static SubscriptionView From(WebhookSubscription s, string? secret = null) =>
            new(s.Id, s.Name, s.TargetUrl, s.EventTypeList, s.Disabled, s.DisabledReason, s.CreatedAt, s.UpdatedAt, secret);
    }

    public sealed record AttemptView(DateTime At, int? StatusCode, string? Error, int DurationMs);

    public sealed record DeliveryView(
        string Id, string EventId, string EventType, string Status, int Attempts, DateTime NextAttemptAt, int? LastStatusCode, string? LastError,
        string? ReplayOf, DateTime CreatedAt, DateTime? CompletedAt, IReadOnlyList<AttemptView> AttemptLog);

    public sealed record DeliveryList(IReadOnlyList<DeliveryView> Deliveries);

    internal static string SecretPurpose(string subscriptionId) => "webhook-secret:" + subscriptionId;

    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/webhooks/subscriptions").RequireApiKey().WithTags("Webhooks");
        group.MapPost("/", CreateAsync).WithSummary("Create a webhook subscription (its signing secret is shown once)").WithName("CreateWebhookSubscription")
            .AcceptsJson<WebhookSubscriptionRequest>().ProducesValidationErrors();
        group.MapGet("/", ListAsync).WithSummary("List webhook subscriptions").WithName("ListWebhookSubscriptions").Paginated();
        group.MapGet("/{id}", GetAsync).WithSummary("Get a webhook subscription").WithName("GetWebhookSubscription").ProducesErrors(404);
        group.MapPatch("/{id}", UpdateAsync).WithSummary("Update a webhook subscription").WithName("UpdateWebhookSubscription")
            .AcceptsJson<WebhookSubscriptionRequest>(optional: true).ProducesValidationErrors().ProducesErrors(404);
        group.MapDelete("/{id}", DeleteAsync).WithSummary("Delete a webhook subscription and its deliveries").WithName("DeleteWebhookSubscription").ProducesErrors(404);
        group.MapGet("/{id}/deliveries", DeliveriesAsync).WithSummary("List a subscription's deliveries, newest first, with their attempts")
            .WithName("ListWebhookDeliveries").ProducesErrors(404);
        group.MapPost("/{id}/deliveries/{deliveryId}/replay", ReplayAsync).WithSummary("Send a delivered or failed event again")
            .WithName("ReplayWebhookDelivery").ProducesErrors(404, 409);
        return routes;
    }

    private static async Task<Results<Created<SubscriptionView>, JsonHttpResult<ApiError>, JsonHttpResult<Dictionary<string, List<string>>>>> CreateAsync(
        HttpContext http, TesseraDbContext db, SecretProtector protector, TimeProvider clock, IOptions<WebhookOptions> options)
    {
        var environment = http.ApiKeyCaller().Environment;
        var body = await JsonBody.ReadObjectAsync(http.Request, emptyIsObject: false, http.RequestAborted);
        if (body.Error is { } bodyError) return bodyError;
        var errors = new ValidationErrors();
        var input = await SubscriptionInput.ParseAsync(body.Root, environment, options.Value.AllowPrivateTargets, requireAll: true, errors, http.RequestAborted);
        if (errors.Any) return errors.ToResult();

        var now = clock.GetUtcNow().UtcDateTime;
        var id = Ids.New(WebhookSubscription.IdPrefix);
        // 43 base62 characters: over 256 random bits. Stored encrypted: the dispatcher needs it back to sign.
        var secret = Ids.NewSecret(WebhookSubscription.SecretPrefix);
        var subscription = new WebhookSubscription
        {
            Id = id, EnvironmentId = environment.Id, Name = input.Name!, TargetUrl = input.TargetUrl!, EventTypes = string.Join(' ', input.EventTypes!),
            ProtectedSecret = protector.Protect(Encoding.UTF8.GetBytes(secret), SecretPurpose(id)),
            Disabled = input.Disabled ?? false, CreatedAt = now, UpdatedAt = now,
        };
        db.WebhookSubscriptions.Add(subscription);
        await db.SaveChangesAsync(http.RequestAborted);
        return TypedResults.Created($"/v1/webhooks/subscriptions/{id}", SubscriptionView.From(subscription, secret));
    }

    /// <summary>A page of the environment's subscriptions, oldest first (<see cref="PageRequest"/>: Quiltt's pagination).</summary>
    private static async Task<Results<Ok<List<SubscriptionView>>, JsonHttpResult<ApiError>>> ListAsync(HttpContext http, TesseraDbContext db)
    {
        if (!PageRequest.TryParse(http.Request.Query, out var page, out var error)) return error!;
        var environmentId = http.ApiKeyCaller().Environment.Id;
        var query = db.WebhookSubscriptions.AsNoTracking().Where(s => s.EnvironmentId == environmentId);
        var rows = await query.OrderBy(s => s.CreatedAt).ThenBy(s => s.Id).Skip(page.Skip).Take(page.Items).ToListAsync(http.RequestAborted);
        var total = await page.TotalAsync(rows.Count, () => query.LongCountAsync(http.RequestAborted));
        page.WriteHeaders(http, total);
        return TypedResults.Ok(rows.Select(s => SubscriptionView.From(s)).ToList());
    }

    private static async Task<Results<Ok<SubscriptionView>, JsonHttpResult<ApiError>>> GetAsync(HttpContext http, TesseraDbContext db, string id)
    {
        var subscription = await FindAsync(http, db, id, tracked: false);
        return subscription is null ? NotFound() : TypedResults.Ok(SubscriptionView.From(subscription));
    }

    private static async Task<Results<Ok<SubscriptionView>, JsonHttpResult<ApiError>, JsonHttpResult<Dictionary<string, List<string>>>>> UpdateAsync(
        HttpContext http, TesseraDbContext db, TimeProvider clock, IOptions<WebhookOptions> options, string id)
    {
        var subscription = await FindAsync(http, db, id, tracked: true);
        if (subscription is null) return NotFound();
        var body = await JsonBody.ReadObjectAsync(http.Request, emptyIsObject: true, http.RequestAborted);
        if (body.Error is { } bodyError) return bodyError;
        var errors = new ValidationErrors();
        var input = await SubscriptionInput.ParseAsync(body.Root, http.ApiKeyCaller().Environment, options.Value.AllowPrivateTargets, requireAll: false, errors, http.RequestAborted);
        if (errors.Any) return errors.ToResult();

        if (input.Name is not null) subscription.Name = input.Name;
        if (input.TargetUrl is not null) subscription.TargetUrl = input.TargetUrl;
        if (input.EventTypes is not null) subscription.EventTypes = string.Join(' ', input.EventTypes);
        if (input.Disabled is { } disabled && disabled != subscription.Disabled)
        {
            subscription.Disabled = disabled;
            // Re-enabled: the failure run starts over, and the reason no longer applies.
            subscription.DisabledReason = disabled ? "disabled by API" : null;
            subscription.FailingSince = null;
        }
        subscription.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(http.RequestAborted);
        return TypedResults.Ok(SubscriptionView.From(subscription));
    }

    private static async Task<Results<NoContent, JsonHttpResult<ApiError>>> DeleteAsync(HttpContext http, TesseraDbContext db, string id)
    {
        var environmentId = http.ApiKeyCaller().Environment.Id;
        var deleted = await db.WebhookSubscriptions.Where(s => s.EnvironmentId == environmentId && s.Id == id).ExecuteDeleteAsync(http.RequestAborted);
        return deleted == 0 ? NotFound() : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<DeliveryList>, JsonHttpResult<ApiError>>> DeliveriesAsync(HttpContext http, TesseraDbContext db, string id)
    {
        var subscription = await FindAsync(http, db, id, tracked: false);
        if (subscription is null) return NotFound();
        return TypedResults.Ok(new DeliveryList(await ListDeliveriesAsync(db, subscription.Id, MaxDeliveriesListed, http.RequestAborted)));
    }

    /// <summary>A subscription's newest deliveries with their attempts; shared with the CLI.</summary>
    public static async Task<List<DeliveryView>> ListDeliveriesAsync(TesseraDbContext db, string subscriptionId, int limit, CancellationToken cancellationToken)
    {
        var deliveries = await db.WebhookDeliveries.AsNoTracking().Where(d => d.SubscriptionId == subscriptionId)
            .OrderByDescending(d => d.Seq).Take(limit).ToListAsync(cancellationToken);
        var ids = deliveries.Select(d => d.Id).ToList();
        var attempts = (await db.WebhookAttempts.AsNoTracking().Where(a => ids.Contains(a.DeliveryId)).ToListAsync(cancellationToken))
            .OrderBy(a => a.Id).ToLookup(a => a.DeliveryId);
        return deliveries.Select(d => new DeliveryView(d.Id, d.EventId, d.EventType, d.Status.ToString().ToLowerInvariant(), d.Attempts, d.NextAttemptAt,
            d.LastStatusCode, d.LastError, d.ReplayOf, d.CreatedAt, d.CompletedAt,
            attempts[d.Id].Select(a => new AttemptView(a.At, a.StatusCode, a.Error, a.DurationMs)).ToList())).ToList();
    }

    private static async Task<Results<Accepted<DeliveryView>, JsonHttpResult<ApiError>>> ReplayAsync(
        HttpContext http, TesseraDbContext db, TimeProvider clock, string id, string deliveryId)
    {
        var subscription = await FindAsync(http, db, id, tracked: false);
        if (subscription is null) return NotFound();
        var (outcome, replay) = await WebhookReplay.ReplayAsync(db, clock, subscription.Id, deliveryId, http.RequestAborted);
        if (outcome == WebhookReplay.Outcome.NotFound) return ApiError.NotFound("Delivery");
        if (outcome == WebhookReplay.Outcome.StillPending)
            return ApiError.Conflict("Delivery is still pending", "Wait until it succeeds or is given up before replaying it.");
        return TypedResults.Accepted($"/v1/webhooks/subscriptions/{subscription.Id}/deliveries",
            new DeliveryView(replay!.Id, replay.EventId, replay.EventType, "pending", 0, replay.NextAttemptAt, null, null, replay.ReplayOf, replay.CreatedAt, null, []));
    }

    private static Task<WebhookSubscription?> FindAsync(HttpContext http, TesseraDbContext db, string id, bool tracked)
    {
        var environmentId = http.ApiKeyCaller().Environment.Id;
        var query = tracked ? db.WebhookSubscriptions : db.WebhookSubscriptions.AsNoTracking();
        return query.FirstOrDefaultAsync(s => s.EnvironmentId == environmentId && s.Id == id, http.RequestAborted);
    }

    private static JsonHttpResult<ApiError> NotFound() => ApiError.NotFound("Webhook subscription");

    private sealed record SubscriptionInput(string? Name, string? TargetUrl, List<string>? EventTypes, bool? Disabled)
    {
        public static async Task<SubscriptionInput> ParseAsync(JsonElement root, TesseraEnvironment environment, bool allowPrivate, bool requireAll, ValidationErrors errors, CancellationToken cancellationToken)
        {
            string? name = null, targetUrl = null;
            List<string>? eventTypes = null;
            bool? disabled = null;

            if (root.TryGetProperty("name", out var n))
            {
                if (n.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(n.GetString())) errors.Add("name", "must be a non-empty string");
                else if (n.GetString()!.Trim().Length > 200) errors.Add("name", "must be at most 200 characters");
                else name = n.GetString()!.Trim();
            }
            else if (requireAll) errors.Add("name", "is required");

            if (root.TryGetProperty("targetUrl", out var u))
            {
                if (u.ValueKind != JsonValueKind.String) errors.Add("targetUrl", "must be a string");
                else if (await CheckUrlAsync(u.GetString()!, environment, allowPrivate, cancellationToken) is { } problem) errors.Add("targetUrl", problem);
                else targetUrl = u.GetString();
            }
            else if (requireAll) errors.Add("targetUrl", "is required");

            if (root.TryGetProperty("eventTypes", out var t))
            {
                if (t.ValueKind != JsonValueKind.Array || t.GetArrayLength() == 0) errors.Add("eventTypes", "must be a non-empty array of event types");
                else
                {
                    eventTypes = [];
                    foreach (var item in t.EnumerateArray())
                    {
                        var type = item.ValueKind == JsonValueKind.String ? item.GetString()! : null;
                        if (type is null || !Webhooks.EventTypes.Subscribable.Contains(type))
                            errors.Add("eventTypes", $"unknown event type {(type is null ? item.GetRawText() : $"'{type}'")}; use one of {string.Join(", ", Webhooks.EventTypes.All)} or a parent scope such as 'profile'");
                        else if (!eventTypes.Contains(type)) eventTypes.Add(type);
                    }
                }
            }
            else if (requireAll) errors.Add("eventTypes", "is required");

            if (root.TryGetProperty("disabled", out var d))
            {
                if (d.ValueKind is JsonValueKind.True or JsonValueKind.False) disabled = d.GetBoolean();
                else errors.Add("disabled", "must be true or false");
            }
            return new SubscriptionInput(name, targetUrl, eventTypes, disabled);
        }

        private static async Task<string?> CheckUrlAsync(string value, TesseraEnvironment environment, bool allowPrivate, CancellationToken cancellationToken)
        {
            var sandbox = environment.Mode == EnvironmentMode.Sandbox;
            if (value.Length > 2048) return "must be at most 2048 characters";
            if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
                return "must be an absolute https URL";
            if (url.Scheme != Uri.UriSchemeHttps && !sandbox) return "must use https outside SANDBOX environments";
            if (!string.IsNullOrEmpty(url.UserInfo)) return "must not contain credentials";
            if (!string.IsNullOrEmpty(url.Fragment)) return "must not contain a fragment";
            return await TargetGuard.CheckAsync(url, allowPrivate, cancellationToken);
        }
    }
}
