using System.Diagnostics;
using System.Reflection;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Tessera.Metrics;

namespace Tessera.Telemetry;

/// <summary>
/// OpenTelemetry traces, metrics and logs over OTLP, switched on by the SDK's standard variables
/// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, or a signal's own <c>OTEL_EXPORTER_OTLP_{TRACES,METRICS,LOGS}_ENDPOINT</c>)
/// read from configuration (environment, command line, appsettings). The SDK reads every other <c>OTEL_*</c> setting
/// (protocol, headers, service name, resource attributes, batch and export intervals) from the same configuration.
/// Without an endpoint nothing is registered: no ActivityListener, no MeterListener, so a request pays nothing.
/// </summary>
public static class TesseraTelemetry
{
    /// <summary>The ActivitySource of Tessera's own spans (background loops, SQLite commands).</summary>
    public const string SourceName = "Tessera";

    public const string DefaultServiceName = "tessera";

    internal static readonly ActivitySource Source = new(SourceName, ServiceVersion);

    internal static string ServiceVersion { get; } =
        typeof(TesseraTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(TesseraTelemetry).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    /// <summary>Probes and scrapes every few seconds would drown the traces that matter.</summary>
    private static readonly string[] UntracedPaths = ["/healthz", "/readyz", "/metrics"];

    /// <summary>Which signals have somewhere to go, from the standard OTLP variables.</summary>
    internal readonly record struct Signals(bool Traces, bool Metrics, bool Logs)
    {
        public bool Any => Traces || Metrics || Logs;

        public static Signals From(IConfiguration configuration)
        {
            if (string.Equals(configuration["OTEL_SDK_DISABLED"], "true", StringComparison.OrdinalIgnoreCase)) return default;
            var all = Set(configuration, "OTEL_EXPORTER_OTLP_ENDPOINT");
            return new Signals(
                all || Set(configuration, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
                all || Set(configuration, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"),
                all || Set(configuration, "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"));
        }

        private static bool Set(IConfiguration configuration, string key) => !string.IsNullOrWhiteSpace(configuration[key]);
    }

    /// <summary>
    /// Called just before the app is built, so the decision sees the final configuration (the CLI's arguments, a
    /// test's settings) rather than what existed when the builder was created.
    /// </summary>
    public static WebApplicationBuilder AddTesseraTelemetry(this WebApplicationBuilder builder)
    {
        var signals = Signals.From(builder.Configuration);
        if (!signals.Any) return builder;

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, when set, win over these defaults.
                .AddService(DefaultServiceName, serviceVersion: ServiceVersion, serviceInstanceId: Environment.MachineName));

        if (signals.Traces)
            telemetry.WithTracing(tracing => tracing
                .AddSource(SourceName)
                .AddAspNetCoreInstrumentation(options =>
                {
                    options.Filter = http => !IsUntraced(http.Request.Path);
                    // Query strings carry credentials (the subscription socket's session token, the console's sign-in
                    // link): never in a span, on any path.
                    options.EnrichWithHttpRequest = (activity, _) => activity.SetTag("url.query", null);
                })
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter());

        if (signals.Metrics)
            telemetry.WithMetrics(metrics => metrics
                .AddMeter(TesseraMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddOtlpExporter());

        if (signals.Logs)
            // Each record carries the TraceId and SpanId of the activity it was written in.
            telemetry.WithLogging(logging => logging.AddOtlpExporter(), options =>
            {
                options.IncludeFormattedMessage = true;
                options.IncludeScopes = true;
            });

        return builder;
    }

    private static bool IsUntraced(PathString path)
    {
        foreach (var untraced in UntracedPaths)
            if (path.Equals(untraced, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}
