namespace ESoviet.Web.Demo;

/// <summary>The demo seed's own clock: it moves forward as the seeded history unfolds, never past the real present.</summary>
public sealed class DemoClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => MoveTo(_now + by);

    public void MoveTo(DateTimeOffset when)
    {
        var present = System.GetUtcNow();
        _now = when > present ? present : when < _now ? _now : when;
    }
}
