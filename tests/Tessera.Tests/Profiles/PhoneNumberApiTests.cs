using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Clients;
using Tessera.Environments;
using Tessera.Profiles;
using Tessera.Tests.Infrastructure;
using Tessera.Tests.Passcodes;
using Xunit;

namespace Tessera.Tests.Profiles;

/// <summary>
/// The phone rule (<see cref="PhoneNumberRule"/>) through the endpoints that take a phone: strict outside SANDBOX,
/// fictional numbers in SANDBOX, the default region, and profiles stored before the rule.
/// </summary>
public abstract class PhoneNumberApiTests(Backend backend, PostgresServer postgres) : PasswordlessTestBase(backend, postgres)
{
    private const string FixedLine = "+44 20 7946 0000";
    private const string FixedLineRefusal = "is a fixed-line number, which cannot receive SMS passcodes; use a mobile number";

    [Theory]
    [InlineData("+10000000000", "must be a valid phone number in E.164 format, e.g. +12015550123")]
    [InlineData("+1 (555) 555-0100", "must be a valid phone number in E.164 format, e.g. +12015550123")]
    [InlineData(FixedLine, FixedLineRefusal)]
    [InlineData("+1 800 234 5678", "is a toll-free number, which cannot receive SMS passcodes; use a mobile number")]
    [InlineData("2015550123", "must include the country code in E.164 format, e.g. +12015550123")]
    public async Task AServerSideSessionWithAPhoneProductionRefusesGets422OnPhone(string phone, string message)
    {
        var (_, secret, _) = await Server.CreateEnvironmentAsync(mode: EnvironmentMode.Production);

        var response = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", secret, new { phone });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        AssertOnlyPhoneError(message, await response.JsonAsync());
        Assert.Equal(0, await CountAsync(db => db.Profiles));
    }

    [Fact]
    public async Task ASandboxIssuesASessionForAFictionalNumberAndProductionForARealOne()
    {
        var sandbox = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { phone = "+1 (555) 555-0100" });
        Assert.Equal(HttpStatusCode.Created, sandbox.StatusCode);
        Assert.Equal("+15555550100", (await ProfileOfAsync(sandbox)).Phone);

