namespace Tessera.Tests.Infrastructure;

/// <summary>A clock tests move by hand. Timers and elapsed-time measurements stay real.</summary>
public sealed class FakeClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public FakeClock() : this(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero)) { }

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;

    public void Set(DateTimeOffset to) => _now = to;
}
