using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Tessera.Cli;
using Tessera.Data;

namespace Tessera.Webhooks;

/// <summary><c>tessera webhooks deliveries --subscription ID</c>: what was sent to a webhook, and how each attempt went.</summary>
internal static class WebhookCommands
{
    internal static Command Webhooks()
    {
        var subscription = new Option<string>("--subscription") { Description = "Webhook subscription id (wh_…)", Required = true };
        var limit = new Option<int>("--limit") { Description = "How many, newest first", DefaultValueFactory = _ => 20 };
        var deliveries = new Command("deliveries", "List a subscription's deliveries with their attempts") { subscription, limit };
        deliveries.SetAction((parse, ct) => TesseraCli.WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            var db = services.GetRequiredService<TesseraDbContext>();
            var id = parse.GetValue(subscription)!;
            if (!await db.WebhookSubscriptions.AsNoTracking().AnyAsync(s => s.Id == id, cancellationToken))
                return TesseraCli.Fail($"No webhook subscription '{id}'.");
            var rows = await WebhooksApi.ListDeliveriesAsync(db, id, Math.Clamp(parse.GetValue(limit), 1, 10_000), cancellationToken);
            TesseraCli.Output(parse, rows, () => TesseraCli.Table(
                ["ID", "EVENT", "TYPE", "STATUS", "ATTEMPTS", "LAST", "CREATED"],
                rows.Select(d => new[]
                {
                    d.Id, d.EventId, d.EventType, d.Status, d.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    d.LastStatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? d.LastError ?? "", TesseraCli.Iso(d.CreatedAt),
                })));
            return 0;
        }, ct));
        return new Command("webhooks", "Inspect webhook deliveries") { deliveries };
    }
}
