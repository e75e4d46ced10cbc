using System.Net;
using System.Text.Json;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Profiles;

public abstract class ProfileValidationTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    public static TheoryData<string, string> InvalidAttributes => new()
    {
        { """{"email": "not-an-email"}""", "email" },
        { """{"email": "a@b"}""", "email" },
        { """{"email": 42}""", "email" },
        { """{"email": "a b@example.com"}""", "email" },
        { """{"phone": "5555550100"}""", "phone" },
        { """{"phone": "+0 555 555 0100"}""", "phone" },
        { """{"phone": "+1 555 CALL NOW"}""", "phone" },
        { """{"phone": "+1234567"}""", "phone" },
        { """{"phone": "+1234567890123456"}""", "phone" },
        { """{"phone": true}""", "phone" },
        { """{"dateOfBirth": "1990-02-30"}""", "dateOfBirth" },
        { """{"dateOfBirth": "12/09/1906"}""", "dateOfBirth" },
        { """{"dateOfBirth": "2999-01-01"}""", "dateOfBirth" },
        { """{"dateOfBirth": "1800-01-01"}""", "dateOfBirth" },
        { """{"names": "Ada Lovelace"}""", "names" },
        { """{"names": {"first": 7}}""", "names.first" },
        { """{"address": {"countryCode": "USA"}}""", "address.countryCode" },
        { """{"address": {"postalCode": "123456789012345678901"}}""", "address.postalCode" },
        { """{"address": []}""", "address" },
        { """{"metadata": "gold"}""", "metadata" },
        { """{"metadata": [1, 2]}""", "metadata" },
        { """{"name": {"first": "Ada"}}""", "name" },
        { """{"uuid": "not-a-uuid"}""", "uuid" },
        { """{"userId": "Robert'); DROP TABLE profiles;--"}""", "userId" },
        { """{"userId": 12}""", "userId" },
    };

    [Theory]
    [MemberData(nameof(InvalidAttributes))]
    public async Task EachInvalidAttributeGets422KeyedByTheFieldAndChangesNothing(string body, string field)
    {
        var response = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, rawBody: body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = await response.JsonAsync();
        Assert.True(errors.TryGetProperty(field, out var messages), $"expected an error on {field}: {errors}");
        Assert.Equal(JsonValueKind.Array, messages.ValueKind);
        Assert.False(string.IsNullOrEmpty(messages[0].GetString()));
        Assert.Equal(0, await Server.WithDbAsync(db => Task.FromResult(db.Profiles.Count())));
        Assert.Equal(0, await Server.WithDbAsync(db => Task.FromResult(db.Sessions.Count())));
    }

    [Fact]
    public async Task MetadataWithMoreThanFiftyKeysIsRefused()
    {
        var metadata = Enumerable.Range(0, 51).ToDictionary(i => $"k{i}", i => (object)i);
        var response = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { metadata });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.True((await response.JsonAsync()).TryGetProperty("metadata", out _));

        var fifty = Enumerable.Range(0, 50).ToDictionary(i => $"k{i}", i => (object)i);
        Assert.Equal(HttpStatusCode.Created, (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { metadata = fifty })).StatusCode);
    }

    [Fact]
    public async Task EveryProblemOfABodyIsReportedAtOnce()
    {
        var response = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { email = "x", phone = "1", dateOfBirth = "x" });
        var errors = await response.JsonAsync();
        Assert.Equal(3, errors.EnumerateObject().Count());
    }

    [Fact]
    public async Task PhoneFormatsOfOneNumberAreOneIdentifier()
    {
        var first = await Server.SendAsync(HttpMethod.Post, "/v1/profiles", ApiSecret, new { phone = "+1 (555) 555-0100" });
        Assert.Equal("+15555550100", (await first.JsonAsync()).Str("phone"));
        foreach (var same in new[] { "+15555550100", "+1 555.555.0100" })
        {
            var conflict = await Server.SendAsync(HttpMethod.Post, "/v1/profiles", ApiSecret, new { phone = same });
            Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        }
    }

    [Fact]
    public async Task AnEmailHeldByAnotherProfileGets409AndTheTokenIsNotIssued()
    {
        await Server.SendAsync(HttpMethod.Post, "/v1/profiles", ApiSecret, new { email = "taken@example.com" });
        var other = await (await Server.SendAsync(HttpMethod.Post, "/v1/profiles", ApiSecret, new { })).JsonAsync();

        var response = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { userId = other.Str("id"), email = "Taken@Example.com" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var error = await response.JsonAsync();
        Assert.Contains("email", error.Str("message"));
        Assert.False(string.IsNullOrEmpty(error.Str("instruction")));
        Assert.Equal(0, await Server.WithDbAsync(db => Task.FromResult(db.Sessions.Count())));
    }

    [Fact]
    public async Task MalformedJsonGets400WithTheErrorBody()
    {
        foreach (var body in new[] { "{\"email\":", "not json", "{\"a\":1}}", "[1,2]", "\"text\"", "{\"a\": NaN}" })
        {
            var response = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, rawBody: body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var error = await response.JsonAsync();
            Assert.False(string.IsNullOrEmpty(error.Str("message")));
            Assert.False(string.IsNullOrEmpty(error.Str("instruction")));
        }
    }

    [Fact]
    public async Task AWrongContentTypeGets415()
    {
        var response = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, rawBody: "email=a@example.com", contentType: "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("Unsupported content type", (await response.JsonAsync()).Str("message"));
    }

    [Fact]
    public async Task ABodyOver64KiBGets413AndNoProfile()
    {
        var huge = "{\"name\": \"" + new string('a', 70_000) + "\"}";
        var response = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, rawBody: huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("Request body too large", (await response.JsonAsync()).Str("message"));
        Assert.Equal(0, await Server.WithDbAsync(db => Task.FromResult(db.Profiles.Count())));
    }

    [Fact]
    public async Task DeeplyNestedJsonIsRefusedWithoutAnError()
    {
        var nested = "{\"metadata\":" + string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200) + "}";
        var response = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, rawBody: nested);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task AnEmptyBodyIssuesATokenForANewProfile()
    {
        var response = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task UnknownRoutesAndMethodsGetTheErrorBody()
    {
        var missing = await Server.SendAsync(HttpMethod.Get, "/v1/nothing-here", ApiSecret);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("Not found", (await missing.JsonAsync()).Str("message"));

        var wrongMethod = await Server.SendAsync(HttpMethod.Put, "/v1/users/sessions", ApiSecret, new { });
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal("Method not allowed", (await wrongMethod.JsonAsync()).Str("message"));
    }

    [Fact]
    public async Task GarbageApiKeysGet401()
    {
        foreach (var secret in new[] { "x", "tsk_" + new string('a', 43), new string('z', 500), "tsk_\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9" })
        {
            var response = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", secret, new { });
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Not Authenticated", (await response.JsonAsync()).Str("message"));
        }
    }
}

public sealed class ProfileValidationTestsOnSqlite(PostgresServer postgres) : ProfileValidationTests(Backend.Sqlite, postgres);
public sealed class ProfileValidationTestsOnPostgres(PostgresServer postgres) : ProfileValidationTests(Backend.Postgres, postgres);
