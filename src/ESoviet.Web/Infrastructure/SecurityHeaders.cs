namespace ESoviet.Web.Infrastructure;

/// <summary>Browser hardening headers on every response, pages, API, static files and errors alike.</summary>
public static class SecurityHeaders
{
    // Everything we serve comes from our own origin: no inline script or style, no CDN, no third-party fonts.
    // Members face surveillance, so a page that cannot load anything from elsewhere cannot leak to elsewhere.
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    // Only features Chromium recognises: an unknown name is reported as a console error on every page.
    public const string PermissionsPolicy = "camera=(), microphone=(), geolocation=()";

    // A year; no includeSubDomains, because an organization may host other sites under its domain that we know nothing of.
    public const string StrictTransportSecurity = "max-age=31536000";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            // OnStarting rather than now: the exception handler clears the response headers before it writes
            // the error page, and these must survive that.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                // Unless the endpoint set a stricter one of its own (an uploaded file is served sandboxed): overwriting it
                // here would silently drop that sandbox.
                if (string.IsNullOrEmpty(headers.ContentSecurityPolicy))
                {
                    headers.ContentSecurityPolicy = ContentSecurityPolicy;
                }

                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Permissions-Policy"] = PermissionsPolicy;
                headers["Cross-Origin-Opener-Policy"] = "same-origin";

                // Browsers ignore HSTS over plain HTTP; sending it there would only suggest it is in force.
                if (context.Request.IsHttps)
                {
                    headers.StrictTransportSecurity = StrictTransportSecurity;
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
}
