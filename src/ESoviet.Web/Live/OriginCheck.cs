using Microsoft.Extensions.Options;

namespace ESoviet.Web.Live;

/// <summary>
/// Browsers send the session cookie with a WebSocket handshake from any site and CORS does not apply to WebSockets, so
/// without this any page on the web could open a live connection as a signed-in visitor and read along. A request that
/// names an origin must name this site's own (scheme and host as the request sees them: behind a proxy, after the
/// forwarded headers) or one of <see cref="LiveOptions.AllowedOrigins"/>. Programs send no Origin and are not affected.
/// </summary>
public static class OriginCheck
{
    public static bool IsAllowed(HttpRequest request, LiveOptions options)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return true;
        // "null" (a sandboxed frame, a file: page) is never this site.
        if (string.Equals(origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase)) return true;
        return options.AllowedOrigins.Any(allowed => string.Equals(origin, allowed.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Wraps every endpoint of the hub (negotiate, WebSocket, long polling): 403 before any upgrade when the origin is foreign.</summary>
    public static TBuilder RequireSameOrigin<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            var next = endpoint.RequestDelegate!;
            endpoint.RequestDelegate = context =>
            {
                if (!IsAllowed(context.Request, context.RequestServices.GetRequiredService<IOptions<LiveOptions>>().Value))
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                }
                // A token that does not authenticate (in the query or the Authorization header) is refused outright
                // rather than taken for a signed-out visitor.
                if ((HubTokenAuthentication.Applies(context) || context.Request.Headers.Authorization.Count > 0)
                    && context.User.Identity?.IsAuthenticated != true)
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                    return Task.CompletedTask;
                }
                return next(context);
            };
        });
        return builder;
    }
}
