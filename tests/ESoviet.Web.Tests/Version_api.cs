using System.Net;
using System.Text.Json;
using ESoviet.Testing;

namespace ESoviet.Web.Tests;

public sealed class Version_api(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Names_the_software_and_its_version()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/api/version");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("name").GetString().Should().Be("ESoviet");
        body.GetProperty("version").GetString().Should().MatchRegex(@"^\d+\.\d+\.\d+");
    }
}
