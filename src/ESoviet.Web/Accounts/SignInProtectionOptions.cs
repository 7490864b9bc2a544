namespace ESoviet.Web.Accounts;

/// <summary>
/// Limits on guessing, bound from <c>ESoviet:SignIn</c>. Two layers: a per-client-address rate limit on the sign-in
/// endpoints (slows one machine down), and a per-handle lockout with exponential backoff (slows a distributed
/// guesser down on one account). Recovery-code sign-in has its own rate limit and no lockout, so an attacker
/// hammering a password cannot keep the real owner out.
/// </summary>
public sealed class SignInProtectionOptions
{
    public const string SectionName = "ESoviet:SignIn";

    /// <summary>Password sign-in attempts per client address per <see cref="RateLimitWindow"/> (pages and API together).</summary>
    public int PermitsPerWindow { get; set; } = 10;

    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Recovery-code sign-in attempts per client address per <see cref="RecoveryRateLimitWindow"/>.</summary>
    public int RecoveryPermitsPerWindow { get; set; } = 5;

    public TimeSpan RecoveryRateLimitWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Wrong passwords in a row after which the handle is locked.</summary>
    public int LockoutThreshold { get; set; } = 5;

    /// <summary>The first lock's length; each further wrong password after a lock ends doubles it.</summary>
    public TimeSpan LockoutBase { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan LockoutMax { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long the lock lasts after the <paramref name="failures"/>th wrong password in a row; null below the threshold.</summary>
    public TimeSpan? LockFor(int failures)
    {
        if (failures < LockoutThreshold)
        {
            return null;
        }

        // Past 2^20 the cap has long been reached; the bound keeps the multiplication finite.
        var doublings = Math.Min(failures - LockoutThreshold, 20);
        var ticks = Math.Min(LockoutBase.Ticks * (1L << doublings), LockoutMax.Ticks);
        return TimeSpan.FromTicks(ticks);
    }
}
