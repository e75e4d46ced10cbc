using Microsoft.AspNetCore.Http.HttpResults;
using Tessera.Data;

namespace Tessera.Health;

public static class HealthApi
{
    public sealed record HealthStatus(string Status);

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        // Liveness: the process answers. Readiness: it can reach its database.
        routes.MapGet("/healthz", () => TypedResults.Ok(new HealthStatus("ok"))).WithTags("Health").ExcludeFromDescription();
        routes.MapGet("/readyz", ReadyAsync).WithTags("Health").ExcludeFromDescription();
        return routes;
    }

    private static async Task<Results<Ok<HealthStatus>, JsonHttpResult<HealthStatus>>> ReadyAsync(TesseraDbContext db, CancellationToken cancellationToken)
    {
        bool reachable;
        try { reachable = await db.Database.CanConnectAsync(cancellationToken); }
        catch (Exception) { reachable = false; }
        return reachable ? TypedResults.Ok(new HealthStatus("ready")) : TypedResults.Json(new HealthStatus("database unreachable"), statusCode: 503);
    }
}
