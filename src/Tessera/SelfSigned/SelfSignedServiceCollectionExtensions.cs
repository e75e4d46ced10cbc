using Microsoft.Extensions.DependencyInjection.Extensions;
using Tessera.SelfSigned;

namespace Tessera;

public static class SelfSignedServiceCollectionExtensions
{
    /// <summary>Managing the signing secrets customers sign their own session tokens with.</summary>
    public static IServiceCollection AddTesseraSelfSigned(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<SigningSecretAdmin>();
        return services;
    }
}
