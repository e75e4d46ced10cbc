using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Tessera.Tests.Webhooks;

/// <summary>A webhook receiver on 127.0.0.1 (a real socket, a free port): records every request and answers as told.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Received(string Body, string? Signature, string? DeliveryId, int AnsweredWith, string? QuilttSignature = null, string? QuilttTimestamp = null)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
        public JsonElement Event => Json.GetProperty("events")[0];
        public string EventType => Event.GetProperty("type").GetString()!;
        public string EventId => Event.GetProperty("id").GetString()!;
        /// <summary>The event's profile id.</summary>
        public string? Profile => Event.GetProperty("profile") is { ValueKind: JsonValueKind.Object } p ? p.GetProperty("id").GetString() : null;
    }

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();

    /// <summary>Decides the answer to each request (its status; a delay first, to model a slow endpoint). 200 by default.</summary>
    public Func<Received, CancellationToken, Task<int>> Respond { get; set; } = (_, _) => Task.FromResult(200);

    public string Url { get; }
    public IReadOnlyList<Received> Requests => _received.ToArray();
    public IReadOnlyList<Received> Accepted => _received.Where(r => r.AnsweredWith is >= 200 and < 300).ToArray();

    private WebhookReceiver(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.MapPost("/hook", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync(http.RequestAborted);
            var probe = new Received(body, http.Request.Headers["Tessera-Signature"], http.Request.Headers["Tessera-Delivery-Id"], 0,
                http.Request.Headers["Quiltt-Signature"], http.Request.Headers["Quiltt-Timestamp"]);
            int status;
            try { status = await receiver!.Respond(probe, http.RequestAborted); }
            catch (OperationCanceledException) { status = 499; }
            receiver!._received.Enqueue(probe with { AnsweredWith = status });
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver = new WebhookReceiver(app, address.TrimEnd('/') + "/hook");
        return receiver;
    }

    /// <summary>Waits (bounded) until the receiver has accepted at least <paramref name="count"/> requests.</summary>
    public async Task<IReadOnlyList<Received>> WaitForAcceptedAsync(int count, double seconds = 15)
    {
        var clock = Stopwatch.StartNew();
        while (Accepted.Count < count)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds)) Assert.Fail($"Timed out waiting for {count} accepted webhook(s); got {Accepted.Count} of {Requests.Count} request(s).");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        return Accepted;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
