using Microsoft.Extensions.DependencyInjection.Extensions;
using Tessera.Profiles;

namespace Tessera;

public static class ProfilesServiceCollectionExtensions
{
    public static IServiceCollection AddTesseraProfiles(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<ProfileStore>();
        services.AddOptions<PhoneOptions>().BindConfiguration(PhoneOptions.Section)
            .Validate(o => o.DefaultRegionIsKnown(), "Phone:DefaultRegion must be empty or a region libphonenumber knows (ISO 3166-1 alpha-2, e.g. US).")
            .ValidateOnStart();
        return services;
    }
}
