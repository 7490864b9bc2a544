using ESoviet.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ESoviet.Web.Tests.Membership;

/// <summary>
/// The app with a clock the tests can move and founding open to every test (each founds its own organizations,
/// so no test sees another's). The clock is shared by a class's tests: move it only forward, and only after
/// creating what the test means to age.
/// </summary>
public sealed class MembershipFixture : AppFixture
{
    public TestClock Clock { get; } = new();

    protected override string DatabasePrefix => "membership";

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.UseSetting("ESoviet:AllowFoundingAfterFirst", "true");
}
