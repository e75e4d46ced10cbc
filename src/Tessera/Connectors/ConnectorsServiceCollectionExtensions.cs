using Microsoft.Extensions.DependencyInjection.Extensions;
using Tessera.Connectors;

namespace Tessera;

public static class ConnectorsServiceCollectionExtensions
{
    /// <summary>Connector configurations and the self-hosted Connector (ADR 0012).</summary>
    public static IServiceCollection AddTesseraConnectors(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<ConnectorAdmin>();
        return services;
    }
}
