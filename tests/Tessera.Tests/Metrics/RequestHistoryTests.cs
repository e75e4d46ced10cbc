using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Metrics;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Metrics;

/// <summary>The hourly request history behind the console's request and p99 charts.</summary>
public sealed class RequestHistoryTests
{
    [Fact]
    public void EveryDurationLandsInABucketWhoseUpperBoundIsWithinAQuarterAboveIt()
    {
        for (var micros = 1L; micros < 3_600_000_000L; micros = micros * 9 / 8 + 1)
        {
            var elapsed = TimeSpan.FromTicks(micros * TimeSpan.TicksPerMicrosecond);
            var bound = RequestHistory.UpperBound(RequestHistory.Bucket(elapsed));
            if (RequestHistory.Bucket(elapsed) == RequestHistory.Buckets - 1) continue; // past the last bound: clamped
            Assert.True(bound > elapsed, $"{micros} µs: bound {bound.TotalMicroseconds} µs");
            Assert.True(bound.TotalMicroseconds <= micros * 1.25 + 0.5, $"{micros} µs: bound {bound.TotalMicroseconds} µs");
        }
        Assert.Equal(RequestHistory.Buckets - 1, RequestHistory.Bucket(TimeSpan.FromHours(2)));
        Assert.Equal(0, RequestHistory.Bucket(TimeSpan.Zero));
    }

    [Fact]
    public void EachHourCountsItsRequestsAndItsP99ComesFromItsOwnSlowestPercent()
    {
        var clock = new FakeClock(new DateTimeOffset(2026, 12, 7, 9, 15, 0, TimeSpan.Zero));
        var history = new RequestHistory(clock);
        var nine = clock.GetUtcNow();
        for (var i = 0; i < 98; i++) history.Record(nine, TimeSpan.FromMilliseconds(1));
        history.Record(nine, TimeSpan.FromMilliseconds(50));
        history.Record(nine, TimeSpan.FromMilliseconds(50));
        var ten = nine.AddHours(1);
        for (var i = 0; i < 3; i++) history.Record(ten, TimeSpan.FromMilliseconds(4));
        clock.Advance(TimeSpan.FromHours(2)); // now 11:15: 9:00 and 10:00 are the two hours before this one

        var day = history.LastDay();
        Assert.Equal(RequestHistory.Hours, day.Length);
        Assert.Equal(new DateTime(2026, 12, 7, 11, 0, 0, DateTimeKind.Utc), day[^1].Start);
        Assert.Equal(new RequestHistory.Hour(day[^1].Start, 0, null), day[^1]);
        Assert.Equal((100L, new DateTime(2026, 12, 7, 9, 0, 0, DateTimeKind.Utc)), (day[^3].Requests, day[^3].Start));
        Assert.InRange(day[^3].P99!.Value.TotalMilliseconds, 50, 62.5);
        Assert.Equal(3, day[^2].Requests);
        Assert.InRange(day[^2].P99!.Value.TotalMilliseconds, 4, 5);
        Assert.Equal(103, day.Sum(h => h.Requests));
    }

    [Fact]
    public void AnHourADayOldIsForgottenWhenItsSlotIsReused()
    {
        var clock = new FakeClock(new DateTimeOffset(2026, 12, 7, 9, 15, 0, TimeSpan.Zero));
        var history = new RequestHistory(clock);
        history.Record(clock.GetUtcNow(), TimeSpan.FromMilliseconds(1));
        clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(1, history.LastDay()[0].Requests); // 9:00 yesterday is the oldest hour shown

        clock.Advance(TimeSpan.FromHours(1)); // 9:15 the next day: same slot, a day later
        Assert.Equal(0, history.LastDay().Sum(h => h.Requests));
        history.Record(clock.GetUtcNow(), TimeSpan.FromMilliseconds(2));
        Assert.Equal(1, history.LastDay()[^1].Requests);
        Assert.Equal(1, history.LastDay().Sum(h => h.Requests));
    }

    [Fact]
    public async Task TheMiddlewareRecordsSynchronousAsynchronousAndFailedRequestsButNotASocketsLifetime()
    {
        var clock = new FakeClock(new DateTimeOffset(2026, 12, 7, 9, 15, 0, TimeSpan.Zero));
        var services = new ServiceCollection().AddSingleton<TimeProvider>(clock).AddSingleton<TesseraMetrics>().AddSingleton<RequestHistory>().BuildServiceProvider();
        var app = new ApplicationBuilder(services);
        app.UseRequestCounting();
        var release = new TaskCompletionSource();
        app.Run(context => context.Request.Path.Value switch
        {
            "/sync" => Task.CompletedTask,
            "/async" => release.Task,
            "/throws" => throw new InvalidOperationException("handler failed"),
            "/socket" => SwitchProtocols(context),
            _ => Task.CompletedTask,
        });
        var pipeline = app.Build();
        var history = services.GetRequiredService<RequestHistory>();
        long Recorded() => history.LastDay().Sum(h => h.Requests);

        await pipeline(Request("/sync"));
        Assert.Equal(1, Recorded());
        var slow = pipeline(Request("/async"));
        Assert.Equal(1, Recorded()); // not before it ends
        release.SetResult();
        await slow;
        Assert.Equal(2, Recorded());
        await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline(Request("/throws")));
        Assert.Equal(3, Recorded());
        await pipeline(Request("/socket"));
        Assert.Equal(3, Recorded());
        Assert.Equal(4, services.GetRequiredService<TesseraMetrics>().HttpRequests); // still counted as a request
    }

    private static DefaultHttpContext Request(string path) => new() { Request = { Path = path } };

    private static Task SwitchProtocols(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status101SwitchingProtocols;
        return Task.CompletedTask;
    }

    [Fact]
    public void ConcurrentRecordsAreAllCounted()
    {
        var clock = new FakeClock(new DateTimeOffset(2026, 12, 7, 9, 15, 0, TimeSpan.Zero));
        var history = new RequestHistory(clock);
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 10_000; i++) history.Record(clock.GetTimestamp());
        });
        Assert.Equal(80_000, history.LastDay()[^1].Requests);
    }
}
