using Microsoft.Extensions.Options;
using Tessera.Data;

namespace Tessera.Sessions;

/// <summary>
/// On PostgreSQL, wakes <see cref="RevocationSync"/> the moment another instance commits a revocation: a trigger on
/// <c>revocations</c> sends <c>NOTIFY tessera_revocations</c> (delivered at commit, so the row is visible), and this
/// service LISTENs on one dedicated connection. It only shortens the wait: polling stays the source of truth, so a
/// dropped connection or a missed notification costs at most one poll interval, never a revocation.
/// </summary>
public sealed class RevocationNotifications(RevocationSync sync, IOptions<DatabaseOptions> database, ILogger<RevocationNotifications> logger) : BackgroundService
{
    public const string Channel = "tessera_revocations";

    // Lets tests revoke once a notification can arrive, instead of after a guessed delay.
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once this instance LISTENs (first connection) and has woken the sync for what came before.</summary>
    internal Task Listening => _listening.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (database.Value.Provider != DatabaseProvider.Postgres) return;
        Metrics.BackgroundWork.MarkCurrentFlow();
        await PostgresListener.ListenAsync(database.Value.EffectiveConnectionString, Channel, "tessera-revocation-listener", sync.Wake,
            _listening, logger, stoppingToken);
    }
}
