using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Clients;
using Tessera.Delivery;
using Tessera.Tests.Infrastructure;

namespace Tessera.Tests.Passcodes;

/// <summary>What the passwordless suites share: clients, the two calls, and reading the passcode from the outbox.</summary>
public abstract partial class PasswordlessTestBase(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    protected async Task<Client> CreateClientAsync(AuthStrategy strategy, string? environmentId = null, bool signups = true, bool verifyNewProfiles = false, string? allowedOrigins = null, bool enumerationSafe = false)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        var admin = scope.ServiceProvider.GetRequiredService<ClientAdmin>();
        var client = await admin.CreateAsync(environmentId ?? Environment.Id, "Acme Money", strategy, signups, default);
        client.VerifyNewProfiles = verifyNewProfiles;
        client.AllowedOrigins = allowedOrigins;
        client.EnumerationSafe = enumerationSafe;
        await admin.SaveAsync(default);
        return client;
    }

    protected Task<HttpResponseMessage> PostSessionAsync(object body, string? ip = null, IDictionary<string, string>? headers = null, TesseraInstance? server = null) =>
        SendSessionAsync(HttpMethod.Post, body, ip, headers, server);

    /// <summary>One GraphQL operation as the SDK posts it, with a session token (Bearer) or backend credentials (Basic).</summary>
    protected Task<HttpResponseMessage> GraphQLAsync(string query, object? variables = null, string? token = null, string? basic = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/graphql") { Content = JsonContent.Create(new { query, variables }) };
        if (token is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        if (basic is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(basic)));
        return Server.Http.SendAsync(request);
    }

    protected Task<HttpResponseMessage> PutSessionAsync(object body, string? ip = null, TesseraInstance? server = null) =>
        SendSessionAsync(HttpMethod.Put, body, ip, null, server);

    private Task<HttpResponseMessage> SendSessionAsync(HttpMethod method, object body, string? ip, IDictionary<string, string>? headers, TesseraInstance? server)
    {
        var request = new HttpRequestMessage(method, "/v1/users/session") { Content = JsonContent.Create(body) };
        request.Headers.Add(TestConnectionIp.Header, ip ?? "203.0.113.10");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(name, value);
        return (server ?? Server).Http.SendAsync(request);
    }

    /// <summary>The code of the newest passcode message to <paramref name="recipient"/>, read as a user would read it.</summary>
    protected async Task<string> LatestPasscodeAsync(string recipient)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Tessera.Data.TesseraDbContext>();
        var message = await db.OutboxMessages.AsNoTracking().Where(m => m.Recipient == recipient).OrderByDescending(m => m.CreatedAt).FirstAsync();
        var content = scope.ServiceProvider.GetRequiredService<Outbox>().Read(message)!;
        return SixDigits().Match(content.Text).Value;
    }

    protected Task<int> CountAsync<T>(Func<Tessera.Data.TesseraDbContext, IQueryable<T>> query) =>
        Server.WithDbAsync(db => query(db).CountAsync());

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}
