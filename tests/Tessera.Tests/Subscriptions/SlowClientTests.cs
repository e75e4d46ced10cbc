using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tessera.GraphQL;
using Tessera.Sessions;
using Tessera.Subscriptions;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Subscriptions;

/// <summary>
/// A client that stops reading (its TCP window full, so every send stalls) must not make the server keep what it would
/// send: the send has a timeout and the queue a bound, and past either the socket is dropped. Driven on a
/// <see cref="CableConnection"/> over a socket whose sends never complete, on a fake clock.
/// </summary>
public abstract class SlowClientTests(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    private async Task<(CableConnection Connection, StalledSocket Socket, FakeTimeProvider Time)> ConnectAsync(SubscriptionOptions options)
    {
        var json = await (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", ApiSecret, new { })).JsonAsync();
        var token = json.Str("token");
        var verifier = Server.Services.GetRequiredService<SessionTokenVerifier>();
        var verification = await verifier.VerifyAsync(token, TestContext.Current.CancellationToken);
        Assert.True(verification.IsValid);
        var time = new FakeTimeProvider(Clock.GetUtcNow());
        var socket = new StalledSocket();
        var connection = new CableConnection(socket, token, verification.Claims!, verifier, Server.Services.GetRequiredService<GraphQLService>(),
            Server.Services.GetRequiredService<IServiceScopeFactory>(), options, time, NullLogger.Instance);
        return (connection, socket, time);
    }

    /// <summary>Moves the fake clock a step at a time until the connection ends (a bounded number of steps).</summary>
    private static async Task AdvanceUntilEndedAsync(Task running, FakeTimeProvider time, TimeSpan step)
    {
        for (var i = 0; i < 200 && !running.IsCompleted; i++)
        {
            time.Advance(step);
            await Task.WhenAny(running, Task.Delay(10, TestContext.Current.CancellationToken));
        }
        await running.WaitAsync(CableClient.Patience, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task ASendThatStallsPastTheTimeoutDropsTheSocket()
    {
        var (connection, socket, time) = await ConnectAsync(new SubscriptionOptions { SendTimeout = TimeSpan.FromSeconds(10), SendQueueLength = 1000 });
        var running = connection.RunAsync(TestContext.Current.CancellationToken);
        await socket.FirstSend.Task.WaitAsync(CableClient.Patience, TestContext.Current.CancellationToken); // the welcome, never delivered
        await AdvanceUntilEndedAsync(running, time, TimeSpan.FromSeconds(1));
        Assert.True(socket.Aborted);
        Assert.Equal("slow_client", connection.DisconnectReason);
        Assert.InRange(time.GetUtcNow() - Clock.GetUtcNow(), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task AQueueFullOfUnsentMessagesDropsTheSocket()
    {
        // Sends never time out here: only the queue's bound can end it (pings pile up behind the stalled welcome).
        var options = new SubscriptionOptions { SendTimeout = TimeSpan.FromDays(1), SendQueueLength = 4 };
        var (connection, socket, time) = await ConnectAsync(options);
        var running = connection.RunAsync(TestContext.Current.CancellationToken);
        await socket.FirstSend.Task.WaitAsync(CableClient.Patience, TestContext.Current.CancellationToken);
        await AdvanceUntilEndedAsync(running, time, options.PingInterval);
        Assert.True(socket.Aborted);
        Assert.Equal("slow_client", connection.DisconnectReason);
        Assert.Equal(1, socket.Sends); // the welcome was the only send attempted
    }

    /// <summary>A peer that never reads: every send stays pending, every receive waits, until the server aborts.</summary>
    private sealed class StalledSocket : WebSocket
    {
        private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _sends;

        public TaskCompletionSource FirstSend { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool Aborted => _aborted.Task.IsCompleted;
        public int Sends => Volatile.Read(ref _sends);

        public override WebSocketCloseStatus? CloseStatus => null;
        public override string? CloseStatusDescription => null;
        public override WebSocketState State => Aborted ? WebSocketState.Aborted : WebSocketState.Open;
        public override string? SubProtocol => CableConnection.Subprotocol;

        public override void Abort() => _aborted.TrySetResult();

        public override async Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _sends);
            FirstSend.TrySetResult();
            await _aborted.Task.WaitAsync(cancellationToken);
            throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely);
        }

        public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
        {
            await _aborted.Task.WaitAsync(cancellationToken);
            throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely);
        }

        public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => Task.CompletedTask;
        public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => Task.CompletedTask;
        public override void Dispose() { }
    }
}

public sealed class SlowClientTestsOnSqlite(PostgresServer postgres) : SlowClientTests(Backend.Sqlite, postgres);
public sealed class SlowClientTestsOnPostgres(PostgresServer postgres) : SlowClientTests(Backend.Postgres, postgres);
