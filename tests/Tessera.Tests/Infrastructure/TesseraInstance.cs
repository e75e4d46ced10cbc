using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tessera.ApiKeys;
using Tessera.Data;
using Tessera.Environments;

namespace Tessera.Tests.Infrastructure;

/// <summary>One Tessera server in memory (TestServer), configured like a real one, talked to over HTTP.</summary>
public sealed class TesseraInstance : IAsyncDisposable
{
    public const string MasterKey = "3q2+7wABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhs=";

    private readonly WebApplication _app;
    public HttpClient Http { get; }
    public IServiceProvider Services => _app.Services;

    /// <summary>Where a listening instance (<c>listen: true</c>) takes connections; null for an in-memory one.</summary>
    public Uri? BaseAddress { get; }

    private TesseraInstance(WebApplication app, Uri? baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        Http = baseAddress is null ? app.GetTestClient() : new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <param name="listen">
    /// Kestrel on 127.0.0.1 and a free port instead of TestServer: for clients that need a real socket
    /// (<see cref="System.Net.WebSockets.ClientWebSocket"/>). The test connection-IP header is then not honoured.
    /// </param>
    public static async Task<TesseraInstance> StartAsync(DatabaseProvider provider, string connectionString, TimeProvider clock, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, bool listen = false)
    {
        var builder = Program.CreateBuilder([]);
        if (listen) builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        // The request runs on the caller's async flow, so tests can follow it (e.g. counting its queries).
        else builder.WebHost.UseTestServer(o => o.PreserveExecutionContext = true);
        var configuration = new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider.ToString(),
            ["Database:ConnectionString"] = connectionString,
            ["Database:MigrateOnStart"] = "true",
            ["Secrets:MasterKey"] = MasterKey,
            ["Revocation:PollInterval"] = "00:00:00.100",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) configuration[key] = value;
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Services.AddSingleton(clock);
        // TestServer has no socket: a test names the connection's client IP with this header.
        builder.Services.AddSingleton<IStartupFilter, TestConnectionIp>();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // After the providers are cleared: a test may add one to read what the server logs.
        services?.Invoke(builder.Services);
        var app = Program.BuildApp(builder);
        await app.StartAsync();
        var address = listen
            ? new Uri(app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
                .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First())
            : null;
        return new TesseraInstance(app, address);
    }

    /// <summary>Creates an environment and an API key for it, as the CLI would; returns the secret.</summary>
    public async Task<(TesseraEnvironment Environment, string ApiSecret, string ApiKeyId)> CreateEnvironmentAsync(string? name = null, EnvironmentMode mode = EnvironmentMode.Sandbox)
    {
        await using var scope = Services.CreateAsyncScope();
        var environment = await scope.ServiceProvider.GetRequiredService<EnvironmentAdmin>().CreateAsync(name ?? "env-" + Guid.NewGuid().ToString("N")[..8], mode, default);
        var key = await scope.ServiceProvider.GetRequiredService<ApiKeyAdmin>().CreateAsync(environment.Id, "test", default);
        return (environment, key.Secret, key.Key.Id);
    }

    /// <summary>A handler that sends to this server in memory, for clients the test does not build itself (e.g. a JwtBearer backchannel).</summary>
    public HttpMessageHandler CreateHandler() => _app.GetTestServer().CreateHandler();

    public async Task<T> WithDbAsync<T>(Func<TesseraDbContext, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TesseraDbContext>());
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? bearer = null, object? json = null, string? rawBody = null, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(method, path);
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (json is not null) request.Content = JsonContent.Create(json);
        else if (rawBody is not null) request.Content = new StringContent(rawBody, Encoding.UTF8, contentType);
        return Http.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Sets the connection's remote IP from <c>X-Test-Connection-Ip</c>, as a socket would.</summary>
internal sealed class TestConnectionIp : IStartupFilter
{
    public const string Header = "X-Test-Connection-Ip";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (http, proceed) =>
        {
            if (http.Request.Headers.TryGetValue(Header, out var ip) && System.Net.IPAddress.TryParse(ip, out var address))
                http.Connection.RemoteIpAddress = address;
            await proceed(http);
        });
        next(app);
    };
}

public static class ResponseExtensions
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static string Str(this JsonElement element, string property) => element.GetProperty(property).GetString()!;
}
