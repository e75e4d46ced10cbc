using Microsoft.Extensions.DependencyInjection.Extensions;
using Tessera.OperatorConsole;

namespace Tessera;

public static class ConsoleServiceCollectionExtensions
{
    /// <summary>The operator console at <c>/console</c>: sign-in links, console sessions, pages.</summary>
    public static IServiceCollection AddTesseraConsole(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ConsoleOptions>().BindConfiguration(ConsoleOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<ConsoleSignIn>();
        return services;
    }
}
