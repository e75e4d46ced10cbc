using System.Net.WebSockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Data;
using Tessera.Environments;
using Tessera.GraphQL;
using Tessera.Http;
using Tessera.Sessions;

namespace Tessera.Subscriptions;

/// <summary>
/// <c>GET /websockets?token=&lt;session token&gt;</c>, upgraded to a WebSocket speaking ActionCable: where the Quiltt
/// SDK's subscription link connects (<c>wss://api.&lt;domain&gt;/websockets</c>). The token is verified by the same
/// <see cref="SessionTokenVerifier"/> as every HTTP request; a refused one gets ActionCable's
/// <c>disconnect</c> (<c>unauthorized</c>, no reconnect), which the client obeys, instead of an HTTP error it would
/// retry for ever.
/// </summary>
public static class SubscriptionsApi
{
    public const string Path = "/websockets";

    public static IEndpointRouteBuilder MapSubscriptionsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, ConnectAsync).ExcludeFromDescription();
        return routes;
    }

    private static async Task ConnectAsync(HttpContext http, SessionTokenVerifier verifier, CableHub hub, GraphQLService graphql,
        IServiceScopeFactory scopes, IOptions<SubscriptionOptions> options, TimeProvider clock, ILoggerFactory loggers)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            await ApiError.WriteAsync(http, 400, "Bad Request", $"Connect with a WebSocket speaking ActionCable (subprotocol {CableConnection.Subprotocol}).");
            return;
        }
        if (!http.WebSockets.WebSocketRequestedProtocols.Contains(CableConnection.Subprotocol, StringComparer.Ordinal))
        {
            await ApiError.WriteAsync(http, 400, "Bad Request", $"Offer the {CableConnection.Subprotocol} subprotocol.");
            return;
        }

        var token = http.Request.Query["token"].ToString();
        var verification = token.Length == 0 ? TokenVerification.Fail(TokenRejection.Malformed)
            : verifier.TryVerify(token, out var fromMemory) == TokenCheck.NotCached ? await verifier.VerifyAsync(token, http.RequestAborted) : fromMemory;

        // Cross-site WebSocket hijacking: a page of another site can open a socket with the browser's help, so the
        // origin must be one the token's client (or, without one, a client of its environment) allows.
        if (verification.IsValid && !await OriginAllowedAsync(http, verification.Claims!, http.RequestAborted))
        {
            await ApiError.WriteAsync(http, 403, "Forbidden", "This origin may not open a socket for this environment.");
            return;
        }

        using var socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = CableConnection.Subprotocol });
        if (!verification.IsValid)
        {
            await RefuseAsync(socket, "unauthorized", reconnect: false, WebSocketCloseStatus.PolicyViolation, clock);
            return;
        }

        var logger = loggers.CreateLogger("Tessera.Subscriptions");
        var connection = new CableConnection(socket, token, verification.Claims!, verifier, graphql, scopes, options.Value, clock, logger);
        switch (hub.TryAdd(connection))
        {
            case CableAdmission.InstanceFull:
                // Another instance behind the balancer may have room: the client may try again.
                await RefuseAsync(socket, "server_restart", reconnect: true, WebSocketCloseStatus.EndpointUnavailable, clock);
                return;
            case CableAdmission.ProfileFull:
                await RefuseAsync(socket, "too_many_connections", reconnect: false, WebSocketCloseStatus.PolicyViolation, clock);
                return;
        }
        try
        {
            await connection.RunAsync(http.RequestAborted);
        }
        finally
        {
            hub.Remove(connection);
        }
    }

    private static async Task RefuseAsync(WebSocket socket, string reason, bool reconnect, WebSocketCloseStatus status, TimeProvider clock)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), clock);
        try
        {
            await socket.SendAsync(CableConnection.Disconnect(reason, reconnect), WebSocketMessageType.Text, true, timeout.Token);
            await socket.CloseAsync(status, null, timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException) { }
    }

    /// <summary>
    /// No Origin (not a browser): allowed, the token is the credential. Otherwise the passwordless rule of
    /// <see cref="BrowserOrigins.IsAllowed"/>: any origin in sandbox, else one of the client's allowed origins.
    /// </summary>
    private static async Task<bool> OriginAllowedAsync(HttpContext http, SessionClaims claims, CancellationToken cancellationToken)
    {
        if (http.Request.Headers.Origin.ToString().Length == 0) return true;
        var db = http.RequestServices.GetRequiredService<TesseraDbContext>();
        var environment = await db.Environments.AsNoTracking().FirstOrDefaultAsync(e => e.Id == claims.EnvironmentId, cancellationToken);
        if (environment is null) return false;
        var clients = await db.Clients.AsNoTracking()
            .Where(c => c.EnvironmentId == claims.EnvironmentId && (claims.ClientId == null || c.Id == claims.ClientId))
            .ToListAsync(cancellationToken);
        if (clients.Count == 0) return environment.Mode == EnvironmentMode.Sandbox;
        return clients.Any(client => BrowserOrigins.IsAllowed(http, client, environment));
    }
}
