using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Tessera.GraphQL;

namespace Tessera.DataApi;

/// <summary>Bound from <c>GraphQL</c>.</summary>
public sealed class GraphQLOptions
{
    public const string Section = "GraphQL";

    /// <summary>
    /// Most objects one operation, or one batch, may ask for: list sizes (a page's <c>first</c>/<c>last</c>, 25 by
    /// default and at most 100; 10 for other lists) multiplied down the selection. Defaults to 10,000.
    /// </summary>
    [Range(1, 100_000_000)]
    public long MaxCost { get; set; } = 10_000;

    /// <summary>Deepest nesting of field selections (fragments expanded). Defaults to 12.</summary>
    [Range(1, 100)]
    public int MaxDepth { get; set; } = 12;
}

public static class GraphQLRegistration
{
    /// <summary>The schema is built (and validated) once at start: a broken schema fails the start, not a request.</summary>
    public static IServiceCollection AddTesseraGraphQL(this IServiceCollection services)
    {
        services.AddOptions<GraphQLOptions>().BindConfiguration(GraphQLOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<GraphQLOptions>>().Value;
            return new GraphQLService(TesseraGraphQLSchema.Build(), new GraphQLServiceOptions
            {
                MaxDepth = options.MaxDepth,
                MaxBatchSize = 10,
                MaxCost = options.MaxCost,
                ListSizes = TesseraGraphQLSchema.ListSizes,
            });
        });
        services.AddSingleton<TransactionCounts>();
        return services;
    }

    public static IEndpointRouteBuilder MapTesseraGraphQL(this IEndpointRouteBuilder routes) =>
        routes.MapGraphQLApi().MapGraphQLExplorerAssets();
}
