using System.Net;
using System.Text.Json;
using Tessera.Data;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Telemetry;

/// <summary>
/// JSON structured logs by configuration (issue 22, item 3): with <c>Logging:Console:FormatterName=json</c> a real
/// <c>tessera serve</c> writes one JSON object a line, and a request's lines carry the trace id of the request (here
/// the caller's <c>traceparent</c>), so logs join traces even with OpenTelemetry export off. A credential sent with the
/// request appears in none of them.
/// </summary>
public sealed class JsonConsoleLogTests
{
    [Fact]
    public async Task JsonConsoleLogsAreOneObjectALineWithTheRequestsTraceIdAndNoCredential()
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = Directory.CreateTempSubdirectory("tessera-jsonlog-").FullName;
        var connectionString = $"Data Source={Path.Combine(directory, "tessera.db")}";
        var init = await new TesseraCliProcess(DatabaseProvider.Sqlite, connectionString).JsonAsync("init");
        var secret = init.GetProperty("apiKey").Str("secret");

        var (server, _) = await TesseraServerProcess.StartAsync(DatabaseProvider.Sqlite, connectionString,
            "--Logging:Console:FormatterName=json", "--Logging:Console:FormatterOptions:IncludeScopes=true",
            "--Logging:LogLevel:Default=Information", "--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Information");
        await using var _server = server;

        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var http = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/introspect/api_key");
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        request.Headers.Add("Authorization", $"Bearer {secret}");
        using var response = await http.SendAsync(request, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        server.Terminate();
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var stdout = await server.StdoutAsync();

        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.NotEmpty(lines);
        var entries = lines.Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList(); // throws on a non-JSON line
        Assert.All(entries, entry =>
        {
            Assert.Equal(JsonValueKind.Object, entry.ValueKind);
            Assert.True(entry.TryGetProperty("LogLevel", out _));
            Assert.True(entry.TryGetProperty("Category", out _));
        });
        // The request's own lines (ASP.NET Core's "Request starting/finished") name its trace in their scopes.
        var requestLines = entries.Where(entry => entry.TryGetProperty("Scopes", out var scopes)
            && scopes.EnumerateArray().Any(scope => scope.ValueKind == JsonValueKind.Object
                && scope.TryGetProperty("TraceId", out var id) && id.GetString() == traceId)).ToList();
        Assert.NotEmpty(requestLines);
        Assert.Contains(requestLines, entry => entry.Str("Category") == "Microsoft.AspNetCore.Hosting.Diagnostics");
        Assert.DoesNotContain(secret, stdout);
    }
}
