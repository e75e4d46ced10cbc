using Microsoft.EntityFrameworkCore.Diagnostics;
using Tessera.Subscriptions;

namespace Tessera;

/// <remarks>In the root namespace, like the other features' AddXxx, so Program.cs needs no extra using.</remarks>
public static class SubscriptionsRegistration
{
    /// <summary>GraphQL subscriptions over ActionCable (<c>Subscriptions</c> options; docs/adr/0011-subscriptions.md).</summary>
    public static IServiceCollection AddTesseraSubscriptions(this IServiceCollection services)
    {
        services.AddOptions<SubscriptionOptions>().BindConfiguration(SubscriptionOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.PingInterval > TimeSpan.Zero && o.PingInterval <= TimeSpan.FromSeconds(3), "Subscriptions:PingInterval must be above 0 and at most 3 seconds (the client reopens a link silent for 6).")
            .Validate(o => o.PollInterval > TimeSpan.Zero, "Subscriptions:PollInterval must be above 0.")
            .Validate(o => o.SendTimeout > TimeSpan.Zero, "Subscriptions:SendTimeout must be above 0.")
            .ValidateOnStart();
        services.AddSingleton<CableHub>();
        services.AddSingleton<EventFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<EventFeed>());
        services.AddSingleton<EventNotifications>();
        services.AddHostedService(sp => sp.GetRequiredService<EventNotifications>());
        services.AddSingleton<IInterceptor, EventCommitSignal>();
        return services;
    }

    /// <summary>The WebSocket endpoint (see <see cref="SubscriptionsApi"/>).</summary>
    public static WebApplication MapSubscriptionsApi(this WebApplication app)
    {
        // No protocol-level keep-alive: ActionCable's own pings keep the link alive and prove it to the client.
        // Only on the socket's path: the middleware allocates its handshake feature on every request it sees (13% of
        // a token verification's managed allocations), and no other endpoint upgrades.
        app.UseWhen(http => http.Request.Path.StartsWithSegments(SubscriptionsApi.Path),
            socket => socket.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero }));
        SubscriptionsApi.MapSubscriptionsApi(app);
        return app;
    }
}
