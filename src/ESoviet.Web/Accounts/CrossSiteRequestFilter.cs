using Microsoft.AspNetCore.Antiforgery;

namespace ESoviet.Web.Accounts;

/// <summary>
/// Guards every write under <c>/api</c> (registered once on the group) against cross-site request forgery:
/// <list type="bullet">
/// <item>a browser's <c>Origin</c> (or, without one, <c>Sec-Fetch-Site</c>) must name this site: .NET has no
/// automatic origin check, and this one also covers writes made before signing in (sign-in, accepting an invitation);</item>
/// <item>a write authenticated by the session cookie must carry the antiforgery token in <c>X-CSRF-TOKEN</c>.
/// Bearer-token requests need none: a browser never attaches a token on its own.</item>
/// </list>
/// Refusals happen before the handler runs, so nothing changes.
/// </summary>
public sealed class CrossSiteRequestFilter(IAntiforgery antiforgery) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method))
        {
            return await next(invocation);
        }

        if (!IsSameOrigin(context.Request))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Cross-site request refused",
                detail: "This request came from another site. Writes are accepted only from pages of this site or from programs.");
        }

        if (context.User.IsCookieSession() && !await antiforgery.IsRequestValidAsync(context))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Antiforgery token missing or invalid",
                detail: $"A write with the session cookie must send the csrfToken from GET /api/session in the {AccountsSetup.AntiforgeryHeader} header.");
        }

        return await next(invocation);
    }

    /// <summary>True unless the browser says the request comes from another origin.</summary>
    public static bool IsSameOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0)
        {
            // "null" (a sandboxed frame, a file: page, some redirects) is another origin too.
            return string.Equals(origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase);
        }

        // Browsers send Origin with every POST, PUT, PATCH and DELETE; this covers one that did not.
        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        return fetchSite is not ("cross-site" or "same-site");
    }
}
