using Microsoft.Extensions.DependencyInjection.Extensions;
using Tessera.Data;
using Tessera.Environments;
using Tessera.Sessions;

namespace Tessera;

/// <summary>Session tokens: issuance, verification, signing keys and the revocation list kept fresh in the background.</summary>
public static class SessionsServiceCollectionExtensions
{
    public static IServiceCollection AddTesseraSessions(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<SessionTokenOptions>().BindConfiguration(SessionTokenOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<IssuanceLimitOptions>().BindConfiguration(IssuanceLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RevocationOptions>().BindConfiguration(RevocationOptions.Section)
            .Validate(o => o.PollInterval > TimeSpan.Zero && o.PollInterval <= TimeSpan.FromSeconds(1), "Revocation:PollInterval must be within (0, 1s].")
            .ValidateOnStart();
        services.AddSingleton<SigningKeyRing>();
        services.AddSingleton<SelfSigned.SigningSecretRing>();
        services.AddSingleton<SessionTokenIssuer>();
        services.AddSingleton<SessionTokenVerifier>();
        services.AddSingleton<RevocationList>();
        services.AddSingleton<RevocationSync>();
        services.AddHostedService(sp => sp.GetRequiredService<RevocationSync>());
        services.AddHostedService<RevocationNotifications>();
        services.AddSingleton<ProfileDirectory>();
        services.AddScoped<SessionService>();
        services.AddScoped<ProfileIssuance>();
        return services;
    }
}
