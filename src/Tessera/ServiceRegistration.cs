using Microsoft.Extensions.DependencyInjection.Extensions;
using Tessera.ApiKeys;
using Tessera.Clients;
using Tessera.Data;
using Tessera.Environments;
using Tessera.Http;
using Tessera.Passcodes;
using Tessera.Profiles;
using Tessera.Security;
using Tessera.Sessions;

namespace Tessera;

/// <summary>One AddXxx per feature; Program.cs lists them.</summary>
public static class ServiceRegistration
{
    public static IServiceCollection AddTesseraSecrets(this IServiceCollection services)
    {
        services.AddOptions<SecretsOptions>().BindConfiguration("Secrets");
        services.AddSingleton<MasterKeyProvider>();
        services.AddSingleton<SecretProtector>();
        return services;
    }

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
        services.AddSingleton<SqliteGroupCommit>();
        services.AddScoped<WriteUnits>();
        services.AddScoped<ProfileIssuance>();
        return services;
    }

    public static IServiceCollection AddTesseraProfiles(this IServiceCollection services)
    {
        services.AddScoped<ProfileStore>();
        return services;
    }

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

    public static IServiceCollection AddTesseraMaintenance(this IServiceCollection services)
    {
        services.AddOptions<Maintenance.MaintenanceOptions>().BindConfiguration("Maintenance").ValidateDataAnnotations()
            .Validate(o => o.Interval >= TimeSpan.FromSeconds(1) && o.SessionRetention >= TimeSpan.FromDays(1),
                "Maintenance:Interval must be at least 1 s and SessionRetention at least 1 day (the issuance limit counts a day).")
            .Validate(o => o.EventRetention >= TimeSpan.FromDays(1), "Maintenance:EventRetention must be at least 1 day.")
            .ValidateOnStart();
        services.AddSingleton<Maintenance.Pruner>();
        services.AddHostedService(sp => sp.GetRequiredService<Maintenance.Pruner>());
        return services;
    }

    public static IServiceCollection AddTesseraAdmin(this IServiceCollection services)
    {
        services.AddScoped<EnvironmentAdmin>();
        services.AddScoped<ApiKeyAdmin>();
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddScoped<ClientAdmin>();
        services.AddScoped<SelfSigned.SigningSecretAdmin>();
        services.AddScoped<Audit.AuditLog>();
        services.AddScoped<SandboxBootstrap>();
        return services;
    }

    public static IServiceCollection AddTesseraHttp(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<RequestLimitOptions>().BindConfiguration(RequestLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<CallerRateLimiter>();
        services.AddOpenApi();
        return services;
    }
}
