using System.Net;
using System.Text.Json;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Http;

/// <summary>
/// GET /v1/profiles (and every list endpoint) pages as Quiltt's REST API does: a bare JSON array, <c>page</c> and <c>limit</c> (or <c>items</c>)
/// in, <c>Current-Page</c>, <c>Page-Items</c>, <c>Total-Count</c> and <c>Total-Pages</c> out; bad values are a 400
/// with the error body.
/// </summary>
public abstract class RestPaginationTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    private async Task CreateProfilesAsync(int count, string? secret = null, string prefix = "P")
    {
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await Server.SendAsync(HttpMethod.Post, "/v1/profiles", secret ?? ApiSecret, new { name = $"{prefix}{i}" })).StatusCode);
            Clock.Advance(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>The names on the page and the four headers, as one line.</summary>
    private async Task<string> ListAsync(string query, string? secret = null)
    {
        var response = await Server.SendAsync(HttpMethod.Get, "/v1/profiles" + query, secret ?? ApiSecret);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(JsonValueKind.Array, body.ValueKind);
        var headers = string.Join(" ", new[] { "Current-Page", "Page-Items", "Total-Count", "Total-Pages" }
            .Select(h => $"{h}={response.Headers.GetValues(h).Single()}"));
        return $"[{string.Join(",", body.EnumerateArray().Select(p => p.Str("name")))}] {headers}";
    }

    [Fact]
    public async Task ProfilesArePagedOldestFirstAsAJsonArrayWithQuilttsPaginationHeaders()
    {
        await CreateProfilesAsync(5);

        Assert.Equal("[P0,P1] Current-Page=1 Page-Items=2 Total-Count=5 Total-Pages=3", await ListAsync("?page=1&limit=2"));
        Assert.Equal("[P2,P3] Current-Page=2 Page-Items=2 Total-Count=5 Total-Pages=3", await ListAsync("?page=2&limit=2"));
        Assert.Equal("[P4] Current-Page=3 Page-Items=2 Total-Count=5 Total-Pages=3", await ListAsync("?page=3&limit=2"));
        // Past the last page: empty, and the headers still tell the whole.
        Assert.Equal("[] Current-Page=4 Page-Items=2 Total-Count=5 Total-Pages=3", await ListAsync("?page=4&limit=2"));
        // A full last page.
        Assert.Equal("[P0,P1,P2,P3,P4] Current-Page=1 Page-Items=5 Total-Count=5 Total-Pages=1", await ListAsync("?limit=5"));
    }

    [Fact]
    public async Task WithoutParametersThePageIsTheFirstOf25AndItemsNamesTheLimitToo()
    {
        await CreateProfilesAsync(3);

        Assert.Equal("[P0,P1,P2] Current-Page=1 Page-Items=25 Total-Count=3 Total-Pages=1", await ListAsync(""));
        Assert.Equal("[P2] Current-Page=2 Page-Items=2 Total-Count=3 Total-Pages=2", await ListAsync("?page=2&items=2"));
        Assert.Equal("[P0,P1] Current-Page=1 Page-Items=2 Total-Count=3 Total-Pages=2", await ListAsync("?limit=2&items=2"));
    }

    [Fact]
    public async Task ALimitAboveOneHundredIsServedAsOneHundredAndSaysSo()
    {
        await CreateProfilesAsync(2);
        Assert.Equal("[P0,P1] Current-Page=1 Page-Items=100 Total-Count=2 Total-Pages=1", await ListAsync("?limit=101"));
        Assert.Equal("[P0,P1] Current-Page=1 Page-Items=100 Total-Count=2 Total-Pages=1", await ListAsync("?items=5000"));
    }

    [Fact]
    public async Task AnEmptyEnvironmentHasOneEmptyPage() =>
        Assert.Equal("[] Current-Page=1 Page-Items=25 Total-Count=0 Total-Pages=1", await ListAsync(""));

    [Theory]
    [InlineData("page=0")]
    [InlineData("page=-1")]
    [InlineData("page=abc")]
    [InlineData("page=")]
    [InlineData("page=1.5")]
    [InlineData("page=%2B2")]
    [InlineData("page=21474837")]
    [InlineData("page=1&page=2")]
    [InlineData("limit=0")]
    [InlineData("limit=-5")]
    [InlineData("limit=abc")]
    [InlineData("limit=99999999999")]
    [InlineData("items=0")]
    [InlineData("limit=2&items=3")]
    public async Task ABadPageOrLimitIsA400WithTheErrorBody(string query)
    {
        var response = await Server.SendAsync(HttpMethod.Get, "/v1/profiles?" + query, ApiSecret);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.JsonAsync();
        Assert.Equal("Bad Request", body.Str("message"));
        Assert.False(string.IsNullOrWhiteSpace(body.Str("instruction")));
        Assert.False(response.Headers.Contains("Total-Count"));
    }

    [Fact]
    public async Task TheHighestPageIsServedEmptyNotRefused()
    {
        await CreateProfilesAsync(1);
        Assert.Equal("[] Current-Page=21474836 Page-Items=100 Total-Count=1 Total-Pages=1", await ListAsync("?page=21474836&limit=100"));
    }

    [Fact]
    public async Task AnotherEnvironmentsProfilesAreNeitherListedNorCounted()
    {
        var (_, otherSecret, _) = await Server.CreateEnvironmentAsync();
        await CreateProfilesAsync(4, otherSecret, prefix: "Theirs");
        await CreateProfilesAsync(3);

        // A short first page (its own total), a full page (counted), a page past the end (counted).
        Assert.Equal("[P0,P1,P2] Current-Page=1 Page-Items=25 Total-Count=3 Total-Pages=1", await ListAsync(""));
        Assert.Equal("[P1] Current-Page=2 Page-Items=1 Total-Count=3 Total-Pages=3", await ListAsync("?page=2&limit=1"));
        Assert.Equal("[] Current-Page=9 Page-Items=1 Total-Count=3 Total-Pages=3", await ListAsync("?page=9&limit=1"));
        Assert.Equal("[Theirs3] Current-Page=4 Page-Items=1 Total-Count=4 Total-Pages=4", await ListAsync("?page=4&limit=1", otherSecret));
    }

    [Fact]
    public async Task WebhookSubscriptionsPageTheSameWay()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await Server.SendAsync(HttpMethod.Post, "/v1/webhooks/subscriptions", ApiSecret,
                new { name = $"W{i}", targetUrl = "https://93.184.216.34/quiltt", eventTypes = new[] { "profile" } })).StatusCode);
            Clock.Advance(TimeSpan.FromSeconds(1));
        }
        var response = await Server.SendAsync(HttpMethod.Get, "/v1/webhooks/subscriptions?page=2&limit=2", ApiSecret);
        var body = await response.JsonAsync();
        Assert.Equal("W2", Assert.Single(body.EnumerateArray()).Str("name"));
        Assert.Equal(["2", "2", "3", "2"], new[] { "Current-Page", "Page-Items", "Total-Count", "Total-Pages" }.Select(h => response.Headers.GetValues(h).Single()));
        Assert.Equal(HttpStatusCode.BadRequest, (await Server.SendAsync(HttpMethod.Get, "/v1/webhooks/subscriptions?limit=0", ApiSecret)).StatusCode);
    }

    [Fact]
    public async Task ListingNeedsTheApiKey()
    {
        var response = await Server.SendAsync(HttpMethod.Get, "/v1/profiles");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Not Authenticated", (await response.JsonAsync()).Str("message"));
    }
}

public sealed class RestPaginationTestsOnSqlite(PostgresServer postgres) : RestPaginationTests(Backend.Sqlite, postgres);
public sealed class RestPaginationTestsOnPostgres(PostgresServer postgres) : RestPaginationTests(Backend.Postgres, postgres);
