using System.Net;
using ESoviet.Testing;

namespace ESoviet.Web.Tests;

public sealed class Unknown_page(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Returns_the_html_not_found_page()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/no/such/page");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        var html = await response.Content.ReadAsStringAsync();
        html.Should().Contain("Page not found").And.Contain("<header");
        response.ShouldCarrySecurityHeaders();
    }

    [Fact]
    public async Task Returns_the_not_found_page_for_other_methods_too()
    {
        using var client = app.CreateClient();

        using var response = await client.DeleteAsync("/no/such/page");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).Should().Contain("Page not found");
    }
}
