using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tessera.Audit;
using Tessera.Data;
using Tessera.Metrics;
using static Tessera.OperatorConsole.Html;

namespace Tessera.OperatorConsole;

/// <summary>
/// The overview's charts: hourly counts over the last day, drawn as server-side SVG (no script). Counts come from
/// what the database already records (audit events, profiles, webhook attempts); requests and their p99 from this
/// instance's <see cref="RequestHistory"/> (each instance keeps its own: behind a load balancer, the page shows the
/// instance that served it).
/// </summary>
public static class ConsoleCharts
{
    public const int Hours = 24;
    /// <summary>Rows read per series at most: a chart of a day never loads an unbounded table.</summary>
    private const int MaxRows = 100_000;

    public static async Task<Html> RenderAsync(TesseraDbContext db, TesseraMetrics metrics, RequestHistory requests, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var end = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc).AddHours(1);
        var start = end.AddHours(-Hours);
        var sent = await db.AuditEvents.AsNoTracking().Where(e => e.Action == AuditActions.PasscodeSent && e.At >= start).Select(e => e.At).Take(MaxRows).ToListAsync(cancellationToken);
        var failed = await db.AuditEvents.AsNoTracking().Where(e => e.Action == AuditActions.PasscodeFailed && e.At >= start).Select(e => e.At).Take(MaxRows).ToListAsync(cancellationToken);
        var signUps = await db.Profiles.AsNoTracking().Where(p => p.CreatedAt >= start).Select(p => p.CreatedAt).Take(MaxRows).ToListAsync(cancellationToken);
        var webhookFailures = await db.WebhookAttempts.AsNoTracking().Where(a => a.At >= start && (a.StatusCode == null || a.StatusCode >= 300)).Select(a => a.At).Take(MaxRows).ToListAsync(cancellationToken);
        var served = requests.LastDay();
        var p99 = served.Select(h => h.P99 is { } p ? Math.Round(p.TotalMilliseconds, 2) : 0).ToArray();
        return H($"""
            <p>Requests answered by this instance since it started: {metrics.HttpRequests.ToString("N0", CultureInfo.InvariantCulture)}.</p>
            <div class="charts">
            {Chart("Requests (this instance)", served.Select(h => (double)h.Requests).ToArray(), start, total: $"{served.Sum(h => h.Requests).ToString("N0", CultureInfo.InvariantCulture)} in 24 h")}
            {Chart("p99 latency, ms (this instance)", p99, start, total: $"highest {p99.Max().ToString("0.##", CultureInfo.InvariantCulture)} ms")}
            {Chart("Passcodes sent", Bucket(sent, start), start)}
            {Chart("Passcodes failed", Bucket(failed, start), start)}
            {Chart("Sign-ups", Bucket(signUps, start), start)}
            {Chart("Webhook attempts failed", Bucket(webhookFailures, start), start)}
            </div>
            """);
    }

    /// <summary>Counts per hour from <paramref name="start"/>, <see cref="Hours"/> buckets.</summary>
    public static int[] Bucket(IEnumerable<DateTime> times, DateTime start)
    {
        var counts = new int[Hours];
        foreach (var at in times)
        {
            var index = (int)Math.Floor((at - start).TotalHours);
            if (index is >= 0 and < Hours) counts[index]++;
        }
        return counts;
    }

    private static Html Chart(string title, int[] counts, DateTime start) =>
        Chart(title, counts.Select(c => (double)c).ToArray(), start, total: $"{counts.Sum()} in 24 h");

    private static Html Chart(string title, double[] values, DateTime start, string total)
    {
        const int width = 288, height = 80, bar = width / Hours;
        var max = Math.Max(1, values.Max());
        var bars = values.Select((value, i) =>
        {
            var h = (int)Math.Round(value / max * (height - 4));
            return H($"""<rect x="{i * bar + 1}" y="{height - h}" width="{bar - 2}" height="{h}"><title>{start.AddHours(i).ToString("HH':00'", CultureInfo.InvariantCulture)}: {value.ToString("0.##", CultureInfo.InvariantCulture)}</title></rect>""");
        });
        return H($"""
            <figure class="chart"><figcaption>{title} <span class="total">{total}</span></figcaption>
            <svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{title} per hour over the last 24 hours, peak {max.ToString("0.##", CultureInfo.InvariantCulture)}">{bars}</svg>
            </figure>
            """);
    }
}
