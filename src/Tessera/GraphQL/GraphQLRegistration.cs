namespace Tessera.GraphQL;

public static class GraphQLRegistration
{
    /// <summary>The schema is built (and validated) once at start: a broken schema fails the start, not a request.</summary>
    public static IServiceCollection AddTesseraGraphQL(this IServiceCollection services)
    {
        services.AddSingleton(_ => new GraphQLService(TesseraGraphQLSchema.Build(), new GraphQLServiceOptions
        {
            MaxDepth = 12,
            MaxBatchSize = 10,
        }));
        services.AddSingleton<TransactionCounts>();
        return services;
    }

    public static IEndpointRouteBuilder MapTesseraGraphQL(this IEndpointRouteBuilder routes) =>
        routes.MapGraphQLApi().MapGraphQLExplorerAssets();
}
