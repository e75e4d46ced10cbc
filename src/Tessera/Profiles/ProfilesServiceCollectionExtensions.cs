using Microsoft.Extensions.DependencyInjection.Extensions;
using Tessera.Profiles;

namespace Tessera;

public static class ProfilesServiceCollectionExtensions
{
    public static IServiceCollection AddTesseraProfiles(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<ProfileStore>();
        return services;
    }
}
