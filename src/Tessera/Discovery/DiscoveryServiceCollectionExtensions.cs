using Tessera.Discovery;

namespace Tessera;

public static class DiscoveryServiceCollectionExtensions
{
    /// <summary>Publishing environments' public keys (JWKS) and discovery documents.</summary>
    public static IServiceCollection AddTesseraDiscovery(this IServiceCollection services)
    {
        services.AddSingleton<KeyPublication>();
        return services;
    }
}
