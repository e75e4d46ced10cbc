using Microsoft.Extensions.DependencyInjection.Extensions;
using Tessera.Audit;

namespace Tessera;

public static class AuditServiceCollectionExtensions
{
    /// <summary>The append-only security audit log.</summary>
    public static IServiceCollection AddTesseraAudit(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<AuditLog>();
        return services;
    }
}
