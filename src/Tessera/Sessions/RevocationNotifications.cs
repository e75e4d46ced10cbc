using Microsoft.Extensions.Options;
using Npgsql;
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
        var connectionString = new NpgsqlConnectionStringBuilder(database.Value.EffectiveConnectionString)
        {
            Pooling = false,        // a long-lived LISTEN connection must not go back to the pool
            KeepAlive = 30,         // notice a silently dead connection
            ApplicationName = "tessera-revocation-listener",
        }.ConnectionString;
        var retry = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, _) => sync.Wake();
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                sync.Wake(); // anything committed while not listening
                _listening.TrySetResult();
                retry = TimeSpan.FromSeconds(1);
                while (!stoppingToken.IsCancellationRequested) await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or System.Net.Sockets.SocketException or TimeoutException)
            {
                logger.LogWarning(ex, "Listening for revocations failed; polling alone until reconnected in {Retry}", retry);
                try { await Task.Delay(retry, stoppingToken); }
                catch (OperationCanceledException) { return; }
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }
}
