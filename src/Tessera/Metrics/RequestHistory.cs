using System.Numerics;

namespace Tessera.Metrics;

/// <summary>
/// This instance's requests per hour and their latency distribution over the last day, for the console's charts.
/// A ring of 24 hourly slots, each a latency histogram with four buckets per power of two of microseconds (a bucket's
/// bounds are at most 25 % apart, so a percentile read from it is that close). Recording is two interlocked
/// increments and no allocation: it runs on every request.
/// </summary>
public sealed class RequestHistory(TimeProvider clock)
{
    public const int Hours = 24;
    private const int BucketsPerDoubling = 4;
    /// <summary>Up to 2^31 µs (36 minutes); anything longer lands in the last bucket.</summary>
    internal const int Buckets = 31 * BucketsPerDoubling;

    private readonly long[] _hourOfSlot = new long[Hours]; // hours since the epoch that each slot holds; 0 = none yet
    private readonly long[] _counts = new long[Hours * Buckets];
    private readonly Lock _reset = new();

    /// <summary>Records a request that started at <paramref name="startedTimestamp"/> (<see cref="TimeProvider.GetTimestamp"/>) and ends now.</summary>
    public void Record(long startedTimestamp) => Record(clock.GetUtcNow(), clock.GetElapsedTime(startedTimestamp));

    internal void Record(DateTimeOffset at, TimeSpan elapsed)
    {
        var hour = at.ToUnixTimeSeconds() / 3600;
        var slot = (int)(hour % Hours);
        if (Volatile.Read(ref _hourOfSlot[slot]) != hour) Claim(slot, hour);
        Interlocked.Increment(ref _counts[slot * Buckets + Bucket(elapsed)]);
    }

    // Once an hour per slot: the first request of a new hour clears what the slot held a day ago. A request of the
    // old hour finishing at that instant may land in the new one: one count, once a day.
    private void Claim(int slot, long hour)
    {
        lock (_reset)
        {
            if (Volatile.Read(ref _hourOfSlot[slot]) >= hour) return;
            Array.Clear(_counts, slot * Buckets, Buckets);
            Volatile.Write(ref _hourOfSlot[slot], hour);
        }
    }

    /// <summary>The histogram bucket of a duration: 4 per power of two of microseconds.</summary>
    internal static int Bucket(TimeSpan elapsed)
    {
        var micros = (ulong)Math.Max(1, elapsed.Ticks / TimeSpan.TicksPerMicrosecond);
        var log = BitOperations.Log2(micros);
        // The two bits after the leading one say which quarter of [2^log, 2^(log+1)) the value is in.
        var quarter = log >= 2 ? (int)((micros >> (log - 2)) & 3) : (int)((micros << (2 - log)) & 3);
        return Math.Min(Buckets - 1, log * BucketsPerDoubling + quarter);
    }

    /// <summary>The largest duration a bucket holds (its upper bound).</summary>
    internal static TimeSpan UpperBound(int bucket)
    {
        var log = bucket / BucketsPerDoubling;
        var quarter = bucket % BucketsPerDoubling;
        // Bucket (log, q) holds [2^log * (4+q)/4, 2^log * (5+q)/4).
        var micros = Math.Pow(2, log) * (5 + quarter) / 4;
        return TimeSpan.FromTicks((long)(micros * TimeSpan.TicksPerMicrosecond));
    }

    public readonly record struct Hour(DateTime Start, long Requests, TimeSpan? P99);

    /// <summary>The <see cref="Hours"/> hours ending with the current one, oldest first; hours without requests count 0.</summary>
    public Hour[] LastDay()
    {
        var current = clock.GetUtcNow().ToUnixTimeSeconds() / 3600;
        var hours = new Hour[Hours];
        var histogram = new long[Buckets];
        for (var i = 0; i < Hours; i++)
        {
            var hour = current - (Hours - 1) + i;
            var slot = (int)(hour % Hours);
            var start = DateTime.UnixEpoch.AddHours(hour);
            if (Volatile.Read(ref _hourOfSlot[slot]) != hour)
            {
                hours[i] = new Hour(start, 0, null);
                continue;
            }
            long total = 0;
            for (var b = 0; b < Buckets; b++) total += histogram[b] = Volatile.Read(ref _counts[slot * Buckets + b]);
            hours[i] = new Hour(start, total, total == 0 ? null : Percentile(histogram, total, 0.99));
        }
        return hours;
    }

    private static TimeSpan Percentile(long[] histogram, long total, double quantile)
    {
        var rank = (long)Math.Ceiling(total * quantile);
        long seen = 0;
        for (var b = 0; b < histogram.Length; b++)
        {
            seen += histogram[b];
            if (seen >= rank) return UpperBound(b);
        }
        return UpperBound(histogram.Length - 1);
    }
}
