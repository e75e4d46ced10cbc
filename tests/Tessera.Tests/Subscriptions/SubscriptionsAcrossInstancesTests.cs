using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tessera.Subscriptions;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Subscriptions;

/// <summary>
/// Two instances sharing PostgreSQL, as behind a load balancer: what one commits reaches the sockets the other holds
/// (NOTIFY wakes its feed and its revocation sync), with no broker between them.
/// </summary>
public sealed class SubscriptionsAcrossInstancesTestsOnPostgres(PostgresServer postgres) : TesseraTestBase(Backend.Postgres, postgres)
{
    protected override bool Listen => true;

    private async Task<TesseraInstance> SecondInstanceListeningAsync()
    {
        var other = await StartSecondInstanceAsync();
        await other.RevocationListenerReadyAsync();
        await other.Services.GetServices<IHostedService>().OfType<EventNotifications>().Single().Listening
            .WaitAsync(CableClient.Patience, TestContext.Current.CancellationToken);
        return other;
    }

    [Fact]
    public async Task AnEventCommittedOnOneInstanceReachesASocketHeldByTheOther()
    {
        var other = await SecondInstanceListeningAsync();
        var token = (await (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { })).JsonAsync()).Str("token");
        await using var cable = await CableClient.ConnectAsync(other.BaseAddress!, token);
        await cable.ReceiveAsync();
        await cable.StartAsync("subscription { connectionCreated { connection { id } } }");

        var created = await (await Server.SendAsync(HttpMethod.Post, "/v1/graphql", token,
            new { query = "mutation { connectorMockInitialize(input: {}) { record { id } } }" })).JsonAsync();
        var id = created.GetProperty("data").GetProperty("connectorMockInitialize").GetProperty("record").Str("id");

        var message = await cable.NextAsync();
        Assert.Equal(id, message!.Value.GetProperty("message").GetProperty("result").GetProperty("data")
            .GetProperty("connectionCreated").GetProperty("connection").Str("id"));
    }

    [Fact]
    public async Task ATokenRevokedOnOneInstanceClosesItsSocketOnTheOther()
    {
        var other = await SecondInstanceListeningAsync();
        var token = (await (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { })).JsonAsync()).Str("token");
        await using var cable = await CableClient.ConnectAsync(other.BaseAddress!, token);
        await cable.ReceiveAsync();

        // The fake clock does not move: no ping recheck can find it expired. Only the revocation closes it.
        Assert.Equal(HttpStatusCode.NoContent, (await Server.SendAsync(HttpMethod.Delete, "/v1/users/session", token)).StatusCode);
        await cable.AssertDisconnectedAsync("unauthorized", reconnect: false);
    }
}
