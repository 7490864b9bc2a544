namespace ESoviet.Testing;

/// <summary>
/// A clock a test moves by hand: register it as the app's <see cref="TimeProvider"/> (in
/// <see cref="AppFixture.ConfigureServices"/>) and call <see cref="Advance"/> to make a week pass at once.
/// Timers and timestamps for elapsed time stay real, so timeouts and delays still behave.
/// </summary>
public sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    private long offsetTicks;

    /// <summary>Starts at the real current time, so cookies and tokens issued by the app look ordinary.</summary>
    public TestClock()
        : this(DateTimeOffset.UtcNow)
    {
    }

    public DateTimeOffset Start { get; } = start.ToUniversalTime();

    public override DateTimeOffset GetUtcNow() => Start.AddTicks(Interlocked.Read(ref offsetTicks));

    /// <summary>Moves the clock forward (or back, with a negative span) for every later reading, on every thread.</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);
}
