using Tessera.Statements;

namespace Tessera;

/// <remarks>In the root namespace, so Program.cs needs no extra using.</remarks>
public static class StatementsRegistration
{
    /// <summary>Signed, expiring links to statement PDFs (<c>Statements</c> options).</summary>
    public static IServiceCollection AddTesseraStatements(this IServiceCollection services)
    {
        services.AddOptions<StatementOptions>().BindConfiguration(StatementOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<StatementLinks>();
        return services;
    }

    /// <summary><c>GET /v1/statements/{id}.pdf</c> (see <see cref="StatementPdfApi"/>).</summary>
    public static IEndpointRouteBuilder MapStatementsApi(this IEndpointRouteBuilder routes) => StatementPdfApi.Map(routes);
}
