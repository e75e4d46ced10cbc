using Tessera.Hosting;
using Xunit;

namespace Tessera.Tests.Hosting;

/// <summary>Retry or give up after a failed attempt, at each boundary: the outbox's attempt budget, the webhooks' retry window.</summary>
public sealed class RetryPolicyTests
{
    private static readonly DateTime Created = new(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc);
    private static readonly RetryBackoff Backoff = new(TimeSpan.FromSeconds(10), TimeSpan.FromHours(1));
    // No jitter: the wait is exactly base × 2^(attempts - 1), capped.
    private const double Even = 0.5;

    private static readonly RetryPolicy Outbox = new(Backoff, MaxAttempts: 3);
    private static readonly RetryPolicy Webhooks = new(Backoff, RetryFor: TimeSpan.FromDays(3));

    [Fact]
    public void UnderTheAttemptBudgetTheNextAttemptIsOneBackoffAway()
    {
        var now = Created.AddMinutes(1);
        Assert.Equal(now.AddSeconds(10), Outbox.NextAttempt(1, permanent: false, Created, now, Even));
        Assert.Equal(now.AddSeconds(20), Outbox.NextAttempt(2, permanent: false, Created, now, Even));
    }

    [Fact]
    public void AtTheAttemptBudgetTheJobIsGivenUp() =>
        Assert.Null(Outbox.NextAttempt(3, permanent: false, Created, Created, Even));

    [Fact]
    public void APermanentFailureIsGivenUpAtOnce()
    {
        Assert.Null(Outbox.NextAttempt(1, permanent: true, Created, Created, Even));
        Assert.Null(Webhooks.NextAttempt(1, permanent: true, Created, Created, Even));
    }

    [Fact]
    public void ANextAttemptExactlyAtTheEndOfTheRetryWindowIsStillMade()
    {
        var now = Created.AddDays(3).AddHours(-1);
        Assert.Equal(Created.AddDays(3), Webhooks.NextAttempt(20, permanent: false, Created, now, Even));
    }

    [Fact]
    public void ANextAttemptPastTheRetryWindowIsNotMade()
    {
        var now = Created.AddDays(3).AddHours(-1).AddTicks(1);
        Assert.Null(Webhooks.NextAttempt(20, permanent: false, Created, now, Even));
    }

    [Fact]
    public void WithoutAnAttemptBudgetOnlyTheWindowEndsRetries() =>
        Assert.Equal(Created.AddHours(1), Webhooks.NextAttempt(1_000, permanent: false, Created, Created, Even));

    [Fact]
    public void WithoutAWindowOnlyTheBudgetEndsRetries()
    {
        var late = Created.AddYears(1);
        Assert.Equal(late.AddSeconds(20), Outbox.NextAttempt(2, permanent: false, Created, late, Even));
    }
}
