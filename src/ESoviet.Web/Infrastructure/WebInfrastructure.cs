using System.Text.Json.Serialization;

namespace ESoviet.Web.Infrastructure;

/// <summary>Registrations and middleware every feature relies on; features add their own pieces beside these.</summary>
public static class WebInfrastructure
{
    public static WebApplicationBuilder AddWebInfrastructure(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ESovietOptions>()
            .BindConfiguration(ESovietOptions.SectionName)
            .ValidateOnStart();

        // Which software and version runs here is for /api/version to say, not every response header.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

        builder.Services.AddProblemDetails();

        // A field the API does not know is refused (400) rather than ignored: a misspelt "choise" must not cast a
        // default vote, and a client probing for hidden fields ("isAdmin") learns that there are none.
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            json.SerializerOptions.Converters.Add(new NulCharacters.RefusingConverter());
        });
        builder.Services.AddApi();
        builder.Services.AddRazorPages();
        builder.AddHealth();
        return builder;
    }

    public static WebApplication UseWebInfrastructure(this WebApplication app)
    {
        // First, so that error pages, problem documents and static files carry the headers too.
        app.UseSecurityHeaders();
        app.UseErrorHandling();
        app.UseDatabaseReadiness();
        app.UseNulRefusal();

        // Plain files from wwwroot rather than MapStaticAssets: it needs the build's static web assets manifest,
        // which the app does not load outside Development (so not under the tests' "Testing" environment).
        app.UseStaticFiles();

        // Explicitly after error handling, so a re-executed request (/Error/404) is routed afresh.
        app.UseRouting();
        return app;
    }
}
