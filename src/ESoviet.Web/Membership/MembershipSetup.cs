using ESoviet.Web.Demo;
using ESoviet.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ESoviet.Web.Membership;

/// <summary>Registers organizations, membership and invitations: the access gate, commands, queries and the projection.</summary>
public static class MembershipSetup
{
    /// <summary>Call after <c>AddESovietEventStore</c>: the demo seed's start-up work needs the schema migrated first.</summary>
    public static WebApplicationBuilder AddMembership(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<OrgAccess>();
        services.AddSingleton<MembershipQueries>();
        services.AddSingleton<MembershipCommands>();
        services.AddInlineProjection<MembershipProjection>();

        // A demo instance exists to be tried out, founding included.
        services.PostConfigure<ESovietOptions>(options => options.AllowFoundingAfterFirst |= options.SeedDemo);

        services.Configure<RazorPagesOptions>(options => options.Conventions.Add(new OrgPageConvention()));

        services.AddSingleton<DemoSeed>();
        services.AddHostedService<DemoSeedService>();
        return builder;
    }
}
