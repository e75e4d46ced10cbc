using Npgsql;

namespace Tessera.Data;

/// <summary>
/// LISTENs on one PostgreSQL channel over a dedicated connection and calls <c>wake</c> on each notification, and once
/// after each (re)connect for what was committed while not listening. Notifications only shorten a poll's wait:
/// callers keep polling, so a dropped connection costs at most one poll interval. Reconnects with a backoff up to 30 s.
/// </summary>
public static class PostgresListener
{
    public static async Task ListenAsync(string connectionString, string channel, string applicationName, Action wake,
        TaskCompletionSource listening, ILogger logger, CancellationToken stoppingToken)
    {
        var dedicated = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,        // a long-lived LISTEN connection must not go back to the pool
            KeepAlive = 30,         // notice a silently dead connection
            ApplicationName = applicationName,
        }.ConnectionString;
        var retry = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(dedicated);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, _) => wake();
                await using (var listen = new NpgsqlCommand($"LISTEN {channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                wake(); // anything committed while not listening
                listening.TrySetResult();
                retry = TimeSpan.FromSeconds(1);
                while (!stoppingToken.IsCancellationRequested) await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or System.Net.Sockets.SocketException or TimeoutException)
            {
                logger.LogWarning(ex, "Listening on {Channel} failed; polling alone until reconnected in {Retry}", channel, retry);
                try { await Task.Delay(retry, stoppingToken); }
                catch (OperationCanceledException) { return; }
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }
}
