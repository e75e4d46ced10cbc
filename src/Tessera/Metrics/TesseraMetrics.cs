using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Tessera.Metrics;

/// <summary>
/// Counters operators and the benchmark suite read: HTTP requests answered and SQL commands sent, split by whether
/// a request or a background loop sent them (so "queries per request" can be shown, not claimed). Plain fields
/// incremented with <see cref="Interlocked"/>; the <see cref="Meter"/> named "Tessera" publishes the same values to
/// any .NET metrics listener (dotnet-counters, an OpenTelemetry exporter), and <c>/metrics</c> prints them.
/// </summary>
public sealed class TesseraMetrics : IDisposable
{
    public const string MeterName = "Tessera";

    private long _httpRequests;
    private long _requestDbCommands;
    private long _backgroundDbCommands;
    private readonly Meter _meter;

    public TesseraMetrics()
    {
        _meter = new Meter(MeterName);
        _meter.CreateObservableCounter("tessera.http.requests", () => HttpRequests, unit: "{request}", description: "HTTP requests answered.");
        _meter.CreateObservableCounter("tessera.db.commands", () => new[]
        {
            new Measurement<long>(RequestDbCommands, new KeyValuePair<string, object?>("source", "request")),
            new Measurement<long>(BackgroundDbCommands, new KeyValuePair<string, object?>("source", "background")),
        }, unit: "{command}", description: "SQL commands sent to the database.");
    }

    public long HttpRequests => Volatile.Read(ref _httpRequests);
    public long RequestDbCommands => Volatile.Read(ref _requestDbCommands);
    public long BackgroundDbCommands => Volatile.Read(ref _backgroundDbCommands);

    public void CountRequest() => Interlocked.Increment(ref _httpRequests);

    public void CountDbCommand()
    {
        if (BackgroundWork.IsCurrent) Interlocked.Increment(ref _backgroundDbCommands);
        else Interlocked.Increment(ref _requestDbCommands);
    }

    /// <summary>Commands sent on requests' behalf by a writer outside EF (the issuance writers), which the interceptor cannot see.</summary>
    public void CountRequestDbCommands(int count) => Interlocked.Add(ref _requestDbCommands, count);

    public void Dispose() => _meter.Dispose();
}

/// <summary>
/// Marks the current async flow as background work (polling loops, start-up), so its SQL is not billed to requests.
/// Set once at the top of a loop; it flows into everything the loop awaits, and requests never carry it.
/// </summary>
public static class BackgroundWork
{
    private static readonly AsyncLocal<bool> Current = new();

    public static bool IsCurrent => Current.Value;

    public static void MarkCurrentFlow() => Current.Value = true;
}
