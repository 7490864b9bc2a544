namespace ESoviet.Web.Infrastructure;

/// <summary>
/// The system clock moved by a fixed offset, for tests that run the app as a separate process and need its voting
/// periods to have ended: <c>ESoviet:Testing:ClockOffset</c> (a TimeSpan, e.g. <c>5.00:00:00</c>). Honoured only in
/// the <c>Testing</c> environment; production never reads the setting.
/// </summary>
public sealed class ShiftedClock(TimeSpan offset) : TimeProvider
{
    public const string Setting = "ESoviet:Testing:ClockOffset";

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;

    public static TimeProvider For(IHostEnvironment environment, IConfiguration configuration) =>
        environment.IsEnvironment("Testing") && TimeSpan.TryParse(configuration[Setting], global::System.Globalization.CultureInfo.InvariantCulture, out var offset)
            ? new ShiftedClock(offset)
            : System;
}
