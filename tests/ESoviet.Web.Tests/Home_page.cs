using System.Net;
using ESoviet.Testing;

namespace ESoviet.Web.Tests;

public sealed class Home_page(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Is_html_naming_the_product()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        var html = await response.Content.ReadAsStringAsync();
        html.Should().Contain("<html lang=\"en\">")
            .And.Contain("ESoviet")
            .And.Contain("roll-call");
    }

    [Fact]
    public async Task Carries_security_headers()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/");

        response.ShouldCarrySecurityHeaders();
        response.Headers.Contains("Server").Should().BeFalse("the software and version are not every response's business");
    }

    [Fact]
    public async Task Has_no_inline_script_or_style()
    {
        using var client = app.CreateClient();

        var html = await client.GetStringAsync("/");

        // The CSP forbids them; this catches one before a browser quietly refuses it.
        html.Should().NotContain("<script").And.NotContain("<style").And.NotContain("style=\"");
    }

    [Fact]
    public async Task Serves_its_stylesheet_with_the_security_headers()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/css/site.css");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/css");
        response.ShouldCarrySecurityHeaders();
    }
}
