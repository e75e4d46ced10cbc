using Microsoft.Extensions.DependencyInjection.Extensions;
using Tessera.Passcodes;

namespace Tessera;

/// <summary>Passwordless sign-in by passcode (<c>Passcodes</c> options).</summary>
public static class PasscodesServiceCollectionExtensions
{
    public static IServiceCollection AddTesseraPasscodes(this IServiceCollection services)
    {
        services.AddOptions<PasscodeOptions>().BindConfiguration(PasscodeOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.Lifetime > TimeSpan.Zero && o.Lifetime <= TimeSpan.FromHours(1), "Passcodes:Lifetime must be within (0, 1h].")
            .Validate(o => o.ResendCooldown >= TimeSpan.Zero, "Passcodes:ResendCooldown must not be negative.")
            .ValidateOnStart();
        services.AddSingleton<PasscodeHasher>();
        services.AddScoped<PasscodeSignIn>();
        services.AddSingleton<SendLimitLocks>();
        // Passcodes are delivered through the outbox; TryAdd so the delivery feature's own registration is the same one.
        services.TryAddScoped<Tessera.Delivery.Outbox>();
        return services;
    }
}
