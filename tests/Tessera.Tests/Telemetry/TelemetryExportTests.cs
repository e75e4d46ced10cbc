using System.Diagnostics;
using System.Net;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;
using Tessera.Telemetry;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Telemetry;

/// <summary>
/// Alone, not beside the parallel suites: a tracer provider listens to every ActivitySource of its name in the
/// process, so other servers' requests would be traced too (and the allocation tests would see its allocations).
/// </summary>
[CollectionDefinition(nameof(TelemetryCollection), DisableParallelization = true)]
public sealed class TelemetryCollection;

[Collection(nameof(TelemetryCollection))]
public abstract class TelemetryExportTests(Backend backend, PostgresServer postgres) : IAsyncLifetime
{
    private readonly FakeClock _clock = new();
    private OtlpReceiver _receiver = null!;
    private TesseraInstance _server = null!;
    private string _apiSecret = null!;

    public async ValueTask InitializeAsync()
    {
        _receiver = await OtlpReceiver.StartAsync();
        var (provider, connectionString) = await TestDatabases.CreateAsync(backend, postgres);
        _server = await TesseraInstance.StartAsync(provider, connectionString, _clock, new Dictionary<string, string?>
        {
            // The SDK's standard variables, read from configuration as from the environment.
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _receiver.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_RESOURCE_ATTRIBUTES"] = "deployment.environment.name=test",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
            // The test host logs warnings only; the request log is what a trace's logs are checked with.
            ["Logging:OpenTelemetry:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
        });
        (_, _apiSecret, _) = await _server.CreateEnvironmentAsync();
    }

    [Fact]
    public async Task ARequestIsExportedAsATraceWithItsSqlItsMetricsAndItsLogs()
    {
        var health = ActivityTraceId.CreateRandom();
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/healthz", health)).StatusCode);

        var trace = ActivityTraceId.CreateRandom();
        var issued = await SendAsync(HttpMethod.Post, "/v1/users/sessions", trace, new { email = "otel@example.com" });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var token = (await issued.JsonAsync()).Str("token");
        var traceId = ByteString.CopyFrom(Convert.FromHexString(trace.ToHexString()));

        var request = await ReceiveAsync(r => r.Spans.SingleOrDefault(s => s.TraceId == traceId && s.Kind == Span.Types.SpanKind.Server));
        Assert.Equal("/v1/users/sessions", Attribute(request.Attributes, "http.route"));
        Assert.Equal("POST", Attribute(request.Attributes, "http.request.method"));
        Assert.Equal(201L, request.Attributes.Single(a => a.Key == "http.response.status_code").Value.IntValue);

        // Its SQL, in the same trace: SQLite's from Tessera's own source, PostgreSQL's from Npgsql's.
        var database = backend == Backend.Sqlite ? "sqlite" : "postgresql";
        var sql = await ReceiveAsync(r => r.Spans.FirstOrDefault(s => s.TraceId == traceId && s.Kind == Span.Types.SpanKind.Client
            && (Attribute(s.Attributes, "db.system.name") ?? Attribute(s.Attributes, "db.system")) == database));
        Assert.Equal(request.SpanId, sql.ParentSpanId);

        // A background loop's poll is a span of its own.
        var poll = await ReceiveAsync(r => r.ResourceSpans.SelectMany(rs => rs.ScopeSpans)
            .Where(s => s.Scope.Name == TesseraTelemetry.SourceName).SelectMany(s => s.Spans).FirstOrDefault(s => s.Name.EndsWith(".poll")));
        Assert.Equal(Span.Types.SpanKind.Internal, poll.Kind);

        // The request's log record carries its trace.
        var log = await ReceiveAsync(r => r.LogRecords.FirstOrDefault(l => l.TraceId == traceId));
        Assert.Equal(request.TraceId, log.TraceId);
        Assert.False(log.SpanId.IsEmpty);

        // The Tessera meter, ASP.NET Core's and the runtime's.
        var requests = await ReceiveAsync(r => r.Metrics.Where(m => m.Scope == "Tessera" && m.Metric.Name == "tessera.http.requests")
            .Select(m => m.Metric).LastOrDefault(m => m.Sum.DataPoints.Any(p => p.AsInt >= 2)));
        Assert.True(requests.Sum.IsMonotonic);
        await ReceiveAsync(r => r.Metrics.FirstOrDefault(m => m.Metric.Name == "http.server.request.duration").Metric);
        await ReceiveAsync(r => r.Metrics.FirstOrDefault(m => m.Scope.Contains("Runtime")).Metric);

        var resource = _receiver.ResourceSpans[0].Resource.Attributes;
        Assert.Equal("tessera", Attribute(resource, "service.name"));
        Assert.False(string.IsNullOrEmpty(Attribute(resource, "service.version")));
        Assert.Equal("test", Attribute(resource, "deployment.environment.name"));

        // Probes are not traced; no secret is exported anywhere.
        var healthId = ByteString.CopyFrom(Convert.FromHexString(health.ToHexString()));
        Assert.DoesNotContain(_receiver.Spans, s => s.TraceId == healthId);
        var exported = string.Join('\n', _receiver.ResourceSpans.Select(s => s.ToString()).Concat(_receiver.ResourceLogs.Select(l => l.ToString())));
        Assert.DoesNotContain(_apiSecret, exported);
        Assert.DoesNotContain(token, exported);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, ActivityTraceId trace, object? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new("Bearer", _apiSecret);
        // The caller's trace context, as a client or proxy in front of Tessera sends it.
        request.Headers.Add("traceparent", $"00-{trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        if (json is not null) request.Content = System.Net.Http.Json.JsonContent.Create(json);
        return _server.Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>Flushes the server's exporters until the receiver has what <paramref name="find"/> looks for.</summary>
    private async Task<T> ReceiveAsync<T>(Func<OtlpReceiver, T?> find) where T : class
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (true)
        {
            var next = _receiver.NextExportAsync();
            OpenTelemetry.Trace.TracerProviderExtensions.ForceFlush(_server.Services.GetRequiredService<OpenTelemetry.Trace.TracerProvider>());
            OpenTelemetry.Metrics.MeterProviderExtensions.ForceFlush(_server.Services.GetRequiredService<OpenTelemetry.Metrics.MeterProvider>());
            OpenTelemetry.Logs.LoggerProviderExtensions.ForceFlush(_server.Services.GetRequiredService<OpenTelemetry.Logs.LoggerProvider>());
            if (find(_receiver) is { } found) return found;
            await next.WaitAsync(timeout.Token);
        }
    }

    private static string? Attribute(IEnumerable<KeyValue> attributes, string key) =>
        attributes.FirstOrDefault(a => a.Key == key)?.Value.StringValue;

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _receiver.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class TelemetryExportTestsOnSqlite(PostgresServer postgres) : TelemetryExportTests(Backend.Sqlite, postgres);
public sealed class TelemetryExportTestsOnPostgres(PostgresServer postgres) : TelemetryExportTests(Backend.Postgres, postgres);

[Collection(nameof(TelemetryCollection))]
public sealed class TelemetryOffTests
{
    [Fact]
    public async Task WithoutAnOtlpEndpointNothingListens()
    {
        await using var server = await TesseraInstance.StartAsync(Tessera.Data.DatabaseProvider.Sqlite,
            $"Data Source={Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".db")}", new FakeClock());
        Assert.Null(server.Services.GetService<OpenTelemetry.Trace.TracerProvider>());
        Assert.Null(server.Services.GetService<OpenTelemetry.Metrics.MeterProvider>());
        Assert.Null(server.Services.GetService<OpenTelemetry.Logs.LoggerProvider>());
        // So the request path starts no Activity: ASP.NET Core's, HttpClient's, Npgsql's and Tessera's sources are unheard.
        foreach (var name in new[] { "Microsoft.AspNetCore", "System.Net.Http", "Npgsql", TesseraTelemetry.SourceName })
        {
            using var source = new ActivitySource(name);
            Assert.False(source.HasListeners(), name);
        }
    }

    [Theory]
    [InlineData(null, null, false, false, false)]
    [InlineData("http://collector:4318", null, true, true, true)]
    [InlineData(null, "http://collector:4318/v1/traces", true, false, false)]
    [InlineData("http://collector:4318", "true", false, false, false)]
    public void SignalsFollowTheStandardVariables(string? endpoint, string? second, bool traces, bool metrics, bool logs)
    {
        var settings = new Dictionary<string, string?>();
        if (endpoint is not null) settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint;
        if (second is "true") settings["OTEL_SDK_DISABLED"] = "true";
        else if (second is not null) settings["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = second;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        Assert.Equal(new TesseraTelemetry.Signals(traces, metrics, logs), TesseraTelemetry.Signals.From(configuration));
    }
}
