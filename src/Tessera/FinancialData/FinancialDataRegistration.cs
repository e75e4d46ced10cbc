using Tessera.FinancialData;

namespace Tessera;

/// <remarks>In the root namespace, so Program.cs needs no extra using.</remarks>
public static class FinancialDataRegistration
{
    /// <summary>The import pipeline (<c>Import</c> options) and the sandbox mock bank.</summary>
    public static IServiceCollection AddTesseraFinancialData(this IServiceCollection services)
    {
        services.AddOptions<ImportOptions>().BindConfiguration(ImportOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<FinancialDataImporter>();
        services.AddScoped<MockBank>();
        return services;
    }

    /// <summary><c>POST /v1/import</c> (see <see cref="ImportApi"/>).</summary>
    public static IEndpointRouteBuilder MapImportApi(this IEndpointRouteBuilder routes) => ImportApi.Map(routes);
}
