using System.Diagnostics;
using Tessera.Telemetry;

namespace Tessera.Hosting;

/// <summary>
/// A background loop every instance runs: poll, wait, poll again. A failed poll is logged and retried at the next one
/// (a timeout or any other cancellation that is not shutdown counts as a failure, not as the end); shutdown ends the
/// loop quietly.
/// </summary>
public abstract class PollingService(ILogger logger) : BackgroundService
{
    private long _pollsCompleted;

    /// <summary>Polls finished so far, failed ones included: tests wait for the next ones instead of sleeping.</summary>
    internal long PollsCompleted => Interlocked.Read(ref _pollsCompleted);

    /// <summary>The clock intervals are measured on (tests move a fake one).</summary>
    protected abstract TimeProvider Clock { get; }

    /// <summary>Time between the end of one poll and the start of the next.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>What the log says when a poll fails (never the data).</summary>
    protected abstract string FailureMessage { get; }

    /// <summary>Wait one interval before the first poll (when start-up already did the work, or it can wait).</summary>
    protected virtual bool WaitFirst => false;

    /// <summary>False to run no loop at all (polling left to the caller, as in tests).</summary>
    protected virtual bool Enabled => true;

    protected abstract Task PollAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs at shutdown once the loop has ended: a service lets go of what it still holds (leases), so another instance
    /// takes it over now rather than when the lease expires. A failure here is logged: the lease then expires as usual.
    /// </summary>
    protected virtual Task ReleaseAtShutdownAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!Enabled) return;
        try
        {
            await ReleaseAtShutdownAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Releasing leases at shutdown failed; they expire on their own");
        }
    }

    /// <summary>Waits for the next poll. Defaults to <see cref="Interval"/>; a service woken by a signal overrides it.</summary>
    protected virtual Task WaitAsync(CancellationToken cancellationToken) => Task.Delay(Interval, Clock, cancellationToken);

    /// <summary>"OutboxDispatcher" polls as "outbox_dispatcher.poll".</summary>
    internal static string ActivityName(Type loop)
    {
        var name = new System.Text.StringBuilder();
        foreach (var c in loop.Name)
        {
            if (char.IsUpper(c) && name.Length > 0) name.Append('_');
            name.Append(char.ToLowerInvariant(c));
        }
        return name.Append(".poll").ToString();
    }

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled) return;
        Metrics.BackgroundWork.MarkCurrentFlow(); // its SQL is not billed to requests
        var spanName = ActivityName(GetType());
        try
        {
            if (WaitFirst) await WaitAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                // One root span a poll when tracing is on (the poll's SQL and HTTP calls are its children); null otherwise.
                using (var span = TesseraTelemetry.Source.StartActivity(spanName))
                {
                    try
                    {
                        await PollAsync(stoppingToken);
                    }
                    catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                    {
                        span?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
                        logger.LogWarning(ex, "{Failure}", FailureMessage);
                    }
                }
                Interlocked.Increment(ref _pollsCompleted);
                await WaitAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
