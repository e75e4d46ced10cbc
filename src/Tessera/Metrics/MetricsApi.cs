using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Tessera.Metrics;

public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>Serve <c>GET /metrics</c> (Prometheus text format). Defaults to true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Answer <c>/metrics</c> from any address, not only loopback. Defaults to false: the counters reveal traffic
    /// volume, so a scraper elsewhere must be allowed on purpose (or scrape through a sidecar on the host).
    /// </summary>
    public bool AllowRemote { get; set; }
}

public static class MetricsApi
{
    public static IServiceCollection AddTesseraMetrics(this IServiceCollection services)
    {
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section);
        services.AddSingleton<TesseraMetrics>();
        services.AddSingleton<RequestHistory>();
        // Interceptors registered as services join every TesseraDbContext (see AddTesseraDatabase).
        services.AddSingleton<IInterceptor, DbCommandCounter>();
        return services;
    }

    /// <summary>
    /// Counts every request and records its duration in the hourly history; first in the pipeline so errors and
    /// refusals count too. A request that completes synchronously (a token verification from memory) costs no
    /// allocation here; one that awaits pays for one continuation. A WebSocket (101) is counted but its lifetime is
    /// not a request's duration: a few hour-long sockets would otherwise be the p99.
    /// </summary>
    public static IApplicationBuilder UseRequestCounting(this IApplicationBuilder app)
    {
        var metrics = app.ApplicationServices.GetRequiredService<TesseraMetrics>();
        var history = app.ApplicationServices.GetRequiredService<RequestHistory>();
        var clock = app.ApplicationServices.GetRequiredService<TimeProvider>();
        return app.Use(next => context =>
        {
            metrics.CountRequest();
            var started = clock.GetTimestamp();
            Task pending;
            try
            {
                pending = next(context);
            }
            catch
            {
                Record(context, history, started);
                throw;
            }
            if (!pending.IsCompleted) return RecordWhenDone(pending, context, history, started);
            Record(context, history, started);
            return pending;
        });
    }

    private static async Task RecordWhenDone(Task pending, HttpContext context, RequestHistory history, long started)
    {
        try { await pending; }
        finally { Record(context, history, started); }
    }

    private static void Record(HttpContext context, RequestHistory history, long started)
    {
        if (context.Response.StatusCode != StatusCodes.Status101SwitchingProtocols) history.Record(started);
    }

    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder routes)
    {
        var options = routes.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<MetricsOptions>>().Value;
        if (!options.Enabled) return routes;
        routes.MapGet("/metrics", (HttpContext http, TesseraMetrics metrics) =>
        {
            var remote = http.Connection.RemoteIpAddress;
            if (!options.AllowRemote && (remote is null || !System.Net.IPAddress.IsLoopback(remote)))
                return Results.NotFound();
            return Results.Text(Render(metrics), "text/plain; version=0.0.4; charset=utf-8");
        }).ExcludeFromDescription();
        return routes;
    }

    /// <summary>The Prometheus text exposition of the counters and a few process gauges.</summary>
    internal static string Render(TesseraMetrics metrics)
    {
        var text = new StringBuilder();
        void Metric(string name, string type, string help, params (string Labels, double Value)[] samples)
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            foreach (var (labels, value) in samples)
                text.Append(name).Append(labels).Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
        using var process = Process.GetCurrentProcess();
        Metric("tessera_http_requests_total", "counter", "HTTP requests answered.", ("", metrics.HttpRequests));
        Metric("tessera_db_commands_total", "counter", "SQL commands sent to the database, by what sent them.",
            ("{source=\"request\"}", metrics.RequestDbCommands), ("{source=\"background\"}", metrics.BackgroundDbCommands));
        Metric("process_resident_memory_bytes", "gauge", "Resident set size.", ("", process.WorkingSet64));
        Metric("process_peak_resident_memory_bytes", "gauge", "Peak resident set size.", ("", process.PeakWorkingSet64));
        Metric("process_cpu_seconds_total", "counter", "User and system CPU time.", ("", process.TotalProcessorTime.TotalSeconds));
        Metric("dotnet_gc_heap_bytes", "gauge", "Bytes in the managed heap after the last collection.", ("", GC.GetGCMemoryInfo().HeapSizeBytes));
        // Precise: the imprecise count stood still between collections under DATAS (a 10 s benchmark row read 0 bytes
        // a request, the next row three times the truth). The precise one adds up the threads' allocation contexts,
        // a cost paid once per scrape.
        Metric("dotnet_gc_allocated_bytes_total", "counter", "Bytes allocated on the managed heap since the process started.",
            ("", GC.GetTotalAllocatedBytes(precise: true)));
        Metric("dotnet_gc_collections_total", "counter", "Garbage collections, by generation.",
            ("{generation=\"0\"}", GC.CollectionCount(0)), ("{generation=\"1\"}", GC.CollectionCount(1)), ("{generation=\"2\"}", GC.CollectionCount(2)));
        Metric("dotnet_threadpool_threads", "gauge", "Thread-pool threads.", ("", ThreadPool.ThreadCount));
        return text.ToString();
    }
}
