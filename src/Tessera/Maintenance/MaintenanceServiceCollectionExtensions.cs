using Tessera.Maintenance;

namespace Tessera;

public static class MaintenanceServiceCollectionExtensions
{
    /// <summary>The background pruner of what no rule needs any more (<c>Maintenance</c> options).</summary>
    public static IServiceCollection AddTesseraMaintenance(this IServiceCollection services)
    {
        services.AddOptions<MaintenanceOptions>().BindConfiguration("Maintenance").ValidateDataAnnotations()
            .Validate(o => o.Interval >= TimeSpan.FromSeconds(1) && o.SessionRetention >= TimeSpan.FromDays(1),
                "Maintenance:Interval must be at least 1 s and SessionRetention at least 1 day (the issuance limit counts a day).")
            .Validate(o => o.EventRetention >= TimeSpan.FromDays(1), "Maintenance:EventRetention must be at least 1 day.")
            .ValidateOnStart();
        services.AddSingleton<Pruner>();
        services.AddHostedService(sp => sp.GetRequiredService<Pruner>());
        return services;
    }
}
