using System.Net.Http.Headers;

namespace ESoviet.Web.Tests;

internal static class SecurityHeaderAssertions
{
    public static void ShouldCarrySecurityHeaders(this HttpResponseMessage response)
    {
        Header(response.Headers, "Content-Security-Policy").Should().Be(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
            "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'");
        Header(response.Headers, "X-Content-Type-Options").Should().Be("nosniff");
        Header(response.Headers, "Referrer-Policy").Should().Be("no-referrer");
        Header(response.Headers, "X-Frame-Options").Should().Be("DENY");
        Header(response.Headers, "Permissions-Policy").Should().Contain("camera=()")
            .And.Contain("microphone=()").And.Contain("geolocation=()");
        Header(response.Headers, "Cross-Origin-Opener-Policy").Should().Be("same-origin");

        // The tests speak plain HTTP on loopback, where HSTS means nothing.
        response.Headers.Contains("Strict-Transport-Security").Should().BeFalse();
    }

    private static string? Header(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;
}
