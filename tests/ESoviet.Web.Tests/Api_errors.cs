using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ESoviet.Testing;

namespace ESoviet.Web.Tests;

public sealed class Api_errors(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Unknown_api_path_is_a_problem_document_404()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/api/no-such-thing");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await ReadJsonAsync(response);
        problem.GetProperty("status").GetInt32().Should().Be(404);
        problem.GetProperty("title").GetString().Should().NotBeNullOrEmpty();
        response.ShouldCarrySecurityHeaders();
    }

    [Fact]
    public async Task Wrong_method_is_a_problem_document_405()
    {
        using var client = app.CreateClient();

        using var response = await client.DeleteAsync("/api/version");

        response.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await ReadJsonAsync(response)).GetProperty("status").GetInt32().Should().Be(405);
    }

    [Fact]
    public async Task Stays_a_problem_document_when_the_caller_asks_for_html()
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/no-such-thing");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}
