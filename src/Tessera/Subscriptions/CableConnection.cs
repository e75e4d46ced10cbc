using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Tessera.Data;
using Tessera.DataApi;
using Tessera.GraphQL;
using Tessera.GraphQL.Execution;
using Tessera.Sessions;

namespace Tessera.Subscriptions;

/// <summary>
/// One ActionCable connection (protocol <c>actioncable-v1-json</c>, as <c>@rails/actioncable</c> and the Quiltt SDK's
/// link speak it): welcome, a ping every <see cref="SubscriptionOptions.PingInterval"/>, <c>subscribe</c> to
/// <c>GraphQLChannel</c> (confirmed or rejected), <c>message</c> with action <c>execute</c> (a GraphQL subscription
/// per channel), <c>unsubscribe</c>, and <c>disconnect</c> when the token stops being valid. One writer sends
/// everything, in order; events are executed one after the other, each as the profile, in its own scope.
/// </summary>
public sealed class CableConnection
{
    public const string Subprotocol = "actioncable-v1-json";
    public const string ChannelName = "GraphQLChannel";

    private readonly WebSocket _socket;
    private readonly string _token;
    private readonly SessionTokenVerifier _verifier;
    private readonly GraphQLService _graphql;
    private readonly IServiceScopeFactory _scopes;
    private readonly SubscriptionOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Channel<byte[]> _outbox;
    private readonly Channel<SubscriptionEvent> _events;
    private readonly Dictionary<string, SubscriptionOperation?> _channels = new(StringComparer.Ordinal);
    private readonly Lock _channelsLock = new();
    private readonly CancellationTokenSource _closing = new();
    private double _commandTokens;
    private long _commandsAt;
    private int _disconnecting;

