using ESoviet.Web.Accounts;

namespace ESoviet.Web.Tests.Accounts;

public sealed class Lockout_backoff
{
    private readonly SignInProtectionOptions limits = new()
    {
        LockoutThreshold = 5,
        LockoutBase = TimeSpan.FromMinutes(1),
        LockoutMax = TimeSpan.FromHours(1),
    };

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public void Below_the_threshold_there_is_no_lock(int failures) => limits.LockFor(failures).Should().BeNull();

    [Theory]
    [InlineData(5, 1)]
    [InlineData(6, 2)]
    [InlineData(7, 4)]
    [InlineData(10, 32)]
    [InlineData(11, 60)]
    [InlineData(1000, 60)]
    [InlineData(int.MaxValue, 60)]
    public void Each_failure_past_the_threshold_doubles_the_lock_up_to_the_cap(int failures, int minutes) =>
        limits.LockFor(failures).Should().Be(TimeSpan.FromMinutes(minutes));
}
