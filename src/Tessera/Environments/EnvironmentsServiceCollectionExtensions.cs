using Microsoft.Extensions.DependencyInjection.Extensions;
using Tessera.Environments;

namespace Tessera;

public static class EnvironmentsServiceCollectionExtensions
{
    /// <summary>Creating environments and rotating their signing keys, and the sandbox set up on an empty database.</summary>
    public static IServiceCollection AddTesseraEnvironments(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<EnvironmentAdmin>();
        services.AddScoped<SandboxBootstrap>();
        return services;
    }
}
