using System.Net;
using System.Text.RegularExpressions;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Metrics;

public abstract partial class MetricsTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    private async Task<HttpResponseMessage> ScrapeAsync(string? fromIp)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (fromIp is not null) request.Headers.Add(TestConnectionIp.Header, fromIp);
        return await Server.Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private async Task<(long Requests, long RequestCommands)> CountersAsync()
    {
        var text = await (await ScrapeAsync("127.0.0.1")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (long.Parse(RequestsLine().Match(text).Groups[1].Value), long.Parse(RequestCommandsLine().Match(text).Groups[1].Value));
    }

    [Fact]
    public async Task MetricsAnswerLoopbackInPrometheusTextFormat()
    {
        var response = await ScrapeAsync("127.0.0.1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("# TYPE tessera_http_requests_total counter", text);
        Assert.Matches(RequestCommandsLine(), text);
        Assert.Contains("tessera_db_commands_total{source=\"background\"}", text);
        Assert.Contains("process_resident_memory_bytes", text);
        Assert.Contains("# TYPE dotnet_gc_allocated_bytes_total counter", text);
    }

    [Fact]
    public async Task AllocatedBytesGrowWithRequests()
    {
        var before = await AllocatedBytesAsync();
        for (var i = 0; i < 3; i++) await ScrapeAsync("127.0.0.1");
        // Each scrape builds a page of text: the counter (what bench/http divides by requests) must see it.
        Assert.True(await AllocatedBytesAsync() > before);
    }

    private async Task<long> AllocatedBytesAsync()
    {
        var text = await (await ScrapeAsync("127.0.0.1")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return long.Parse(AllocatedBytesLine().Match(text).Groups[1].Value);
    }

    [Theory]
    [InlineData("203.0.113.9")]
    [InlineData("10.0.0.1")]
    [InlineData(null)]
    public async Task MetricsAreHiddenFromAnyOtherAddress(string? ip) =>
        Assert.Equal(HttpStatusCode.NotFound, (await ScrapeAsync(ip)).StatusCode);

    [Fact]
    public async Task VerifyingAValidTokenSendsNoSqlOnceItsProfileIsReadWhileIssuingOneDoes()
    {
        var before = await CountersAsync();
        var token = (await (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { email = "metrics@example.com" })).JsonAsync()).Str("token");
        var afterIssue = await CountersAsync();
        Assert.True(afterIssue.RequestCommands > before.RequestCommands, "issuing a token writes a session row");

        // The first introspection reads the profile's uuid (the directory caches what is read, not what is issued).
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", token)).StatusCode);
        var afterFirst = await CountersAsync();
        Assert.Equal(afterIssue.RequestCommands + 1, afterFirst.RequestCommands);

        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", token)).StatusCode);
        var afterVerify = await CountersAsync();

        Assert.Equal(afterFirst.RequestCommands, afterVerify.RequestCommands);
        Assert.Equal(afterFirst.Requests + 6, afterVerify.Requests); // five verifications and the scrape between
    }

    [GeneratedRegex(@"^dotnet_gc_allocated_bytes_total (\d+)$", RegexOptions.Multiline)]
    private static partial Regex AllocatedBytesLine();

    [GeneratedRegex(@"^tessera_http_requests_total (\d+)$", RegexOptions.Multiline)]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"^tessera_db_commands_total\{source=""request""\} (\d+)$", RegexOptions.Multiline)]
    private static partial Regex RequestCommandsLine();
}

public sealed class MetricsTestsOnSqlite(PostgresServer postgres) : MetricsTests(Backend.Sqlite, postgres);
public sealed class MetricsTestsOnPostgres(PostgresServer postgres) : MetricsTests(Backend.Postgres, postgres);
