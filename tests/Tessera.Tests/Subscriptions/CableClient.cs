using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Tessera.Tests.Subscriptions;

/// <summary>An ActionCable client over a real <see cref="ClientWebSocket"/>, as @rails/actioncable speaks it.</summary>
public sealed class CableClient : IAsyncDisposable
{
    // A bound for a loaded machine, not a speed requirement.
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly ClientWebSocket _socket;

    private CableClient(ClientWebSocket socket) => _socket = socket;

    public WebSocket Socket => _socket;

    public static Uri Url(Uri server, string? token) =>
        new($"ws://{server.Authority}/websockets" + (token is null ? "" : "?token=" + Uri.EscapeDataString(token)));

    public static async Task<CableClient> ConnectAsync(Uri server, string? token, string? origin = null, string subprotocol = "actioncable-v1-json")
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(subprotocol);
        socket.Options.AddSubProtocol("actioncable-unsupported");
        if (origin is not null) socket.Options.SetRequestHeader("Origin", origin);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Patience);
        await socket.ConnectAsync(Url(server, token), timeout.Token);
        return new CableClient(socket);
    }

    public Task SendAsync(object command) => SendRawAsync(JsonSerializer.Serialize(command));

    public Task SendRawAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, TestContext.Current.CancellationToken);

    /// <summary>The next message; null when the server closed the socket.</summary>
    public async Task<JsonElement?> ReceiveAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Patience);
        var buffer = new byte[64 * 1024];
        var length = 0;
        while (true)
        {
            var received = await _socket.ReceiveAsync(buffer.AsMemory(length), timeout.Token);
            if (received.MessageType == WebSocketMessageType.Close) return null;
            length += received.Count;
            if (received.EndOfMessage) return JsonDocument.Parse(buffer.AsMemory(0, length)).RootElement.Clone();
        }
    }

    /// <summary>The next message that is not a ping; null when the server closed the socket.</summary>
    public async Task<JsonElement?> NextAsync()
    {
        while (true)
        {
            var message = await ReceiveAsync();
            if (message is not { } m || !(m.TryGetProperty("type", out var type) && type.GetString() == "ping")) return message;
        }
    }

    public static string Identifier(string channelId) => JsonSerializer.Serialize(new { channel = "GraphQLChannel", channelId });

    /// <summary>Subscribes to a channel and asserts the confirmation.</summary>
    public async Task<string> SubscribeAsync(string channelId)
    {
        var identifier = Identifier(channelId);
        await SendAsync(new { command = "subscribe", identifier });
        var confirmed = await NextAsync();
        Assert.Equal("confirm_subscription", confirmed!.Value.GetProperty("type").GetString());
        Assert.Equal(identifier, confirmed.Value.GetProperty("identifier").GetString());
        return identifier;
    }

    /// <summary>Runs a GraphQL subscription on the channel, as the SDK's link does, and returns the first answer.</summary>
    public async Task<JsonElement> ExecuteAsync(string identifier, string query, object? variables = null, string? operationName = null)
    {
        var data = JsonSerializer.Serialize(new { query, variables = variables ?? new { }, operationName, action = "execute" });
        await SendAsync(new { command = "message", identifier, data });
        return (await NextAsync())!.Value;
    }

    /// <summary>Subscribes on a new channel and starts the query; asserts graphql-ruby's empty first result.</summary>
    public async Task<string> StartAsync(string query, object? variables = null)
    {
        var identifier = await SubscribeAsync(Guid.NewGuid().ToString("N"));
        var first = await ExecuteAsync(identifier, query, variables);
        Assert.Equal("""{"result":{"data":null},"more":true}""", first.GetProperty("message").GetRawText());
        return identifier;
    }

    /// <summary>Asserts the next non-ping message is ActionCable's disconnect, then that the socket closes.</summary>
    public async Task AssertDisconnectedAsync(string reason, bool reconnect)
    {
        var message = await NextAsync();
        Assert.NotNull(message);
        Assert.Equal("disconnect", message.Value.GetProperty("type").GetString());
        Assert.Equal(reason, message.Value.GetProperty("reason").GetString());
        Assert.Equal(reconnect, message.Value.GetProperty("reconnect").GetBoolean());
        Assert.Null(await NextAsync());
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try { await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2)); }
            catch (Exception) { _socket.Abort(); }
        }
        _socket.Dispose();
    }
}
