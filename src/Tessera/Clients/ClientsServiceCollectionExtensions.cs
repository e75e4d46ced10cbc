using Microsoft.Extensions.DependencyInjection.Extensions;
using Tessera.Clients;

namespace Tessera;

public static class ClientsServiceCollectionExtensions
{
    /// <summary>Managing passwordless clients.</summary>
    public static IServiceCollection AddTesseraClients(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<ClientAdmin>();
        return services;
    }
}