    public CableConnection(WebSocket socket, string token, SessionClaims claims, SessionTokenVerifier verifier, GraphQLService graphql,
        IServiceScopeFactory scopes, SubscriptionOptions options, TimeProvider clock, ILogger logger)
    {
        _socket = socket;
        _token = token;
        Claims = claims;
        _verifier = verifier;
        _graphql = graphql;
        _scopes = scopes;
        _options = options;
        _clock = clock;
        _logger = logger;
        _events = Channel.CreateBounded<SubscriptionEvent>(new BoundedChannelOptions(options.SendQueueLength) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        // Wait mode: TryWrite answers false when full (DropWrite would answer true and drop silently), and nothing here
        // ever waits to write. Everything the server sends waits here: bounded too, so a client that stops reading cannot pile up results,
        // pings and rejections (each echoing its identifier) in the server's memory.
        _outbox = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(options.SendQueueLength) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _commandTokens = options.CommandBurst;
        _commandsAt = clock.GetTimestamp();
    }

    public SessionClaims Claims { get; }
    public string EnvironmentId => Claims.EnvironmentId;
    public string ProfileId => Claims.ProfileId;

    /// <summary>Why the socket is being closed, once it is (tests read it).</summary>
    internal string? DisconnectReason { get; private set; }

    // ---- Messages the server sends ----

    internal static byte[] Welcome() => """{"type":"welcome"}"""u8.ToArray();

    internal static byte[] Disconnect(string reason, bool reconnect) =>
        JsonSerializer.SerializeToUtf8Bytes(new { type = "disconnect", reason, reconnect });

    private byte[] Ping() => JsonSerializer.SerializeToUtf8Bytes(new { type = "ping", message = _clock.GetUtcNow().ToUnixTimeSeconds() });

    private static byte[] Typed(string identifier, string type) => JsonSerializer.SerializeToUtf8Bytes(new { identifier, type });

    /// <summary><c>{"identifier":…,"message":{"result":{…},"more":…}}</c>, as graphql-ruby's channel transmits.</summary>
    private static byte[] Result(string identifier, ExecutionResult result, bool more)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("identifier", identifier);
            writer.WritePropertyName("message");
            writer.WriteStartObject();
            writer.WritePropertyName("result");
            result.WriteTo(writer);
            writer.WriteBoolean("more", more);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    // ---- Lifetime ----

    /// <summary>Runs the connection until the client leaves, the token ends, or a bound is broken.</summary>
    public async Task RunAsync(CancellationToken requestAborted)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, _closing.Token);
        var stop = linked.Token;
        Send(Welcome());
        var sender = SendLoopAsync(requestAborted);
        var pings = PingLoopAsync(stop);
        var events = EventLoopAsync(stop);
        // The socket's life ends with its token's, even between pings.
        var untilExpiry = DateTimeOffset.FromUnixTimeSeconds(Claims.ExpiresAt) - _clock.GetUtcNow();
        await using var expiry = _clock.CreateTimer(_ => RecheckToken(), null, untilExpiry < TimeSpan.Zero ? TimeSpan.Zero : untilExpiry, Timeout.InfiniteTimeSpan);
        try
        {
            await ReceiveLoopAsync(stop);
        }
        catch (OperationCanceledException) { }
        catch (WebSocketException) { }
        finally
        {
            _closing.Cancel();
            _outbox.Writer.TryComplete();
            _events.Writer.TryComplete();
            try { await Task.WhenAll(pings, events); } catch (OperationCanceledException) { }
            try { await sender; } catch (Exception ex) when (ex is OperationCanceledException or WebSocketException) { }
        }
    }

    /// <summary>Sends the disconnect message, then closes: the client's link reads the reason and whether to reconnect.</summary>
    public void Close(string reason, bool reconnect, WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure)
    {
        if (Interlocked.Exchange(ref _disconnecting, 1) == 1) return;
        DisconnectReason = reason;
        _closeStatus = status;
        if (!_outbox.Writer.TryWrite(Disconnect(reason, reconnect)))
        {
            // The client reads nothing: no room for the goodbye either.
            Abort();
            return;
        }
        _outbox.Writer.TryComplete();
    }

    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;

    /// <summary>Queues a message; a client so far behind that the queue is full is cut off (it reconnects and resubscribes).</summary>
    private void Send(byte[] message)
    {
        if (_outbox.Writer.TryWrite(message) || Volatile.Read(ref _disconnecting) == 1) return;
        // A refused write is a full queue only while the connection lives: after the client left (the outbox is
        // completed once _closing is cancelled) it is a late event, not a slow client.
        if (_closing.IsCancellationRequested) return;
        Interlocked.Exchange(ref _disconnecting, 1);
        DisconnectReason = "slow_client";
        Abort();
    }

    /// <summary>Drops the connection without a closing handshake: for a client that does not read.</summary>
    private void Abort()
    {
        _outbox.Writer.TryComplete();
        _closing.Cancel();
        _socket.Abort();
    }

    private async Task SendLoopAsync(CancellationToken aborted)
    {
        await foreach (var message in _outbox.Reader.ReadAllAsync(aborted))
        {
            try
            {
                // A client that stops reading fills its TCP window and stalls the send: bounded, then cut off.
                await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, aborted).WaitAsync(_options.SendTimeout, _clock, aborted);
            }
            catch (TimeoutException)
            {
                Interlocked.Exchange(ref _disconnecting, 1);
                DisconnectReason ??= "slow_client";
                Abort();
                return;
            }
        }
        // The outbox completes on Close (after the disconnect message) or when the client left.
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _clock);
            try { await _socket.CloseOutputAsync(_closeStatus, null, timeout.Token); }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException) { }
            // The receive loop ends with the client's closing frame; cancelling it now would reset the connection
            // under the client before it read ours. A client that never answers is cut off after a bound.
            _closing.CancelAfter(TimeSpan.FromSeconds(5));
            return;
        }
        _closing.Cancel();
    }

    private async Task PingLoopAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_options.PingInterval, _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                // Each beat also asks the verifier again: expiry, revocation, a retired key.
                if (!await RecheckTokenAsync()) return;
                Send(Ping());
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>
    /// Verifies the token again, from memory, by the same verifier as every HTTP request; closes the socket
    /// (<c>unauthorized</c>, no reconnect) when it is no longer valid. True while it is.
    /// </summary>
    public bool RecheckToken()
    {
        if (Volatile.Read(ref _disconnecting) == 1) return false;
        var check = _verifier.TryVerify(_token, out var verification);
        if (check == TokenCheck.NotCached)
        {
            // Its key left the cache: verified with a load, off this thread (the ping and event loops wait for it).
            _ = RecheckWithLoadAsync();
            return true;
        }
        if (verification.IsValid) return true;
        Close("unauthorized", reconnect: false, WebSocketCloseStatus.PolicyViolation);
        return false;
    }

    /// <summary>As <see cref="RecheckToken"/>, but a token whose key must be loaded is verified before it answers.</summary>
    private async ValueTask<bool> RecheckTokenAsync()
    {
        if (Volatile.Read(ref _disconnecting) == 1) return false;
        var check = _verifier.TryVerify(_token, out var verification);
        if (check == TokenCheck.NotCached) return await RecheckWithLoadAsync();
        if (verification.IsValid) return true;
        Close("unauthorized", reconnect: false, WebSocketCloseStatus.PolicyViolation);
        return false;
    }

    private async Task<bool> RecheckWithLoadAsync()
    {
        try
        {
            if ((await _verifier.VerifyAsync(_token)).IsValid) return true;
            Close("unauthorized", reconnect: false, WebSocketCloseStatus.PolicyViolation);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The key could not be loaded (the database is away): nothing more is sent on a token not checked; the
            // client reconnects and is verified afresh.
            _logger.LogWarning(ex, "Could not recheck a socket's token; closing it");
            Close("server_restart", reconnect: true);
        }
        return false;
    }

    /// <summary>
    /// Whether a revocation can change this socket's verdict: only those are rechecked, so one revocation costs a
    /// verification per socket it concerns, not per socket on the instance.
    /// </summary>
    public bool ConcernedBy(Revocation revocation) => revocation.Kind switch
    {
        RevocationKind.Session => Guid.TryParse(revocation.Subject, out var session) && session == Claims.SessionId,
        RevocationKind.Profile or RevocationKind.ProfileDisabled => revocation.Subject == ProfileId,
        RevocationKind.SigningSecret => Claims.Kind == SessionKind.SelfSigned && revocation.Subject == Claims.IssuedBy,
        RevocationKind.KeysRotated => revocation.Subject == EnvironmentId,
        _ => false, // ProfileEnabled opens nothing; an API key's revocation leaves the sessions it issued valid
    };

    // ---- Events ----

    /// <summary>An event of this socket's profile; a socket too far behind is closed (its client reconnects).</summary>
    public void Offer(SubscriptionEvent evt)
    {
        if (!_events.Writer.TryWrite(evt) && Volatile.Read(ref _disconnecting) == 0)
            Close("server_restart", reconnect: true);
    }

    private async Task EventLoopAsync(CancellationToken stop)
    {
        try
        {
            await foreach (var evt in _events.Reader.ReadAllAsync(stop))
            {
                // Never a byte of data to a token revoked since it was last checked.
                if (!await RecheckTokenAsync()) return;
                KeyValuePair<string, SubscriptionOperation?>[] channels;
                lock (_channelsLock) channels = _channels.ToArray();
                foreach (var (identifier, operation) in channels)
                {
                    if (operation is null || !SubscriptionEvents.Matches(operation.FieldName, operation.Arguments, evt)) continue;
                    var result = await ExecuteAsync(operation, evt, stop);
                    Send(Result(identifier, result, more: true));
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    private async Task<ExecutionResult> ExecuteAsync(SubscriptionOperation operation, SubscriptionEvent evt, CancellationToken stop)
    {
        await using var scope = _scopes.CreateAsyncScope();
        await using var caller = new GraphQLCaller(EnvironmentId, ProfileId, scope.ServiceProvider.GetRequiredService<TesseraDbContext>());
        var result = await _graphql.ExecuteEventAsync(operation, evt, caller, scope.ServiceProvider, stop);
        return GraphQLErrorMasking.Mask(result, _logger);
    }

    // ---- Commands ----

    private async Task ReceiveLoopAsync(CancellationToken stop)
    {
        // Commands are small: a socket holds a small buffer, grown (up to the bound) only for the message that needs it.
        var limit = _options.MaxMessageBytes + 1;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(SmallBuffer, limit));
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult received;
                do
                {
                    if (length > _options.MaxMessageBytes)
                    {
                        Close("invalid_request", reconnect: false, WebSocketCloseStatus.MessageTooBig);
                        return;
                    }
                    if (length == buffer.Length) buffer = Grow(buffer, length, limit);
                    received = await _socket.ReceiveAsync(buffer.AsMemory(length, Math.Min(buffer.Length, limit) - length), stop);
                    if (received.MessageType == WebSocketMessageType.Close) return;
                    length += received.Count;
                } while (!received.EndOfMessage);
                if (length > _options.MaxMessageBytes)
                {
                    Close("invalid_request", reconnect: false, WebSocketCloseStatus.MessageTooBig);
                    return;
                }
                var now = _clock.GetTimestamp();
                if (!CableLimits.TakeCommand(ref _commandTokens, ref _commandsAt, now, _clock.TimestampFrequency, _options))
                {
                    Close("invalid_request", reconnect: false, WebSocketCloseStatus.PolicyViolation);
                    return;
                }
                if (received.MessageType == WebSocketMessageType.Text) Handle(buffer.AsSpan(0, length));
                if (buffer.Length > SmallBuffer)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(Math.Min(SmallBuffer, limit));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private const int SmallBuffer = 4096;

    private static byte[] Grow(byte[] buffer, int length, int limit)
    {
        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 4, limit));
        buffer.AsSpan(0, length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }

    /// <summary>
    /// The longest channel identifier accepted. The SDK's is <c>{"channel":"GraphQLChannel","channelId":"…"}</c>, under
    /// 100 characters; each reply echoes it, so a long one would multiply what a client makes the server send and keep.
    /// </summary>
    internal const int MaxIdentifierLength = 1024;

    /// <summary>One command. Malformed ones are ignored, as ActionCable's server does (they still count against the rate).</summary>
    private void Handle(ReadOnlySpan<byte> message)
    {
        string? command, identifier, data = null;
        try
        {
            var reader = new Utf8JsonReader(message, new JsonReaderOptions { MaxDepth = 16 });
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return;
            command = root.TryGetProperty("command", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            identifier = root.TryGetProperty("identifier", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
            if (root.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.String) data = d.GetString();
        }
        catch (Exception ex) when (IsMalformed(ex)) { return; }
        if (command is null || identifier is null || identifier.Length > MaxIdentifierLength) return;
        switch (command)
        {
            case "subscribe": Subscribe(identifier); break;
            case "unsubscribe":
                lock (_channelsLock) _channels.Remove(identifier);
                break;
            case "message" when data is not null: Perform(identifier, data); break;
        }
    }

    private void Subscribe(string identifier)
    {
        if (!IsGraphQLChannel(identifier)) { Send(Typed(identifier, "reject_subscription")); return; }
        lock (_channelsLock)
        {
            // Already subscribed: ignored, as ActionCable's server does. A second confirmation would make the client's
            // link run its operation again.
            if (_channels.ContainsKey(identifier)) return;
            if (!CableLimits.MaySubscribe(_channels.Count, _options)) { Send(Typed(identifier, "reject_subscription")); return; }
            _channels[identifier] = null;
        }
        Send(Typed(identifier, "confirm_subscription"));
    }

    private static bool IsGraphQLChannel(string identifier)
    {
        try
        {
            using var document = JsonDocument.Parse(identifier, new JsonDocumentOptions { MaxDepth = 8 });
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("channel", out var channel) && channel.ValueKind == JsonValueKind.String
                && channel.ValueEquals(ChannelName);
        }
        catch (Exception ex) when (IsMalformed(ex)) { return false; }
    }

    /// <summary>
    /// What parsing a client's JSON throws on bad input: malformed JSON, and (from <c>GetString</c> and parsing a string)
    /// an escaped lone surrogate that is not valid UTF-16/UTF-8.
    /// </summary>
    private static bool IsMalformed(Exception ex) => ex is JsonException or InvalidOperationException or ArgumentException;

    /// <summary><c>execute</c>: starts (or replaces) the channel's GraphQL subscription, answering like graphql-ruby.</summary>
    private void Perform(string identifier, string data)
    {
        lock (_channelsLock) if (!_channels.ContainsKey(identifier)) return; // not subscribed: nothing to answer to
        GraphQLRequest request;
        try
        {
            using var document = JsonDocument.Parse(data, new JsonDocumentOptions { MaxDepth = 64 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("action", out var action) || !action.ValueEquals("execute")) return;
            var query = root.TryGetProperty("query", out var q) && q.ValueKind == JsonValueKind.String ? q.GetString() : null;
            var operationName = root.TryGetProperty("operationName", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            JsonElement? variables = root.TryGetProperty("variables", out var v) && v.ValueKind == JsonValueKind.Object ? v.Clone() : null;
            request = new GraphQLRequest { Query = query, OperationName = operationName, VariablesJson = variables };
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            return;
        }

        var subscribed = _graphql.Subscribe(request);
        if (subscribed.Operation is null)
        {
            // Not a subscription that can run: its errors, and no more results on this channel.
            Send(Result(identifier, ExecutionResult.FromErrors(subscribed.Errors), more: false));
            return;
        }
        lock (_channelsLock)
        {
            if (!_channels.ContainsKey(identifier)) return;
            _channels[identifier] = subscribed.Operation;
        }
        // graphql-ruby's first answer to a subscription: no data yet, more to come (the link passes nothing on).
        Send(Result(identifier, new ExecutionResult(null, true, null), more: true));
    }
}
