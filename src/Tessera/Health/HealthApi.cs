using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Http.HttpResults;
using Tessera.Data;

namespace Tessera.Health;

public static class HealthApi
{
    public sealed record HealthStatus(string Status);

    /// <summary>How long /readyz waits for the database before answering unready.</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        // Liveness: the process answers. Readiness: it can reach its database.
        routes.MapGet("/healthz", () => TypedResults.Ok(new HealthStatus("ok"))).WithTags("Health").ExcludeFromDescription();
        routes.MapGet("/readyz", ReadyAsync).WithTags("Health").ExcludeFromDescription();
        return routes;
    }

    private static async Task<Results<Ok<HealthStatus>, JsonHttpResult<HealthStatus>>> ReadyAsync(TesseraDbContext db, CancellationToken cancellationToken)
    {
        // A round trip, not CanConnectAsync: that only opens a connection, and a pooled one opens without touching the
        // server, so a stopped PostgreSQL looked ready until the pool noticed. Bounded, so a probe never hangs.
        bool reachable;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            await db.Database.ExecuteSqlRawAsync("SELECT 1", timeout.Token);
            reachable = true;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested) { reachable = false; }
        return reachable ? TypedResults.Ok(new HealthStatus("ready")) : TypedResults.Json(new HealthStatus("database unreachable"), statusCode: 503);
    }
}