        var (_, secret, _) = await Server.CreateEnvironmentAsync(mode: EnvironmentMode.Production);
        var production = await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", secret, new { phone = "+1 (201) 555-0123" });
        Assert.Equal(HttpStatusCode.Created, production.StatusCode);
        Assert.Equal("+12015550123", (await ProfileOfAsync(production)).Phone);
    }

    [Fact]
    public async Task ProfilesAndTheDataApiApplyTheSameRule()
    {
        var (_, secret, _) = await Server.CreateEnvironmentAsync(mode: EnvironmentMode.Production);
        var created = await Server.SendAsync(HttpMethod.Post, "/v1/profiles", secret, new { phone = "+1 555 555 0100" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, created.StatusCode);
        Assert.True((await created.JsonAsync()).TryGetProperty("phone", out _));

        var profile = await (await Server.SendAsync(HttpMethod.Post, "/v1/profiles", secret, new { })).JsonAsync();
        var patched = await Server.SendAsync(HttpMethod.Patch, $"/v1/profiles/{profile.Str("id")}", secret, new { phone = FixedLine });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, patched.StatusCode);
        Assert.Equal(FixedLineRefusal, (await patched.JsonAsync()).GetProperty("phone")[0].GetString());

        const string mutation = "mutation($input: ProfileUpdateInput!) { profileUpdate(input: $input) { success errors { message path } record { phone } } }";
        var basic = $"{profile.Str("id")}:{secret}";
        var refused = await (await GraphQLAsync(mutation, new { input = new { phone = "+1 555 555 0100" } }, basic: basic)).JsonAsync();
        var payload = refused.GetProperty("data").GetProperty("profileUpdate");
        Assert.False(payload.GetProperty("success").GetBoolean());
        Assert.Equal("phone", payload.GetProperty("errors")[0].GetProperty("path")[0].GetString());

        var accepted = await (await GraphQLAsync(mutation, new { input = new { phone = "+44 7400 123456" } }, basic: basic)).JsonAsync();
        Assert.Equal("+447400123456", accepted.GetProperty("data").GetProperty("profileUpdate").GetProperty("record").Str("phone"));

        // In a SANDBOX the data API takes a fictional number too.
        var sandboxProfile = await (await Server.SendAsync(HttpMethod.Post, "/v1/profiles", ApiSecret, new { })).JsonAsync();
        var sandbox = await (await GraphQLAsync(mutation, new { input = new { phone = "+1 555 555 0100" } }, basic: $"{sandboxProfile.Str("id")}:{ApiSecret}")).JsonAsync();
        Assert.Equal("+15555550100", sandbox.GetProperty("data").GetProperty("profileUpdate").GetProperty("record").Str("phone"));
    }

    [Fact]
    public async Task PasswordlessIdentifyBySmsWithAFixedLineOrAFictionalNumberIsRefusedOutsideASandbox()
    {
        var (production, _, _) = await Server.CreateEnvironmentAsync(mode: EnvironmentMode.Production);
        var client = await CreateClientAsync(AuthStrategy.Phone, production.Id);

        foreach (var (phone, message) in new[] { (FixedLine, FixedLineRefusal), ("+1 555 555 0100", "must be a valid phone number in E.164 format, e.g. +12015550123") })
        {
            var response = await PostSessionAsync(new { session = new { clientId = client.Id, phone } });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            AssertOnlyPhoneError(message, await response.JsonAsync());
        }
        Assert.Equal(0, await CountAsync(db => db.OutboxMessages));
        Assert.Equal(0, await CountAsync(db => db.Profiles));
    }

    [Fact]
    public async Task PasswordlessSignInBySmsInASandboxWorksWithAFictionalNumber()
    {
        var client = await CreateClientAsync(AuthStrategy.Phone);
        var signUp = await PostSessionAsync(new { session = new { clientId = client.Id, phone = "+1 (555) 555-0142" } });
        Assert.Equal(HttpStatusCode.Created, signUp.StatusCode);

        Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Accepted, (await PostSessionAsync(new { session = new { clientId = client.Id, phone = "+1 555.555.0142" } })).StatusCode);
        var code = await LatestPasscodeAsync("+15555550142");
        var signIn = await PutSessionAsync(new { session = new { clientId = client.Id, phone = "+15555550142", passcode = code } });
        Assert.Equal(HttpStatusCode.Created, signIn.StatusCode);
        Assert.Equal((await signUp.JsonAsync()).Str("userId"), (await signIn.JsonAsync()).Str("userId"));
    }

    [Fact]
    public async Task APhoneStoredByTheOldRuleIsFoundWhenTypedInAnotherFormat()
    {
        // DEVELOPMENT: strict like production, and its messages are captured so the test can read the passcode.
        var (development, secret, _) = await Server.CreateEnvironmentAsync(mode: EnvironmentMode.Development);
        var client = await CreateClientAsync(AuthStrategy.Phone, development.Id);
        // What the rule before libphonenumber stored: "+" and the digits typed, written here as a row, not through the API.
        var stored = await Server.WithDbAsync(async db =>
        {
            var profile = ProfileStore.New(development.Id, null, Clock.GetUtcNow().UtcDateTime);
            profile.Phone = "+12015550199";
            db.Profiles.Add(profile);
            await db.SaveChangesAsync();
            return profile.Id;
        });

        Assert.Equal(HttpStatusCode.Accepted, (await PostSessionAsync(new { session = new { clientId = client.Id, phone = "+1 (201) 555-0199" } })).StatusCode);
        var code = await LatestPasscodeAsync("+12015550199");
        var signIn = await PutSessionAsync(new { session = new { clientId = client.Id, phone = "+1 201.555.0199", passcode = code } });
        Assert.Equal(HttpStatusCode.Created, signIn.StatusCode);
        Assert.Equal(stored, (await signIn.JsonAsync()).Str("userId"));

        var conflict = await Server.SendAsync(HttpMethod.Post, "/v1/profiles", secret, new { phone = "+1 201 555 0199" });
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal(1, await CountAsync(db => db.Profiles));
    }

    [Fact]
    public async Task TheDefaultRegionReadsNumbersWithoutACountryCode()
    {
        await using var us = await TesseraInstance.StartAsync(Provider, ConnectionString, Clock, new Dictionary<string, string?> { ["Phone:DefaultRegion"] = "us" });
        var (_, secret, _) = await us.CreateEnvironmentAsync(mode: EnvironmentMode.Production);

        var local = await us.SendAsync(HttpMethod.Post, "/v1/profiles", secret, new { phone = "(201) 555-0124" });
        Assert.Equal(HttpStatusCode.Created, local.StatusCode);
        Assert.Equal("+12015550124", (await local.JsonAsync()).Str("phone"));
        var international = await us.SendAsync(HttpMethod.Post, "/v1/profiles", secret, new { phone = "011 44 7400 123456" });
        Assert.Equal("+447400123456", (await international.JsonAsync()).Str("phone"));

        // Without the setting (this suite's server), the same number is refused for its missing country code.
        var (_, strictSecret, _) = await Server.CreateEnvironmentAsync(mode: EnvironmentMode.Production);
        var refused = await Server.SendAsync(HttpMethod.Post, "/v1/profiles", strictSecret, new { phone = "(201) 555-0124" });
        Assert.Equal("must include the country code in E.164 format, e.g. +12015550123", (await refused.JsonAsync()).GetProperty("phone")[0].GetString());
    }

    [Fact]
    public async Task AnUnknownDefaultRegionStopsTheServerAtStart()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TesseraInstance.StartAsync(Provider, ConnectionString, Clock, new Dictionary<string, string?> { ["Phone:DefaultRegion"] = "USA" }));
        Assert.Contains("Phone:DefaultRegion", error.Message);
    }

    /// <summary>Quiltt's 422 body: <c>{"phone": ["message"]}</c> and nothing else.</summary>
    private static void AssertOnlyPhoneError(string message, JsonElement body)
    {
        var field = Assert.Single(body.EnumerateObject());
        Assert.Equal("phone", field.Name);
        Assert.Equal([message], field.Value.EnumerateArray().Select(m => m.GetString()));
    }

    private async Task<Profile> ProfileOfAsync(HttpResponseMessage session)
    {
        var userId = (await session.JsonAsync()).Str("userId");
        return await Server.WithDbAsync(db => db.Profiles.AsNoTracking().SingleAsync(p => p.Id == userId));
    }
}

public sealed class PhoneNumberApiTestsOnSqlite(PostgresServer postgres) : PhoneNumberApiTests(Backend.Sqlite, postgres);
public sealed class PhoneNumberApiTestsOnPostgres(PostgresServer postgres) : PhoneNumberApiTests(Backend.Postgres, postgres);
