using Microsoft.Extensions.DependencyInjection.Extensions;
using Tessera.Http;

namespace Tessera;

public static class HttpServiceCollectionExtensions
{
    /// <summary>What every endpoint shares: the per-caller rate limiter (<c>Limits:Requests</c> options).</summary>
    public static IServiceCollection AddTesseraHttp(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<RequestLimitOptions>().BindConfiguration(RequestLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<CallerRateLimiter>();
        return services;
    }
}
