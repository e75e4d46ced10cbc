using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace Tessera.OpenApi;

public sealed class ApiReferenceOptions
{
    public const string Section = "ApiReference";

    /// <summary>
    /// Serve the interactive API reference (Scalar, bundled: it loads nothing from elsewhere) at <see cref="Path"/>.
    /// Defaults to true: it shows only what <c>/openapi/v1.json</c> already publishes, and its requests carry the
    /// credential the reader pastes into it.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where the reference is served. Defaults to <c>/docs</c>.</summary>
    [RegularExpression("^/[A-Za-z0-9/_-]*[A-Za-z0-9_-]$", ErrorMessage = "ApiReference:Path must start with / and not end with one, e.g. /docs.")]
    public string Path { get; set; } = "/docs";
}

public static class OpenApiServiceCollectionExtensions
{
    public const string DocumentPath = "/openapi/v1.json";

    /// <summary>The OpenAPI document (<c>/openapi/v1.json</c>) and the API reference page (<see cref="ApiReferenceOptions"/>).</summary>
    public static IServiceCollection AddTesseraOpenApi(this IServiceCollection services)
    {
        services.AddOptions<ApiReferenceOptions>().BindConfiguration(ApiReferenceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer<TesseraDocumentTransformer>();
            options.AddOperationTransformer<TesseraOperationTransformer>();
            options.AddSchemaTransformer<OmittedWhenNullSchemaTransformer>();
        });
        return services;
    }

    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'";

    public static IEndpointRouteBuilder MapTesseraOpenApi(this IEndpointRouteBuilder routes)
    {
        routes.MapOpenApi();
        var options = routes.ServiceProvider.GetRequiredService<IOptions<ApiReferenceOptions>>().Value;
        if (!options.Enabled) return routes;
        // Scalar serves its own bundled script from its assembly; everything it could fetch from elsewhere is off:
        // the fonts (a CDN), telemetry, the AI agent, the developer toolbar (links to Scalar's services). The
        // Content-Security-Policy holds the page to this server, whatever a later Scalar version adds.
        routes.MapScalarApiReference(options.Path, scalar => scalar
            .WithTitle("Tessera API reference")
            .WithOpenApiRoutePattern(DocumentPath)
            .ExpandAllTags()
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .HideDeveloperTools())
            .Add(endpoint =>
            {
                var next = endpoint.RequestDelegate!;
                endpoint.RequestDelegate = http =>
                {
                    http.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
                    return next(http);
                };
            });
        return routes;
    }
}
