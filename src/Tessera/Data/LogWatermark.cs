namespace Tessera.Data;

/// <summary>
/// How far a reader has read a log whose ids come from a sequence (revocations, events). On PostgreSQL a transaction
/// holding a lower id can commit after one holding a higher, so the watermark advances only over ids seen; a hole is
/// re-read until it fills or <c>holeGrace</c> passes (a rolled-back insert leaves one for ever). Ids seen above the
/// watermark are remembered, so nothing is handled twice. Not thread-safe: one reader, or its own lock.
/// </summary>
public sealed class LogWatermark(TimeProvider clock, TimeSpan holeGrace)
{
    /// <summary>Holes wider than this (a bulk import or revocation) are not worth waiting for one by one.</summary>
    private const long MaxTrackedGap = 100_000;

    private readonly SortedDictionary<long, long> _seenAbove = new();
    private readonly Dictionary<long, long> _holesFirstSeen = new();

    /// <summary>Every id up to this one has been read (or given up on).</summary>
    public long Value { get; private set; }

    /// <summary>Starts over at <paramref name="id"/>, forgetting what was seen above it.</summary>
    public void Reset(long id)
    {
        Value = id;
        _seenAbove.Clear();
        _holesFirstSeen.Clear();
    }

    /// <summary>Whether <paramref name="id"/>, above the watermark, was read already.</summary>
    public bool Seen(long id) => _seenAbove.ContainsKey(id);

    /// <summary>Records that <paramref name="id"/> was read (at the clock's timestamp <paramref name="now"/>).</summary>
    public void Observe(long id, long now)
    {
        _seenAbove[id] = now;
        _holesFirstSeen.Remove(id);
    }

    /// <summary>Moves the watermark over every id seen, and over holes older than the grace.</summary>
    public void Advance(long now)
    {
        if (_seenAbove.Count == 0) return;
        var newest = _seenAbove.Keys.Last();
        if (newest - Value > MaxTrackedGap)
        {
            Reset(newest);
            return;
        }
        for (var id = Value + 1; id < newest; id++)
            if (!_seenAbove.ContainsKey(id)) _holesFirstSeen.TryAdd(id, now);
        while (true)
        {
            var next = Value + 1;
            if (_seenAbove.Remove(next)) { Value = next; continue; }
            if (_holesFirstSeen.TryGetValue(next, out var firstSeen) && clock.GetElapsedTime(firstSeen, now) >= holeGrace)
            {
                _holesFirstSeen.Remove(next);
                Value = next;
                continue;
            }
            return;
        }
    }
}
