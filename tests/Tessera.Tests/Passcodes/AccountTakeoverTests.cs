using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Clients;
using Tessera.Environments;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Passcodes;

/// <summary>
/// The account-takeover paths of the security review, each performed over HTTP as the attacker did. They run in a
/// DEVELOPMENT environment: a SANDBOX accepts its fixed code for any identifier by design.
/// </summary>
public abstract class AccountTakeoverTests(Backend backend, PostgresServer postgres) : PasswordlessTestBase(backend, postgres)
{
    private const string Attacker = "attacker@evil.test";
    private const string Victim = "victim@bank.test";
    private const string AttackerIp = "198.51.100.66";

    private string _environmentId = null!;
    private string _backendSecret = null!;
    private Client _email = null!;
    private Client _phone = null!;

    private async Task DevelopmentEnvironmentAsync()
    {
        var (environment, secret, _) = await Server.CreateEnvironmentAsync("Takeover", EnvironmentMode.Development);
        _environmentId = environment.Id;
        _backendSecret = secret;
        _email = await CreateClientAsync(AuthStrategy.Email, _environmentId);
        _phone = await CreateClientAsync(AuthStrategy.Phone, _environmentId);
    }

    private Task<HttpResponseMessage> IdentifyAsync(Client client, string identifier, string? ip = null) =>
        PostSessionAsync(new { session = Body(client, identifier) }, ip);

    private Task<HttpResponseMessage> AnswerAsync(Client client, string identifier, string passcode, string? ip = null) =>
        PutSessionAsync(new { session = Body(client, identifier, passcode) }, ip);

    private static Dictionary<string, object> Body(Client client, string identifier, string? passcode = null)
    {
        var body = new Dictionary<string, object> { ["clientId"] = client.Id, [client.Strategy == AuthStrategy.Email ? "email" : "phone"] = identifier };
        if (passcode is not null) body["passcode"] = passcode;
        return body;
    }

