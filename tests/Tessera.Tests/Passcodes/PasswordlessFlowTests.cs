using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Clients;
using Tessera.Environments;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Passcodes;

public abstract class PasswordlessFlowTests(Backend backend, PostgresServer postgres) : PasswordlessTestBase(backend, postgres)
{
    [Fact]
    public async Task IdentifyReturns201WithTheTokenInTheBodyAndTheHeaderForANewEmail()
    {
        var client = await CreateClientAsync(AuthStrategy.Email);
        var response = await PostSessionAsync(new { session = new { clientId = client.Id, email = "New.User@Example.com" } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("Bearer " + body.Str("token"), response.Headers.GetValues("Authorization").Single());
        Assert.StartsWith("p_", body.Str("userId"));
        var profile = await Server.WithDbAsync(db => db.Profiles.SingleAsync(p => p.Id == body.Str("userId")));
        Assert.Equal("new.user@example.com", profile.Email);
        Assert.Null(profile.EmailVerifiedAt);
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", body.Str("token"))).StatusCode);
    }

    [Theory]
    [InlineData("clientId")]
    [InlineData("deploymentId")]
    [InlineData("appId")]
    [InlineData("app_id")]
    public async Task EveryClientIdSpellingAndABareBodyAreAccepted(string spelling)
    {
        var client = await CreateClientAsync(AuthStrategy.Email);
        var bare = new Dictionary<string, string> { [spelling] = client.Id, ["email"] = $"{spelling}@example.com" };
        Assert.Equal(HttpStatusCode.Created, (await PostSessionAsync(bare)).StatusCode);
    }

    [Fact]
    public async Task IdentifyReturns202AndSendsAPasscodeForAnExistingProfileThenAuthenticateReturns201()
    {
        var client = await CreateClientAsync(AuthStrategy.Email);
        await PostSessionAsync(new { session = new { clientId = client.Id, email = "ada@example.com" } });
        Clock.Advance(TimeSpan.FromMinutes(1));

        var identify = await PostSessionAsync(new { session = new { clientId = client.Id, email = "ADA@example.com" } });
        Assert.Equal(HttpStatusCode.Accepted, identify.StatusCode);
        Assert.Equal(JsonValueKind.Object, (await identify.JsonAsync()).ValueKind);
        var code = await LatestPasscodeAsync("ada@example.com");
        Assert.Matches("^[0-9]{6}$", code);

        var authenticate = await PutSessionAsync(new { session = new { clientId = client.Id, email = "ada@example.com", passcode = code } });
        Assert.Equal(HttpStatusCode.Created, authenticate.StatusCode);
        var body = await authenticate.JsonAsync();
        Assert.Equal("Bearer " + body.Str("token"), authenticate.Headers.GetValues("Authorization").Single());
        var claims = JsonDocument.Parse(Convert.FromBase64String(body.Str("token").Split('.')[1].PadRight((body.Str("token").Split('.')[1].Length + 3) / 4 * 4, '='))).RootElement;
        Assert.Equal(client.Id, claims.Str("cid"));
        Assert.Equal(client.Id, claims.Str("did"));
    }

    [Fact]
    public async Task PostWithAPasscodeAuthenticatesToo()
    {
        var client = await CreateClientAsync(AuthStrategy.Phone);
        await PostSessionAsync(new { session = new { clientId = client.Id, phone = "+1 (555) 555-0100" } });
        Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Accepted, (await PostSessionAsync(new { session = new { clientId = client.Id, phone = "+1 555.555.0100" } })).StatusCode);
        var code = await LatestPasscodeAsync("+15555550100");

        var response = await PostSessionAsync(new { session = new { clientId = client.Id, phone = "+15555550100", passcode = code } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task BadRequestsGetTheDocumentedStatuses()
    {
        var email = await CreateClientAsync(AuthStrategy.Email);
        var phone = await CreateClientAsync(AuthStrategy.Phone);

        var unknown = await PostSessionAsync(new { session = new { clientId = "cl_nope", email = "a@example.com" } });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("Client not found", (await unknown.JsonAsync()).Str("message"));

        async Task Assert422(object body, string field)
        {
            var response = await PostSessionAsync(body);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.True((await response.JsonAsync()).TryGetProperty(field, out _), $"422 should name {field}");
        }
        await Assert422(new { session = new { email = "a@example.com" } }, "clientId");
        await Assert422(new { session = new { clientId = email.Id, phone = "+15555550100" } }, "phone");
        await Assert422(new { session = new { clientId = email.Id, email = "not an email" } }, "email");
        await Assert422(new { session = new { clientId = email.Id } }, "email");
        await Assert422(new { session = new { clientId = phone.Id, email = "a@example.com" } }, "email");
        await Assert422(new { session = new { clientId = phone.Id, phone = "555 555 0100" } }, "phone");
        await Assert422(new { session = new { clientId = phone.Id, phone = "+1 555 555 0100", email = "a@example.com" } }, "email");
        await Assert422(new { session = new { clientId = email.Id, email = 5 } }, "email");

        var put = await PutSessionAsync(new { session = new { clientId = email.Id, email = "a@example.com" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, put.StatusCode);
        Assert.Equal(0, await CountAsync(db => db.Profiles));
    }

    [Fact]
    public async Task UnknownIdentifiersGet403WhenSignupsAreOff()
    {
        var client = await CreateClientAsync(AuthStrategy.Email, signups: false);
        var response = await PostSessionAsync(new { session = new { clientId = client.Id, email = "stranger@example.com" } });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, await CountAsync(db => db.Profiles));
    }

    [Fact]
    public async Task WithVerifyNewProfilesANewIdentifierGetsAPasscodeAndTheProfileIsCreatedVerifiedAtAuthenticate()
    {
        var client = await CreateClientAsync(AuthStrategy.Email, verifyNewProfiles: true);
        Assert.Equal(HttpStatusCode.Accepted, (await PostSessionAsync(new { session = new { clientId = client.Id, email = "careful@example.com" } })).StatusCode);
        Assert.Equal(0, await CountAsync(db => db.Profiles));

        var response = await PutSessionAsync(new { session = new { clientId = client.Id, email = "careful@example.com", passcode = await LatestPasscodeAsync("careful@example.com") } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var profile = await Server.WithDbAsync(db => db.Profiles.SingleAsync());
        Assert.Equal("careful@example.com", profile.Email);
        Assert.NotNull(profile.EmailVerifiedAt);
    }

    [Fact]
    public async Task TheFirstPasscodeSignInVerifiesTheProfileAndRevokesSessionsIssuedBefore()
    {
        var client = await CreateClientAsync(AuthStrategy.Email);
        // Someone signs up with victim@… without proving it, and keeps that token.
        var squatter = (await (await PostSessionAsync(new { session = new { clientId = client.Id, email = "victim@example.com" } })).JsonAsync()).Str("token");
        Clock.Advance(TimeSpan.FromMinutes(1));

        await PostSessionAsync(new { session = new { clientId = client.Id, email = "victim@example.com" } });
        var owner = await PutSessionAsync(new { session = new { clientId = client.Id, email = "victim@example.com", passcode = await LatestPasscodeAsync("victim@example.com") } });
        Assert.Equal(HttpStatusCode.Created, owner.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", squatter)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", (await owner.JsonAsync()).Str("token"))).StatusCode);
        Assert.NotNull((await Server.WithDbAsync(db => db.Profiles.SingleAsync())).EmailVerifiedAt);

        // Later sign-ins do not revoke anything.
        Clock.Advance(TimeSpan.FromMinutes(1));
        var ownerToken = (await owner.JsonAsync()).Str("token");
        await PostSessionAsync(new { session = new { clientId = client.Id, email = "victim@example.com" } });
        Assert.Equal(HttpStatusCode.Created, (await PutSessionAsync(new { session = new { clientId = client.Id, email = "victim@example.com", passcode = await LatestPasscodeAsync("victim@example.com") } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", ownerToken)).StatusCode);
    }

    [Fact]
    public async Task SandboxAcceptsTheFixedCodeAndOtherModesNever()
    {
        var sandboxClient = await CreateClientAsync(AuthStrategy.Email);
        await PostSessionAsync(new { session = new { clientId = sandboxClient.Id, email = "s@example.com" } });
        Assert.Equal(HttpStatusCode.Created, (await PutSessionAsync(new { session = new { clientId = sandboxClient.Id, email = "s@example.com", passcode = "000000" } })).StatusCode);

        var (development, _, _) = await Server.CreateEnvironmentAsync(mode: EnvironmentMode.Development);
        var devClient = await CreateClientAsync(AuthStrategy.Email, development.Id);
        await PostSessionAsync(new { session = new { clientId = devClient.Id, email = "d@example.com" } });
        Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Accepted, (await PostSessionAsync(new { session = new { clientId = devClient.Id, email = "d@example.com" } })).StatusCode);
        var refused = await PutSessionAsync(new { session = new { clientId = devClient.Id, email = "d@example.com", passcode = "000000" } });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Not Authenticated", (await refused.JsonAsync()).Str("message"));
    }

    [Fact]
    public async Task PasscodesAreStoredOnlyAsKeyedHashesAndMessagesEncrypted()
    {
        var client = await CreateClientAsync(AuthStrategy.Email, verifyNewProfiles: true);
        await PostSessionAsync(new { session = new { clientId = client.Id, email = "hash@example.com" } });
        var code = await LatestPasscodeAsync("hash@example.com");

        var challenge = await Server.WithDbAsync(db => db.PasscodeChallenges.SingleAsync());
        Assert.Equal(32, challenge.CodeHash.Length);
        Assert.DoesNotContain(code, System.Text.Encoding.ASCII.GetString(challenge.CodeHash));
        Assert.NotEqual(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(code)), challenge.CodeHash);
        var message = await Server.WithDbAsync(db => db.OutboxMessages.SingleAsync());
        Assert.DoesNotContain(code, System.Text.Encoding.UTF8.GetString(message.ProtectedContent!));
        Assert.DoesNotContain("sign-in code", System.Text.Encoding.UTF8.GetString(message.ProtectedContent!));
    }

    [Fact]
    public async Task BrowsersArePreflightedAndProductionClientsOnlyAcceptTheirOrigins()
    {
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/users/session");
        preflight.Headers.Add("Origin", "https://app.example.com");
        preflight.Headers.Add("Access-Control-Request-Method", "PUT");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type,quiltt-sdk-agent");
        var answer = await Server.Http.SendAsync(preflight, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal("https://app.example.com", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("PUT", answer.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Contains("quiltt-sdk-agent", answer.Headers.GetValues("Access-Control-Allow-Headers").Single());

        var (production, _, _) = await Server.CreateEnvironmentAsync(mode: EnvironmentMode.Production);
        var client = await CreateClientAsync(AuthStrategy.Email, production.Id, allowedOrigins: "https://app.example.com");
        var foreign = await PostSessionAsync(new { session = new { clientId = client.Id, email = "o@example.com" } }, headers: new Dictionary<string, string> { ["Origin"] = "https://evil.example" });
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        var own = await PostSessionAsync(new { session = new { clientId = client.Id, email = "o@example.com" } }, headers: new Dictionary<string, string> { ["Origin"] = "https://app.example.com" });
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        Assert.Equal("https://app.example.com", own.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("Authorization", own.Headers.GetValues("Access-Control-Expose-Headers").Single());

        var sandboxClient = await CreateClientAsync(AuthStrategy.Email);
        var anywhere = await PostSessionAsync(new { session = new { clientId = sandboxClient.Id, email = "o@example.com" } }, headers: new Dictionary<string, string> { ["Origin"] = "http://localhost:3000" });
        Assert.Equal(HttpStatusCode.Created, anywhere.StatusCode);
    }
}

public sealed class PasswordlessFlowTestsOnSqlite(PostgresServer postgres) : PasswordlessFlowTests(Backend.Sqlite, postgres);
public sealed class PasswordlessFlowTestsOnPostgres(PostgresServer postgres) : PasswordlessFlowTests(Backend.Postgres, postgres);
