using ESoviet.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ESoviet.Web.Tests.Accounts;

/// <summary>The app with a hand-moved clock, for lockouts that must expire without the test waiting.</summary>
public sealed class ClockedAppFixture : AppFixture
{
    public TestClock Clock { get; } = new();

    protected override string DatabasePrefix => "accounts_clock";

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
}

/// <summary>The app with the production-like small per-address sign-in limits (tests otherwise lift them).</summary>
public sealed class StrictRateLimitAppFixture : AppFixture
{
    public const int Permits = 3;

    protected override string DatabasePrefix => "accounts_rate";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ESoviet:SignIn:PermitsPerWindow", Permits.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("ESoviet:SignIn:RateLimitWindow", "00:10:00");
        builder.UseSetting("ESoviet:SignIn:RecoveryPermitsPerWindow", "2");
        builder.UseSetting("ESoviet:SignIn:RecoveryRateLimitWindow", "00:10:00");
    }
}
