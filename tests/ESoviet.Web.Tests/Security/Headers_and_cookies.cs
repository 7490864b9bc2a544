using System.Net;
using ESoviet.Testing;
using ESoviet.Web.Accounts;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ESoviet.Web.Tests.Security;

/// <summary>
/// Every page of the route table, signed in and signed out, carries the browser hardening headers
/// (<see cref="SecurityHeaderAssertions"/>), and the cookies the app sets carry their flags.
/// </summary>
public sealed class Headers_and_cookies(HostileFixture app) : IClassFixture<HostileFixture>
{
    [Fact]
    public async Task Every_page_of_the_route_table_carries_the_security_headers_signed_in_and_out()
    {
        using var target = await Target.CreateAsync(app);
        using var member = await app.BrowserAsync(target.Member);
        using var anonymous = app.CreateClient();
        var routes = PageRoutes();
        routes.Should().Contain("o/{slug}/threads/{threadId}", "the enumeration must find the pages");

        var checkedPages = new List<string>();
        foreach (var route in routes)
        {
            var path = "/" + await FillAsync(route, target);
            foreach (var client in new[] { member, anonymous })
            {
                using var response = await client.GetAsync(path);
                response.StatusCode.Should().NotBe(HttpStatusCode.InternalServerError, path);
                response.ShouldCarrySecurityHeaders();
                checkedPages.Add($"{(int)response.StatusCode} {path}");
            }
        }

        // Also what is not a page: static files, the health probe, API errors and the OpenAPI document.
        foreach (var path in new[] { "/css/site.css", "/health", "/api/no-such-thing", "/openapi/v1.json", "/no-such-page" })
        {
            using var response = await anonymous.GetAsync(path);
            response.ShouldCarrySecurityHeaders();
        }
        Console.WriteLine(string.Join("\n", checkedPages));
    }

    [Fact]
    public async Task The_session_and_antiforgery_cookies_are_http_only_and_same_site()
    {
        using var target = await Target.CreateAsync(app);
        using var client = app.CreateClient();

        using var signIn = await client.PostJsonAsync("/api/session", new { handle = target.Member.Handle, password = ApiClient.DefaultPassword });
        using var page = await client.GetAsync("/");

        var session = Cookie(signIn, AccountsSetup.SessionCookieName);
        session.Should().Contain("httponly").And.Contain("samesite=lax").And.Contain("path=/");
        session.Should().NotContain("domain=", "the cookie stays on the host that set it");
        var antiforgery = Cookie(page, AccountsSetup.AntiforgeryCookieName);
        antiforgery.Should().Contain("httponly").And.Contain("samesite=strict");

        // Served over plain HTTP here, so no Secure flag; over HTTPS the policy (SameAsRequest) adds it.
        session.Should().NotContain("secure");
    }

    private static string Cookie(HttpResponseMessage response, string name) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(name + "=", StringComparison.Ordinal)).ToLowerInvariant();

    private List<string> PageRoutes() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null)
            .Select(e => string.Join("/", e.RoutePattern.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p switch
            {
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternSeparatorPart separator => separator.Content,
                _ => "",
            })))))
            .Distinct()
            .Order()
            .ToList();

    private static async Task<string> FillAsync(string route, Target target)
    {
        var segments = route.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var previous = i > 0 ? segments[i - 1] : "";
            segments[i] = segments[i] switch
            {
                "{slug}" => target.Slug,
                "{threadId}" => (await target.ThreadAsync()).ToString(),
                "{contributionId}" => (await target.ContributionAsync()).ToString(),
                "{token}" => (await target.InvitationAsync()).Token,
                "{id}" when previous == "proposals" => (await target.ProposalAsync(ProposalStage.Voting)).ToString(),
                "{id}" => (await target.ContributionAsync()).ToString(),
                var s when s.StartsWith('{') => "404",
                var s => s,
            };
        }
        return string.Join('/', segments).TrimEnd('/');
    }
}
