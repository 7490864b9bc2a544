using ESoviet.Web.About;

namespace ESoviet.Web.Infrastructure;

/// <summary>The <c>/api</c> route group: JSON for programs. Each feature maps its own endpoints onto it.</summary>
public static class ApiEndpoints
{
    public const string Prefix = "/api";

    public static bool IsApiRequest(HttpContext context) => context.Request.Path.StartsWithSegments(Prefix);

    public static IServiceCollection AddApi(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "ESoviet API";
            document.Info.Version = VersionInfo.Current.Version;
            return Task.CompletedTask;
        }));

    public static IEndpointRouteBuilder MapApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Prefix);

        api.MapOpenApi("/openapi/{documentName}.json");
        api.MapVersionApi();

        return app;
    }
}
