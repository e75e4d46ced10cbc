using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tessera.Sessions;
using Xunit;

namespace Tessera.Tests.Infrastructure;

/// <summary>
/// Waits on an instance's revocation sync rather than for a length of time: a revocation committed elsewhere must be
/// in force once the instance has finished one poll that started after the commit.
/// </summary>
public static class RevocationSignals
{
    // A bound for a loaded machine, not a speed requirement: the signal normally arrives within one poll interval.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>Waits for a revocation poll of this instance that starts after the call.</summary>
    public static Task NextRevocationPollAsync(this TesseraInstance instance) =>
        instance.Services.GetRequiredService<RevocationSync>().NextPollAsync().WaitAsync(Patience, TestContext.Current.CancellationToken);

    /// <summary>
    /// Waits for a revocation poll of this instance that starts after the call and that a notification started; polls
    /// at the end of the interval do not count. Call it before the write, and await it after.
    /// </summary>
    public static Task NextRevocationPollWokenByANotificationAsync(this TesseraInstance instance) =>
        instance.Services.GetRequiredService<RevocationSync>().NextWokenPollAsync().WaitAsync(Patience, TestContext.Current.CancellationToken);

    /// <summary>Waits until the instance LISTENs for revocations (PostgreSQL).</summary>
    public static Task RevocationListenerReadyAsync(this TesseraInstance instance) =>
        instance.Services.GetServices<IHostedService>().OfType<RevocationNotifications>().Single().Listening
            .WaitAsync(Patience, TestContext.Current.CancellationToken);
}
