using Tessera.Hosting;
using Xunit;

namespace Tessera.Tests.Hosting;

/// <summary>The retry wait of the outbox and the webhooks at its edges: first failure, doubling, cap, jitter bounds.</summary>
public sealed class RetryBackoffTests
{
    private static readonly RetryBackoff Backoff = new(TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(10));

    // Just under 1: the largest jitter Random.NextDouble returns.
    private const double HighestJitter = 1 - 1e-12;

    public static TheoryData<string, int, double, double> Cases => new()
    {
        { "first failure, lowest jitter: 80 % of the base", 1, 0, 4_000 },
        { "first failure, no jitter", 1, 0.5, 5_000 },
        { "first failure, highest jitter: 120 % of the base", 1, HighestJitter, 6_000 },
        { "second failure doubles", 2, 0.5, 10_000 },
        { "third failure doubles again", 3, 0.5, 20_000 },
        { "seventh failure, one doubling under the cap", 7, 0.5, 320_000 },
        { "eighth failure reaches the cap", 8, 0.5, 600_000 },
        { "at the cap, lowest jitter: 80 % of the maximum", 8, 0, 480_000 },
        { "at the cap, highest jitter: never past the maximum", 8, HighestJitter, 600_000 },
        { "one doubling under the cap, highest jitter: 120 %", 7, HighestJitter, 384_000 },
        { "the 31st failure and beyond do not overflow", 31, 0.5, 600_000 },
        { "int.MaxValue failures", int.MaxValue, 0, 480_000 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void WaitAfterAFailedAttempt(string because, int failedAttempts, double jitter, double expectedMilliseconds)
    {
        var wait = Backoff.After(failedAttempts, jitter);
        Assert.True(Math.Abs(wait.TotalMilliseconds - expectedMilliseconds) < 0.01, $"{because}: {wait.TotalMilliseconds} ms");
    }

    [Fact]
    public void JitterNeverTakesTheWaitPastTheMaximum()
    {
        var tight = new RetryBackoff(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(11));
        Assert.Equal(TimeSpan.FromSeconds(11), tight.After(1, HighestJitter));
        Assert.Equal(TimeSpan.FromSeconds(11), tight.After(2, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(8.8), tight.After(2, 0));
    }

    [Fact]
    public void ARandomWaitStaysWithinTwentyPercentOfTheDoubling()
    {
        for (var i = 0; i < 1_000; i++)
        {
            var wait = Backoff.After(3);
            Assert.InRange(wait, TimeSpan.FromSeconds(16), TimeSpan.FromSeconds(24));
        }
    }

    [Fact]
    public void ZeroFailedAttemptsIsACallerError() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.After(0, 0.5));
}
