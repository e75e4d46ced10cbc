using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Clients;
using Tessera.Environments;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Subscriptions;

/// <summary>
/// <c>/websockets</c> over real sockets: ActionCable as the SDK's link speaks it, events of imports, the mock bank and
/// mutations delivered to the profile's sockets only, authentication, revocation, expiry and every bound.
/// </summary>
public abstract class SubscriptionsTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    protected override bool Listen => true;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Limits:Requests:PerMinute"] = "100000",
        ["Subscriptions:MaxSocketsPerProfile"] = "2",
        ["Subscriptions:MaxSocketsPerInstance"] = "4",
        ["Subscriptions:MaxSubscriptionsPerSocket"] = "2",
        ["Subscriptions:MaxMessageBytes"] = "2048",
        ["Subscriptions:CommandBurst"] = "6",
        ["Subscriptions:CommandsPerSecond"] = "0.01",
        // Short beats: a recheck after the fake clock moves comes quickly.
        ["Subscriptions:PingInterval"] = "00:00:00.200",
    };

    private const string AccountVerified = "subscription { accountVerified { account { id name verified } occurredAt } }";
    private const string ConnectionCreated = "subscription { connectionCreated { connection { id status institution { name } } } }";
    private const string ConnectionSynced = "subscription($id: ID) { connectionSynced(connectionId: $id) { successful connection { id status } } }";

    private Uri Base => Server.BaseAddress!;

    private async Task<(string Token, string ProfileId, string Uuid)> SessionAsync(TesseraInstance? server = null, string? secret = null)
    {
        var response = await (server ?? Server).SendAsync(HttpMethod.Post, "/v1/users/sessions", secret ?? ApiSecret, new { });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await response.JsonAsync();
        return (json.Str("token"), json.Str("userId"), json.Str("userUuid"));
    }

    private static async Task<JsonElement> GraphQLAsync(TesseraInstance server, string token, string query)
    {
        var response = await server.SendAsync(HttpMethod.Post, "/v1/graphql", token, new { query });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private static Task<JsonElement> ConnectMockBankAsync(TesseraInstance server, string token) =>
        GraphQLAsync(server, token, "mutation { connectorMockInitialize(input: {}) { success record { id } } }");

    private static JsonElement Payload(JsonElement? message, string field) =>
        message!.Value.GetProperty("message").GetProperty("result").GetProperty("data").GetProperty(field);

    [Fact]
    public async Task TheSdkHandshakeIsWelcomeThenConfirmationThenAnEmptyFirstResult()
    {
        var (token, _, _) = await SessionAsync();
        await using var cable = await CableClient.ConnectAsync(Base, token);
        Assert.Equal("actioncable-v1-json", cable.Socket.SubProtocol);
        Assert.Equal("""{"type":"welcome"}""", (await cable.ReceiveAsync())!.Value.GetRawText());
        var identifier = await cable.SubscribeAsync("c1");
        var first = await cable.ExecuteAsync(identifier, AccountVerified);
        Assert.Equal(identifier, first.GetProperty("identifier").GetString());
        Assert.Equal("""{"result":{"data":null},"more":true}""", first.GetProperty("message").GetRawText());
        // Pings keep the client's monitor satisfied: one arrives on its own.
        JsonElement? ping;
        do ping = await cable.ReceiveAsync(); while (ping is { } p && p.GetProperty("type").GetString() != "ping");
        Assert.True(ping!.Value.GetProperty("message").GetInt64() > 0);
    }

    [Fact]
    public async Task TheMockBankFiresConnectionCreatedAccountVerifiedAndConnectionSyncedOnTheProfilesSocket()
    {
        var (token, _, _) = await SessionAsync();
        await using var cable = await CableClient.ConnectAsync(Base, token);
        await cable.ReceiveAsync();
        var created = await cable.StartAsync(ConnectionCreated);
        var verified = await cable.StartAsync(AccountVerified);

        var connectionId = (await ConnectMockBankAsync(Server, token)).GetProperty("data").GetProperty("connectorMockInitialize").GetProperty("record").Str("id");

        var first = await cable.NextAsync();
        Assert.Equal(created, first!.Value.Str("identifier"));
        Assert.Equal(connectionId, Payload(first, "connectionCreated").GetProperty("connection").Str("id"));
        Assert.True(first.Value.GetProperty("message").GetProperty("more").GetBoolean());
        var second = await cable.NextAsync();
        Assert.Equal(verified, second!.Value.Str("identifier"));
        var account = Payload(second, "accountVerified").GetProperty("account");
        Assert.True(account.GetProperty("verified").GetBoolean());
        Assert.StartsWith("acct_", account.Str("id"));
    }

    [Fact]
    public async Task AnImportFiresConnectionSyncedFilteredByConnectionId()
    {
        var (token, _, profileUuid) = await SessionAsync();
        var connectionUuid = Guid.NewGuid();
        var otherUuid = Guid.NewGuid();
        await using var cable = await CableClient.ConnectAsync(Base, token);
        await cable.ReceiveAsync();
        var identifier = await cable.StartAsync(ConnectionSynced, new { id = (string?)null });

        var import = await Server.SendAsync(HttpMethod.Post, "/v1/import", ApiSecret, new object[]
        {
            new { type = "connection", uuid = connectionUuid, profileUuid = Guid.Parse(profileUuid), provider = "IMPORT", status = "SYNCED" },
            new { type = "connection", uuid = otherUuid, profileUuid = Guid.Parse(profileUuid), provider = "IMPORT", status = "SYNCED" },
        });
        Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var ids = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var message = await cable.NextAsync();
            Assert.Equal(identifier, message!.Value.Str("identifier"));
            var synced = Payload(message, "connectionSynced");
            Assert.True(synced.GetProperty("successful").GetBoolean());
            ids.Add(synced.GetProperty("connection").Str("id"));
        }

        // Only the named connection's syncs now: a second import of both sends one event.
        var only = ids[1];
        var filtered = await cable.StartAsync(ConnectionSynced, new { id = only });
        await cable.SendAsync(new { command = "unsubscribe", identifier });
        await Server.SendAsync(HttpMethod.Post, "/v1/import", ApiSecret, new object[]
        {
            new { type = "connection", uuid = connectionUuid, profileUuid = Guid.Parse(profileUuid), provider = "IMPORT", status = "SYNCED" },
            new { type = "connection", uuid = otherUuid, profileUuid = Guid.Parse(profileUuid), provider = "IMPORT", status = "SYNCED" },
        });
        var next = await cable.NextAsync();
        Assert.Equal(filtered, next!.Value.Str("identifier"));
        Assert.Equal(only, Payload(next, "connectionSynced").GetProperty("connection").Str("id"));
        // A mutation's event follows; had the other connection's sync been sent, it would have come first.
        await GraphQLAsync(Server, token, $$"""mutation { connectionSimulateError(input: {id: "{{ids[0]}}"}) { success } }""");
        await GraphQLAsync(Server, token, $$"""mutation { connectionSimulateError(input: {id: "{{only}}"}) { success } }""");
        var errored = await cable.NextAsync();
        Assert.Equal(only, Payload(errored, "connectionSynced").GetProperty("connection").Str("id"));
        Assert.False(Payload(errored, "connectionSynced").GetProperty("successful").GetBoolean());
    }

    [Fact]
    public async Task AnotherProfileAndAnotherEnvironmentNeverReceiveTheEvent()
    {
        var (token, _, _) = await SessionAsync();
        var (otherToken, _, _) = await SessionAsync();
        var (_, otherSecret, _) = await Server.CreateEnvironmentAsync();
        var (foreignToken, _, _) = await SessionAsync(secret: otherSecret);
        await using var mine = await CableClient.ConnectAsync(Base, token);
        await using var other = await CableClient.ConnectAsync(Base, otherToken);
        await using var foreign = await CableClient.ConnectAsync(Base, foreignToken);
        foreach (var cable in new[] { mine, other, foreign }) { await cable.ReceiveAsync(); await cable.StartAsync(ConnectionCreated); }

        await ConnectMockBankAsync(Server, token);
        Assert.Equal("connectionCreated", (await mine.NextAsync())!.Value.GetProperty("message").GetProperty("result").GetProperty("data").EnumerateObject().Single().Name);

        // Each of the others then gets an event of its own: it is the first thing each receives, so the first
        // profile's event was never sent to them (a socket's events arrive in commit order).
        var otherConnection = (await ConnectMockBankAsync(Server, otherToken)).GetProperty("data").GetProperty("connectorMockInitialize").GetProperty("record").Str("id");
        var foreignConnection = (await ConnectMockBankAsync(Server, foreignToken)).GetProperty("data").GetProperty("connectorMockInitialize").GetProperty("record").Str("id");
        Assert.Equal(otherConnection, Payload(await other.NextAsync(), "connectionCreated").GetProperty("connection").Str("id"));
        Assert.Equal(foreignConnection, Payload(await foreign.NextAsync(), "connectionCreated").GetProperty("connection").Str("id"));
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("")]
    [InlineData("eyJhbGciOiJIUzUxMiJ9.e30.c2ln")]
    public async Task ABadTokenIsToldUnauthorizedWithoutReconnect(string token)
    {
        await using var cable = await CableClient.ConnectAsync(Base, token.Length == 0 ? null : token);
        await cable.AssertDisconnectedAsync("unauthorized", reconnect: false);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, cable.Socket.CloseStatus);
    }

    [Theory]
    [InlineData("/v1/graphql")]
    [InlineData("/v1/users/session")]
    [InlineData("/websocketsx")]
    public async Task NoPathButTheCablesUpgradesToAWebSocket(string path)
    {
        // The WebSocket middleware runs on /websockets alone: elsewhere an upgrade, even with a valid token, is an
        // ordinary request and never becomes a socket.
        var token = (await SessionAsync()).Token;
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("actioncable-v1-json");
        socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        socket.Options.CollectHttpResponseDetails = true;
        var url = new UriBuilder(Base) { Scheme = "ws", Path = path, Query = $"token={token}" }.Uri;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(url, TestContext.Current.CancellationToken));
        Assert.NotEqual(HttpStatusCode.SwitchingProtocols, socket.HttpStatusCode);
        Assert.True((int)socket.HttpStatusCode is >= 200 and < 500, $"{path} answered {socket.HttpStatusCode}");
        Assert.Equal(WebSocketState.Closed, socket.State);
    }

    [Fact]
    public async Task AnExpiredOrRevokedTokenIsRefusedAtConnect()
    {
        var (revoked, _, _) = await SessionAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, "/v1/users/session", revoked)).StatusCode);
        await using (var cable = await CableClient.ConnectAsync(Base, revoked)) await cable.AssertDisconnectedAsync("unauthorized", reconnect: false);

        var (expiring, _, _) = await SessionAsync();
        Clock.Advance(TimeSpan.FromDays(2));
        await using (var cable = await CableClient.ConnectAsync(Base, expiring)) await cable.AssertDisconnectedAsync("unauthorized", reconnect: false);
    }

    [Fact]
    public async Task ATokenRevokedWhileItsSocketIsOpenGetsTheSocketClosed()
    {
        var (token, _, _) = await SessionAsync();
        await using var cable = await CableClient.ConnectAsync(Base, token);
        await cable.ReceiveAsync();
        await cable.StartAsync(ConnectionCreated);
        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, "/v1/users/session", token)).StatusCode);
        await cable.AssertDisconnectedAsync("unauthorized", reconnect: false);
    }

    [Fact]
    public async Task TheSocketEndsWhenItsTokenExpires()
    {
        var (token, _, _) = await SessionAsync();
        await using var cable = await CableClient.ConnectAsync(Base, token);
        await cable.ReceiveAsync();
        Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(5)); // past the lifetime and the clock skew
        await cable.AssertDisconnectedAsync("unauthorized", reconnect: false);
    }

    [Fact]
    public async Task AProfilePastItsSocketBoundIsRefusedWithoutReconnect()
    {
        var (token, _, _) = await SessionAsync();
        await using var first = await CableClient.ConnectAsync(Base, token);
        await using var second = await CableClient.ConnectAsync(Base, token);
        Assert.Equal("welcome", (await second.ReceiveAsync())!.Value.Str("type"));
        await using var third = await CableClient.ConnectAsync(Base, token);
        await third.AssertDisconnectedAsync("too_many_connections", reconnect: false);
    }

    [Fact]
    public async Task AFullInstanceRefusesWithReconnectSoTheClientTriesAgain()
    {
        var sockets = new List<CableClient>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var cable = await CableClient.ConnectAsync(Base, (await SessionAsync()).Token);
                sockets.Add(cable);
                Assert.Equal("welcome", (await cable.ReceiveAsync())!.Value.Str("type"));
            }
            await using var refused = await CableClient.ConnectAsync(Base, (await SessionAsync()).Token);
            await refused.AssertDisconnectedAsync("server_restart", reconnect: true);
        }
        finally
        {
            foreach (var cable in sockets) await cable.DisposeAsync();
        }
    }

    [Fact]
    public async Task ASocketPastItsSubscriptionBoundHasTheSubscriptionRejected()
    {
        await using var cable = await CableClient.ConnectAsync(Base, (await SessionAsync()).Token);
        await cable.ReceiveAsync();
        await cable.SubscribeAsync("a");
        await cable.SubscribeAsync("b");
        var identifier = CableClient.Identifier("c");
        await cable.SendAsync(new { command = "subscribe", identifier });
        Assert.Equal("reject_subscription", (await cable.NextAsync())!.Value.Str("type"));
        // Another channel than GraphQLChannel is rejected too.
        await cable.SendAsync(new { command = "subscribe", identifier = """{"channel":"ChatChannel"}""" });
        Assert.Equal("reject_subscription", (await cable.NextAsync())!.Value.Str("type"));
    }

    [Fact]
    public async Task ARepeatedSubscribeIsIgnoredAsActionCableDoes()
    {
        await using var cable = await CableClient.ConnectAsync(Base, (await SessionAsync()).Token);
        await cable.ReceiveAsync();
        var identifier = await cable.SubscribeAsync("a");
        await cable.SendAsync(new { command = "subscribe", identifier });
        // The next answer is the next channel's: the repeat got none, and did not count against the bound.
        await cable.SubscribeAsync("b");
    }

    [Fact]
    public async Task MalformedCommandsAndOverlongIdentifiersGetNoAnswerAndTheSocketStaysUsable()
    {
        await using var cable = await CableClient.ConnectAsync(Base, (await SessionAsync()).Token);
        await cable.ReceiveAsync();
        // An escaped lone surrogate is valid JSON but no string: the parser throws something else than JsonException.
        await cable.SendRawAsync("""{"command":"subscribe","identifier":"\ud800"}""");
        // An identifier each reply would echo, past the bound: ignored, not rejected with a copy of it.
        await cable.SendAsync(new { command = "subscribe", identifier = CableClient.Identifier(new string('x', 1100)) });
        // The next answer is this channel's confirmation: nothing was sent for the two above, the socket is open.
        var identifier = await cable.SubscribeAsync("a");
        await cable.SendRawAsync("""{"command":"message","identifier":""" + System.Text.Json.JsonSerializer.Serialize(identifier) + ""","data":"\ud800"}""");
        var first = await cable.ExecuteAsync(identifier, ConnectionCreated);
        Assert.Equal("""{"result":{"data":null},"more":true}""", first.GetProperty("message").GetRawText());
    }

    [Fact]
    public async Task AMessageOverTheSizeBoundClosesTheSocket()
    {
        await using var cable = await CableClient.ConnectAsync(Base, (await SessionAsync()).Token);
        await cable.ReceiveAsync();
        await cable.SendRawAsync(new string('x', 4096));
        await cable.AssertDisconnectedAsync("invalid_request", reconnect: false);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, cable.Socket.CloseStatus);
    }

    [Fact]
    public async Task CommandsFasterThanTheRateCloseTheSocket()
    {
        await using var cable = await CableClient.ConnectAsync(Base, (await SessionAsync()).Token);
        await cable.ReceiveAsync();
        for (var i = 0; i < 7; i++) await cable.SendRawAsync("""{"command":"unsubscribe","identifier":"x"}""");
        await cable.AssertDisconnectedAsync("invalid_request", reconnect: false);
    }

    [Fact]
    public async Task AnInvalidOperationAnswersItsErrorsAndNoMoreResults()
    {
        await using var cable = await CableClient.ConnectAsync(Base, (await SessionAsync()).Token);
        await cable.ReceiveAsync();
        var identifier = await cable.SubscribeAsync("c");
        var answer = await cable.ExecuteAsync(identifier, "subscription { connectionCreated { connection { id } } profileReady { occurredAt } }");
        var message = answer.GetProperty("message");
        Assert.False(message.GetProperty("more").GetBoolean());
        Assert.Equal("Anonymous Subscription must select only one top level field.", message.GetProperty("result").GetProperty("errors")[0].Str("message"));
        var query = await cable.ExecuteAsync(identifier, "query { profile { id } }");
        Assert.Equal("Only subscription operations run here, not a query.", query.GetProperty("message").GetProperty("result").GetProperty("errors")[0].Str("message"));
    }

    [Fact]
    public async Task ASubscriptionOverHttpIsRefusedAsARequestError()
    {
        var (token, _, _) = await SessionAsync();
        var body = await GraphQLAsync(Server, token, ConnectionCreated);
        Assert.False(body.TryGetProperty("data", out _));
        Assert.Equal("SUBSCRIPTION_NOT_SUPPORTED_HERE", body.GetProperty("errors")[0].GetProperty("extensions").Str("code"));
    }

    [Fact]
    public async Task APlainRequestOrOneWithoutTheSubprotocolIsA400()
    {
        var plain = await Server.SendAsync(HttpMethod.Get, "/websockets?token=x");
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        var error = await Assert.ThrowsAsync<WebSocketException>(() => CableClient.ConnectAsync(Base, "x", subprotocol: "graphql-ws"));
        Assert.Contains("400", error.Message);
    }

    [Fact]
    public async Task AProductionEnvironmentAcceptsOnlyItsClientsOriginsWhileSandboxAcceptsAny()
    {
        var (production, secret, _) = await Server.CreateEnvironmentAsync(mode: EnvironmentMode.Production);
        await using (var scope = Server.Services.CreateAsyncScope())
        {
            var client = await scope.ServiceProvider.GetRequiredService<ClientAdmin>().CreateAsync(production.Id, "web", AuthStrategy.Email, true, TestContext.Current.CancellationToken);
            await Server.WithDbAsync(async db =>
            {
                var row = await db.Clients.FindAsync([client.Id], TestContext.Current.CancellationToken);
                row!.AllowedOrigins = "https://app.example.com";
                return await db.SaveChangesAsync(TestContext.Current.CancellationToken);
            });
        }
        var (token, _, _) = await SessionAsync(secret: secret);
        var hijack = await Assert.ThrowsAsync<WebSocketException>(() => CableClient.ConnectAsync(Base, token, origin: "https://evil.example"));
        Assert.Contains("403", hijack.Message);
        await using (var allowed = await CableClient.ConnectAsync(Base, token, origin: "https://app.example.com"))
            Assert.Equal("welcome", (await allowed.ReceiveAsync())!.Value.Str("type"));
        await using (var sandbox = await CableClient.ConnectAsync(Base, (await SessionAsync()).Token, origin: "https://anywhere.example"))
            Assert.Equal("welcome", (await sandbox.ReceiveAsync())!.Value.Str("type"));
    }
}

public sealed class SubscriptionsTestsOnSqlite(PostgresServer postgres) : SubscriptionsTests(Backend.Sqlite, postgres);
public sealed class SubscriptionsTestsOnPostgres(PostgresServer postgres) : SubscriptionsTests(Backend.Postgres, postgres);
