using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.DataApi;

/// <summary>
/// Errors a client reads say what it did wrong, never what the server runs on: malformed cursors and oversized
/// metadata filters are GraphQL errors of their own, and any other exception is masked with an errorId that is logged.
/// </summary>
public abstract class GraphQLErrorMaskingTests(Backend backend, PostgresServer postgres) : GraphQLTestBase(backend, postgres)
{
    private static readonly string[] Leaks = ["Exception", "Parameter", "dayNumber", "SQLite", "Npgsql", "   at ", "Tessera.", "System."];

    private static void AssertNoLeak(JsonElement body)
    {
        var text = body.ToString();
        foreach (var leak in Leaks) Assert.DoesNotContain(leak, text);
    }

    private static string Base64Url(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static TheoryData<string> ForgedCursors() =>
    [
        "not base64 at all!",
        "",
        Base64Url("junk"),
        Base64Url("\u0001\u0002\u0003"),
        Base64Url("1:99999999999:txn_x"), // a day number far past DateOnly.MaxValue
        Base64Url("1:3652059:txn_x"), // one past DateOnly.MaxValue
        Base64Url("1:2147483648:txn_x"), // past int
        Base64Url("1:-1:txn_x"),
        Base64Url("1:740000"), // two parts
        Base64Url("1"), // one part
        Base64Url("0:740000:txn_x"), // another sort's
        Base64Url("1:740000:" + new string('x', 65)),
        new string('A', 10_000),
    ];

    [Theory]
    [MemberData(nameof(ForgedCursors))]
    public async Task AForgedCursorGetsAnInvalidCursorErrorAndNoExceptionText(string cursor)
    {
        var seeded = await SeedProfileAsync(3);
        foreach (var query in new[]
        {
            "query($c: String) { transactions(first: 2, after: $c) { nodes { id } } }",
            "query($c: String) { transactions(last: 2, before: $c) { nodes { id } } }",
            "query($c: String, $a: ID!) { account(id: $a) { transactions(first: 2, after: $c) { nodes { id } } } }",
        })
        {
            var body = await (await PostGraphQLAsync(new { query, variables = new { c = cursor, a = seeded.AccountIds[0] } }, seeded.Token)).JsonAsync();
            var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
            Assert.StartsWith("Invalid cursor", error.Str("message"));
            Assert.Equal("INVALID_CURSOR", error.GetProperty("extensions").Str("code"));
            AssertNoLeak(body);
        }
    }

    [Fact]
    public async Task AGenuineCursorStillWalksThePages()
    {
        var seeded = await SeedProfileAsync(5);
        var first = await QueryAsync(seeded.Token, "{ transactions(first: 2) { pageInfo { endCursor } } }");
        var next = await QueryAsync(seeded.Token, "query($c: String) { transactions(first: 2, after: $c) { nodes { id } } }",
            new { c = first.GetProperty("transactions").GetProperty("pageInfo").Str("endCursor") });
        Assert.Equal(2, next.GetProperty("transactions").GetProperty("nodes").GetArrayLength());
    }

    [Fact]
    public async Task AMetadataFilterHoldsAtMostFiftyKeys()
    {
        var seeded = await SeedProfileAsync(3);
        const string query = "query($m: JSON) { transactions(filter: { metadata: $m }) { nodes { id } } }";
        static Dictionary<string, object> Keys(int count) => Enumerable.Range(0, count).ToDictionary(i => "k" + i, i => (object)i);

        var fifty = await QueryAsync(seeded.Token, query, new { m = Keys(50) });
        Assert.Equal(0, fifty.GetProperty("transactions").GetProperty("nodes").GetArrayLength());
        // Nested keys count: 49 + an object holding one more key is 51.
        var nested = Keys(49);
        nested["inner"] = new Dictionary<string, object> { ["x"] = 1 };
        foreach (var over in new object[] { Keys(51), nested, Keys(20_000) })
        {
            var body = await (await PostGraphQLAsync(new { query, variables = new { m = over } }, seeded.Token)).JsonAsync();
            var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
            Assert.Contains("at most 50 keys", error.Str("message"));
            AssertNoLeak(body);
        }
    }

    [Fact]
    public async Task AnUnexpectedErrorIsMaskedWithAnErrorIdThatIsLogged()
    {
        var logged = new CapturedLog();
        await using var server = await TesseraInstance.StartAsync(Provider, ConnectionString, Clock, Settings, services => services.AddSingleton<ILoggerProvider>(logged));
        var seeded = await SeedProfileAsync(3);
        // An amount no decimal can hold: the conversion throws .NET's OverflowException inside the resolver.
        var response = await PostGraphQLAsync(new { query = "{ transactions(filter: { amount_gt: 1e300 }) { nodes { id } } }" }, seeded.Token, server: server);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.StartsWith("Internal server error", error.Str("message"));
        Assert.Equal("transactions", error.GetProperty("path")[0].GetString());
        Assert.Equal("INTERNAL_SERVER_ERROR", error.GetProperty("extensions").Str("code"));
        var errorId = Guid.Parse(error.GetProperty("extensions").Str("errorId"));
        AssertNoLeak(body);
        Assert.DoesNotContain("too large", body.ToString(), StringComparison.OrdinalIgnoreCase);

        var entry = Assert.Single(logged.Entries, e => e.Message.Contains(errorId.ToString("D")));
        Assert.IsType<OverflowException>(entry.Exception);
    }

    private sealed class CapturedLog : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<(string Message, Exception? Exception)> Entries { get; } = new();
        public ILogger CreateLogger(string categoryName) => this;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) Entries.Enqueue((formatter(state, exception), exception));
        }
        public void Dispose() { }
    }
}

public sealed class GraphQLErrorMaskingTestsOnSqlite(PostgresServer postgres) : GraphQLErrorMaskingTests(Backend.Sqlite, postgres);
public sealed class GraphQLErrorMaskingTestsOnPostgres(PostgresServer postgres) : GraphQLErrorMaskingTests(Backend.Postgres, postgres);
