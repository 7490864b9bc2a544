using ESoviet.Web.Voting;
using ESoviet.Web.Deliberation;
using ESoviet.Web.About;
using ESoviet.Web.Accounts;
using ESoviet.Web.Decisions;
using ESoviet.Web.Membership;
using ESoviet.Web.Ledger;
using Microsoft.AspNetCore.Mvc;

namespace ESoviet.Web.Infrastructure;

/// <summary>The <c>/api</c> route group: JSON for programs. Each feature maps its own endpoints onto it.</summary>
public static class ApiEndpoints
{
    public const string Prefix = "/api";

    /// <summary>
    /// The largest JSON body /api reads: a contribution of 100,000 characters, all escaped, is about 600 KB. Kestrel's
    /// 30 MB default would let every endpoint be made to buffer 30 MB; the upload endpoint sets its own, larger limit.
    /// </summary>
    public const long MaxJsonBodyBytes = 2 * 1024 * 1024;

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
        api.WithMetadata(new RequestSizeLimitAttribute(MaxJsonBodyBytes));

        // Every write of every feature: same-origin check, and the antiforgery token when the cookie authenticates.
        api.AddEndpointFilter<CrossSiteRequestFilter>();

        // The API's description, at the address OpenAPI tools look for first.
        app.MapOpenApi("/openapi/{documentName}.json");
        api.MapVersionApi();
        api.MapAccountsApi();
        api.MapMembershipApi();
        api.MapDeliberationApi();
        api.MapVotingApi();
        api.MapDecisionsApi();
        api.MapLedgerApi();

        return app;
    }
}