    /// <summary>identify (the identifier is known: 202), then the code it sent: the session.</summary>
    private async Task<JsonElement> SignInAsync(Client client, string identifier)
    {
        Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(client, identifier)).StatusCode);
        var answer = await AnswerAsync(client, identifier, await LatestPasscodeAsync(identifier));
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        return await answer.JsonAsync();
    }

    private async Task<(string Token, string ProfileId)> SignUpAsync(Client client, string identifier)
    {
        var created = await IdentifyAsync(client, identifier, AttackerIp);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.JsonAsync();
        return (body.Str("token"), body.Str("userId"));
    }

    private async Task<HttpStatusCode> SessionStatusAsync(string token) => (await Server.SendAsync(HttpMethod.Get, "/v1/users/session", token)).StatusCode;

    private Task<Tessera.Profiles.Profile> ProfileAsync(string id) => Server.WithDbAsync(db => db.Profiles.AsNoTracking().SingleAsync(p => p.Id == id));

    private async Task<JsonElement> ProfileUpdateAsync(object input, string? token = null, string? basic = null)
    {
        var response = await GraphQLAsync("mutation($input: ProfileUpdateInput!) { profileUpdate(input: $input) { success errors { message path } record { email phone } } }",
            new { input }, token, basic);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("data").GetProperty("profileUpdate");
    }

    [Fact]
    public async Task AUsersSessionCannotSwapItsEmailForAVictims()
    {
        await DevelopmentEnvironmentAsync();
        var (token, profileId) = await SignUpAsync(_email, Attacker);
        Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Accepted, (await IdentifyAsync(_email, Attacker, AttackerIp)).StatusCode);
        var code = await LatestPasscodeAsync(Attacker);

        foreach (var input in new object[] { new { email = Victim }, new { phone = "+12015550177" }, new { email = Victim, phone = "+12015550177" } })
        {
            var refused = await ProfileUpdateAsync(input, token: token);
            Assert.False(refused.GetProperty("success").GetBoolean());
            Assert.Equal(JsonValueKind.Null, refused.GetProperty("record").ValueKind);
            var paths = refused.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path")[0].GetString()).ToList();
            Assert.Contains(paths, p => p is "email" or "phone");
        }
        // A session may still update what is not a sign-in identifier, and restate its own email.
        Assert.True((await ProfileUpdateAsync(new { email = Attacker, names = new { first = "Eve" } }, token: token)).GetProperty("success").GetBoolean());

        // The passcode proves the attacker's own address, nothing more.
        Assert.Equal(HttpStatusCode.Created, (await AnswerAsync(_email, Attacker, code, AttackerIp)).StatusCode);
        var profile = await ProfileAsync(profileId);
        Assert.Equal(Attacker, profile.Email);
        Assert.Null(profile.Phone);

        // The victim signs up to a profile of its own.
        var (_, victimProfile) = await SignUpAsync(_email, Victim);
        Assert.NotEqual(profileId, victimProfile);
    }

    [Theory]
    [InlineData("rest")]
    [InlineData("graphql")]
    public async Task WhenTheBackendChangesAnEmailTheNewOneIsUnprovenAndTheOldPasscodeProvesNothing(string via)
    {
        await DevelopmentEnvironmentAsync();
        var (token, profileId) = await SignUpAsync(_email, Attacker);
        Clock.Advance(TimeSpan.FromMinutes(1));
        await IdentifyAsync(_email, Attacker, AttackerIp);
        var code = await LatestPasscodeAsync(Attacker);

        // The customer's backend (trusted) moves the profile to another address, as an import or a support agent would.
        if (via == "rest")
            Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Patch, $"/v1/profiles/{profileId}", _backendSecret, new { email = Victim })).StatusCode);
        else
            Assert.True((await ProfileUpdateAsync(new { email = Victim }, basic: $"{profileId}:{_backendSecret}")).GetProperty("success").GetBoolean());

        var profile = await ProfileAsync(profileId);
        Assert.Equal(Victim, profile.Email);
        Assert.Null(profile.EmailVerifiedAt);

        // The code sent to the old address proves neither the old address (no longer this profile's) nor the new one.
        Assert.Equal(HttpStatusCode.Unauthorized, (await AnswerAsync(_email, Attacker, code, AttackerIp)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await AnswerAsync(_email, Victim, code, AttackerIp)).StatusCode);
        Assert.Null((await ProfileAsync(profileId)).EmailVerifiedAt);

        // The owner of the new address proves it: everything issued before is revoked.
        var owner = await SignInAsync(_email, Victim);
        Assert.Equal(profileId, owner.Str("userId"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SessionStatusAsync(token));
        Assert.Equal(HttpStatusCode.OK, await SessionStatusAsync(owner.Str("token")));
        Assert.NotNull((await ProfileAsync(profileId)).EmailVerifiedAt);
    }

    [Fact]
    public async Task AnUnprovenProfileCannotPlantASecondIdentifierToComeBackThrough()
    {
        await DevelopmentEnvironmentAsync();
        const string victim2 = "victim2@bank.test", attackerPhone = "+12015550123";
        // The attacker pre-registers the victim's address (201, unproven) and tries to add its own phone.
        var (squat, profileId) = await SignUpAsync(_email, victim2);
        var planted = await ProfileUpdateAsync(new { phone = attackerPhone }, token: squat);
        Assert.False(planted.GetProperty("success").GetBoolean());
        Assert.Null((await ProfileAsync(profileId)).Phone);

        // Its phone signs up to a profile of its own, not the squatted one.
        var (phoneToken, phoneProfile) = await SignUpAsync(_phone, attackerPhone);
        Assert.NotEqual(profileId, phoneProfile);

        // The victim proves the address: the squatter's session dies, and its phone leads only to its own profile.
        var owner = await SignInAsync(_email, victim2);
        Assert.Equal(profileId, owner.Str("userId"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SessionStatusAsync(squat));
        var back = await SignInAsync(_phone, attackerPhone);
        Assert.Equal(phoneProfile, back.Str("userId"));
        var read = await GraphQLAsync("{ profile { id email } }", token: back.Str("token"));
        var seen = (await read.JsonAsync()).GetProperty("data").GetProperty("profile");
        Assert.Equal(phoneProfile, seen.Str("id"));
        Assert.NotEqual(victim2, seen.GetProperty("email").GetString());
        // (Its sign-up session was revoked by its own phone's first proof, as every first proof does.)
        Assert.Equal(HttpStatusCode.Unauthorized, await SessionStatusAsync(phoneToken));
    }

    [Fact]
    public async Task AUserWhoSignsUpByEmailAndLaterAddsAPhoneKeepsWorking()
    {
        await DevelopmentEnvironmentAsync();
        const string email = "ada@example.com", phone = "+12015550142";
        var (_, profileId) = await SignUpAsync(_email, email);
        var byEmail = await SignInAsync(_email, email);

        // The app's backend adds the phone the user typed; the user proves it with a passcode.
        Assert.Equal(HttpStatusCode.OK, (await Server.SendAsync(HttpMethod.Patch, $"/v1/profiles/{profileId}", _backendSecret, new { phone })).StatusCode);
        Assert.Null((await ProfileAsync(profileId)).PhoneVerifiedAt);
        var byPhone = await SignInAsync(_phone, phone);
        Assert.Equal(profileId, byPhone.Str("userId"));
        Assert.NotNull((await ProfileAsync(profileId)).PhoneVerifiedAt);

        // Proving a new identifier signs other sessions out, as changing a credential does; both identifiers sign in.
        Assert.Equal(HttpStatusCode.Unauthorized, await SessionStatusAsync(byEmail.Str("token")));
        Assert.Equal(HttpStatusCode.OK, await SessionStatusAsync(byPhone.Str("token")));
        Assert.Equal(profileId, (await SignInAsync(_email, email)).Str("userId"));
        Assert.Equal(profileId, (await SignInAsync(_phone, phone)).Str("userId"));
        Assert.Equal(HttpStatusCode.OK, await SessionStatusAsync(byPhone.Str("token")));
    }

    [Fact]
    public async Task WrongAnswersWithNoLiveChallengeCannotLockTheOwnerOut()
    {
        await DevelopmentEnvironmentAsync();
        const string owner = "owner@example.com";
        await SignUpAsync(_email, owner);

        // No passcode out: nothing to guess. Then an expired one: still nothing.
        for (var i = 0; i < 15; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await AnswerAsync(_email, owner, $"{100000 + i}", AttackerIp)).StatusCode);
        Clock.Advance(TimeSpan.FromMinutes(1));
        await IdentifyAsync(_email, owner);
        Clock.Advance(TimeSpan.FromMinutes(11));
        for (var i = 0; i < 15; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await AnswerAsync(_email, owner, $"{200000 + i}", AttackerIp)).StatusCode);

        // The owner's right code still signs in.
        await SignInAsync(_email, owner);
    }

    [Fact]
    public async Task TheBruteForceBoundOnALiveChallengeHolds()
    {
        await DevelopmentEnvironmentAsync();
        const string owner = "bounded@example.com";
        await SignUpAsync(_email, owner);
        // Two challenges of five wrong tries each spend the identifier's hourly budget of ten.
        for (var round = 0; round < 2; round++)
        {
            Clock.Advance(TimeSpan.FromMinutes(1));
            await IdentifyAsync(_email, owner);
            var code = await LatestPasscodeAsync(owner);
            for (var i = 0; i < 5; i++)
                Assert.Equal(HttpStatusCode.Unauthorized, (await AnswerAsync(_email, owner, code == "123456" ? "654321" : "123456", AttackerIp)).StatusCode);
        }
        Clock.Advance(TimeSpan.FromMinutes(1));
        await IdentifyAsync(_email, owner);
        var spent = await AnswerAsync(_email, owner, await LatestPasscodeAsync(owner));
        Assert.Equal(HttpStatusCode.TooManyRequests, spent.StatusCode);
        Assert.True(spent.Headers.Contains("Retry-After"));
    }
}

public sealed class AccountTakeoverTestsOnSqlite(PostgresServer postgres) : AccountTakeoverTests(Backend.Sqlite, postgres);
public sealed class AccountTakeoverTestsOnPostgres(PostgresServer postgres) : AccountTakeoverTests(Backend.Postgres, postgres);
