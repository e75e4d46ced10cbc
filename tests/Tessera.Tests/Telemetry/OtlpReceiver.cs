using System.IO.Compression;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Tessera.Tests.Telemetry;

/// <summary>
/// An OTLP/HTTP receiver on a loopback socket, as a collector's <c>otlp</c> receiver is: <c>POST /v1/traces</c>,
/// <c>/v1/metrics</c>, <c>/v1/logs</c> with <c>application/x-protobuf</c> bodies (gzip or not), decoded with the
/// messages generated from the protocol's own .proto files and answered with the protocol's responses.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly List<ResourceSpans> _spans = [];
    private readonly List<ResourceMetrics> _metrics = [];
    private readonly List<ResourceLogs> _logs = [];
    private TaskCompletionSource _received = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private OtlpReceiver(WebApplication app) => _app = app;

    public string Endpoint => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            var export = ExportTraceServiceRequest.Parser.ParseFrom(await BodyAsync(request));
            receiver.Add(receiver._spans, export.ResourceSpans);
            return Protobuf(new ExportTraceServiceResponse());
        });
        app.MapPost("/v1/metrics", async (HttpRequest request) =>
        {
            var export = ExportMetricsServiceRequest.Parser.ParseFrom(await BodyAsync(request));
            receiver.Add(receiver._metrics, export.ResourceMetrics);
            return Protobuf(new ExportMetricsServiceResponse());
        });
        app.MapPost("/v1/logs", async (HttpRequest request) =>
        {
            var export = ExportLogsServiceRequest.Parser.ParseFrom(await BodyAsync(request));
            receiver.Add(receiver._logs, export.ResourceLogs);
            return Protobuf(new ExportLogsServiceResponse());
        });
        await app.StartAsync();
        return receiver;
    }

    public IReadOnlyList<ResourceSpans> ResourceSpans { get { lock (_lock) return [.. _spans]; } }
    public IReadOnlyList<ResourceMetrics> ResourceMetrics { get { lock (_lock) return [.. _metrics]; } }
    public IReadOnlyList<ResourceLogs> ResourceLogs { get { lock (_lock) return [.. _logs]; } }

    public IEnumerable<Span> Spans => ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans);
    public IEnumerable<LogRecord> LogRecords => ResourceLogs.SelectMany(r => r.ScopeLogs).SelectMany(s => s.LogRecords);
    public IEnumerable<(string Scope, Metric Metric)> Metrics =>
        ResourceMetrics.SelectMany(r => r.ScopeMetrics).SelectMany(s => s.Metrics.Select(m => (s.Scope.Name, m)));

    /// <summary>Completes at the next export received from now on.</summary>
    public Task NextExportAsync()
    {
        lock (_lock) return _received.Task;
    }

    private void Add<T>(List<T> store, IEnumerable<T> items)
    {
        TaskCompletionSource received;
        lock (_lock)
        {
            store.AddRange(items);
            received = _received;
            _received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        received.SetResult();
    }

    private static async Task<byte[]> BodyAsync(HttpRequest request)
    {
        if (request.ContentType != "application/x-protobuf") throw new BadHttpRequestException($"OTLP/HTTP protobuf expected, got {request.ContentType}");
        var body = request.Headers.ContentEncoding == "gzip" ? new GZipStream(request.Body, CompressionMode.Decompress) : request.Body;
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static IResult Protobuf(IMessage response) => Results.Bytes(response.ToByteArray(), "application/x-protobuf");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
