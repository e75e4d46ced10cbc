using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tessera.Tests.Delivery;

/// <summary>What the fake received: one call to the Messages API.</summary>
public sealed record TwilioRequest(string Path, string? Authorization, IReadOnlyDictionary<string, string> Form);

/// <summary>
/// A Twilio-shaped Messages API on a free loopback port (Kestrel): records every request and answers what the test
/// says (201 by default).
/// </summary>
public sealed class FakeTwilio : IAsyncDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "test-auth-token";
    public const string From = "+15005550006";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<TwilioRequest> _requests = new();
    private int _count;

    /// <summary>The answer to the n-th request (1-based): status and JSON body.</summary>
    public Func<int, (int Status, string Body)> Respond { get; set; } = _ => (201, """{"sid": "SM0123", "status": "queued"}""");

    /// <summary>How long each answer takes, so concurrent senders overlap.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    public IReadOnlyList<TwilioRequest> Requests => [.. _requests];

    public string BaseUrl => _app.Urls.First();

    private FakeTwilio()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/2010-04-01/Accounts/{sid}/Messages.json", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            _requests.Enqueue(new TwilioRequest(context.Request.Path.Value!, context.Request.Headers.Authorization.ToString(),
                form.ToDictionary(f => f.Key, f => f.Value.ToString())));
            var (status, body) = Respond(Interlocked.Increment(ref _count));
            if (Delay > TimeSpan.Zero) await Task.Delay(Delay, context.RequestAborted);
            return Results.Content(body, "application/json", statusCode: status);
        });
    }

    public static async Task<FakeTwilio> StartAsync()
    {
        var fake = new FakeTwilio();
        await fake._app.StartAsync();
        return fake;
    }

    /// <summary>Configuration pointing Tessera's SMS provider here.</summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["Sms:Twilio:BaseUrl"] = BaseUrl,
        ["Sms:Twilio:AccountSid"] = AccountSid,
        ["Sms:Twilio:AuthToken"] = AuthToken,
        ["Sms:Twilio:From"] = From,
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
