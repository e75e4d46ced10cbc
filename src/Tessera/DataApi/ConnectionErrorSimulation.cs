using Microsoft.EntityFrameworkCore;
using Tessera.Data;
using Tessera.Environments;
using Tessera.FinancialData;
using Tessera.GraphQL.Execution;
using Tessera.Webhooks;
using static Tessera.DataApi.GraphQLMutations;

namespace Tessera.DataApi;

/// <summary>
/// <c>connectionSimulateError</c>: in SANDBOX environments, puts one of the caller's connections in an error status
/// and records the webhook event a real sync failure would, in the same write, so an app's repair flow can be tested.
/// </summary>
public static class ConnectionErrorSimulation
{
    /// <summary>The event Quiltt sends for each error status (quiltt.dev/webhooks/schemas).</summary>
    public static string EventFor(ConnectionStatus status) => status switch
    {
        ConnectionStatus.ErrorRepairable => EventTypes.ConnectionSyncedErroredRepairable,
        ConnectionStatus.ErrorInstitution => EventTypes.ConnectionSyncedErroredInstitution,
        ConnectionStatus.ErrorProvider => EventTypes.ConnectionSyncedErroredProvider,
        ConnectionStatus.ErrorService => EventTypes.ConnectionSyncedErroredService,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "not an error status"),
    };

    public static async Task<object> SimulateAsync(ResolveFieldContext ctx)
    {
        var input = Input(ctx);
        var id = input.TryGetValue("id", out var raw) ? raw as string : null;
        // The schema's enum admits error statuses only; its default is ERROR_REPAIRABLE.
        var status = input.TryGetValue("status", out var s) && s is string name && WireEnum.TryParse<ConnectionStatus>(name, out var parsed)
            ? parsed : ConnectionStatus.ErrorRepairable;
        var caller = (GraphQLCaller)ctx.UserContext!;
        var clock = ctx.Services!.GetRequiredService<TimeProvider>();
        return await caller.WithDbAsync<object>(async db =>
        {
            var mode = await db.Environments.AsNoTracking().Where(e => e.Id == caller.EnvironmentId).Select(e => e.Mode).FirstAsync(ctx.CancellationToken);
            // Production data must only ever say what the institution said.
            if (mode != EnvironmentMode.Sandbox)
                return Payload(false, null, [CodedError("NOT_SANDBOX", "connectionSimulateError is available in SANDBOX environments only.")], input);
            if (id is null) return Payload(false, null, [Error("Not found.", "id")], input);

            await using var transaction = await db.BeginWriteTransactionAsync(ctx.CancellationToken);
            var connection = await OwnedRows.FindForUpdateAsync<Connection>(db, caller, id, ctx.CancellationToken);
            if (connection is null) return Payload(false, null, [Error("Not found.", "id")], input);
            var now = clock.GetUtcNow().UtcDateTime;
            connection.Status = status;
            connection.UpdatedAt = now;
            EventLog.Record(db, EventFor(status), connection.EnvironmentId, connection.ProfileId, new { id = connection.Id, uuid = connection.Uuid }, now);
            await db.SaveChangesAsync(ctx.CancellationToken);
            await FinancialDataVersions.BumpAsync(db, [caller.ProfileId], ctx.CancellationToken);
            await transaction.CommitAsync(ctx.CancellationToken);
            return Payload(true, connection, null, input);
        });
    }
}
