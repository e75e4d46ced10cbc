using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Tessera.Data;
using Tessera.Metrics;

namespace Tessera.Sessions;

/// <summary>
/// Server-side issuance for an existing profile on PostgreSQL, in three round trips of plain Npgsql commands (which
/// Npgsql prepares after their second use, <c>Max Auto Prepare</c>): <c>BEGIN</c> with the profile read under its row
/// lock; the limit count; the session and audit inserts with the <c>COMMIT</c>. Through EF the same work took four
/// round trips and most of the server's ~830 µs of CPU per issuance (bench/README.md).
/// </summary>
/// <remarks>
/// The order and the guarantees are the general path's: the count runs after the row lock, as its own statement, so
/// it sees every session committed by whoever held the lock before (READ COMMITTED takes a new snapshot per statement).
/// </remarks>
public sealed class PostgresIssuanceWriter(
    SessionTokenIssuer issuer, IOptions<SessionTokenOptions> tokenOptions, IOptions<IssuanceLimitOptions> limits, TesseraMetrics metrics, TimeProvider clock)
{
    private const string ProfileColumns = "SELECT id, uuid, disabled_at IS NOT NULL FROM profiles WHERE environment_id = $1";
    private const string ProfileById = $"{ProfileColumns} AND id = $2 FOR UPDATE";
    private const string ProfileByUuid = $"{ProfileColumns} AND uuid = $2 FOR UPDATE";
    private const string Recent = "SELECT issued_at FROM sessions WHERE profile_id = $1 AND revoked_at IS NULL AND issued_at > $2";

    public async Task<IssuanceOutcome> IssueAsync(TesseraDbContext db, IssuanceRequest request, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var open = false;
        try
        {
            // Round trip 1: BEGIN and the profile, locked.
            await using var find = new NpgsqlBatch(connection);
            find.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
            find.BatchCommands.Add(request.ProfileId is { } id
                ? PostgresStatement.Of(ProfileById, request.Key.EnvironmentId, id)
                : PostgresStatement.Of(ProfileByUuid, request.Key.EnvironmentId, request.ProfileUuid!.Value));
            open = true;
            (string Id, Guid Uuid, bool Disabled)? profile = null;
            await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
            {
                if (await reader.ReadAsync(cancellationToken)) profile = (reader.GetString(0), reader.GetGuid(1), reader.GetBoolean(2));
            }
            metrics.CountRequestDbCommands(1);
            if (profile is null) return new IssuanceOutcome.NotFound();
            if (profile.Value.Disabled) return new IssuanceOutcome.Disabled();

            // Round trip 2: the profile's unrevoked sessions of the last day.
            var now = clock.GetUtcNow();
            var recent = new List<DateTime>();
            await using (var count = new NpgsqlBatch(connection) { BatchCommands = { PostgresStatement.Of(Recent, profile.Value.Id, now.UtcDateTime.AddDays(-1)) } })
            {
                await using var reader = await count.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken)) recent.Add(reader.GetDateTime(0));
            }
            metrics.CountRequestDbCommands(1);
            var allowance = IssuanceAllowance.Evaluate(limits.Value, recent, now.UtcDateTime);
            if (!allowance.Allowed) return new IssuanceOutcome.LimitHit(profile.Value.Id, allowance);

            // Round trip 3: the inserts and the commit.
            var (issued, audit) = request.NewSession(issuer, tokenOptions.Value, profile.Value.Id, profile.Value.Uuid, now);
            await using var write = new NpgsqlBatch(connection);
            write.BatchCommands.Add(issued.Session.PostgresInsert());
            write.BatchCommands.Add(Audit.AuditLog.PostgresInsert(audit));
            write.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            await write.ExecuteNonQueryAsync(cancellationToken);
            open = false;
            metrics.CountRequestDbCommands(1); // one command of two statements, as EF counted its batched save

            return new IssuanceOutcome.Issued(issued, allowance);
        }
        finally
        {
            // Whatever stopped it (not found, disabled, the limit, a failure): nothing of it stays, and the pooled
            // connection goes back with no transaction open. A broken connection is discarded by Npgsql instead.
            if (open) await PostgresStatement.RollBackAsync(connection);
            await db.Database.CloseConnectionAsync();
        }
    }

}
