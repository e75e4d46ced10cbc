using Microsoft.Extensions.Options;
using Tessera.Webhooks;

namespace Tessera;

/// <remarks>In the root namespace, like the other features' AddXxx, so Program.cs needs no extra using.</remarks>
public static class WebhooksRegistration
{
    /// <summary>Webhook subscriptions and the dispatcher that delivers events to them (<c>Webhooks</c> options).</summary>
    public static IServiceCollection AddTesseraWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient(WebhookDispatcher.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(services =>
            {
                var allowPrivate = services.GetRequiredService<IOptions<WebhookOptions>>().Value.AllowPrivateTargets;
                return new SocketsHttpHandler
                {
                    // The SSRF guard sits on the connect step, after DNS: what is checked is what is connected to.
                    ConnectCallback = (context, cancellationToken) => TargetGuard.ConnectAsync(context, allowPrivate, cancellationToken),
                    AllowAutoRedirect = false,
                    UseProxy = false,
                    UseCookies = false,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                };
            });
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        return services;
    }

    /// <summary><c>/v1/webhooks/subscriptions</c> (see <see cref="WebhooksApi"/>).</summary>
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder routes) => Webhooks.WebhooksApi.Map(routes);
}
