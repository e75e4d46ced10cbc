using Microsoft.Extensions.DependencyInjection.Extensions;
using Tessera.ApiKeys;

namespace Tessera;

public static class ApiKeysServiceCollectionExtensions
{
    /// <summary>Managing API keys, and authenticating the backends that call with one.</summary>
    public static IServiceCollection AddTesseraApiKeys(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<ApiKeyAdmin>();
        services.AddSingleton<ApiKeyAuthenticator>();
        return services;
    }
}
