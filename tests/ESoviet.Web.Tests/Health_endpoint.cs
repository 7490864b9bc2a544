using System.Net;
using System.Text.Json;
using ESoviet.Testing;
using Microsoft.AspNetCore.Hosting;
using Npgsql;

namespace ESoviet.Web.Tests;

public sealed class Health_endpoint(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Reports_healthy_with_the_database_check()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/health");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("status").GetString().Should().Be("Healthy");
        body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString().Should().Be("Healthy");
    }
}

public sealed class Health_endpoint_when_the_database_is_down(Health_endpoint_when_the_database_is_down.Fixture app)
    : IClassFixture<Health_endpoint_when_the_database_is_down.Fixture>
{
    [Fact]
    public async Task Reports_unhealthy_with_503()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/health");

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("status").GetString().Should().Be("Unhealthy");
        body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString().Should().Be("Unhealthy");
    }

    [Fact]
    public async Task Does_not_reveal_how_the_database_is_reached()
    {
        using var client = app.CreateClient();

        var body = await (await client.GetAsync("/health")).Content.ReadAsStringAsync();

        // Npgsql's message would be "Failed to connect to 127.0.0.1:1" with the socket error after it.
        body.Should().NotContain("127.0.0.1").And.NotContain("connect").And.NotContain("refused");
        JsonDocument.Parse(body).RootElement.GetProperty("checks").GetProperty("database")
            .GetProperty("description").GetString().Should().Be("PostgreSQL does not answer.");
    }

    public sealed class Fixture : AppFixture
    {
        // Nothing listens on port 1, so connecting is refused at once.
        public const int UnusedPort = 1;

        protected override void ConfigureWebHost(IWebHostBuilder builder) =>
            builder.UseSetting("ConnectionStrings:Postgres",
                new NpgsqlConnectionStringBuilder(ConnectionString) { Port = UnusedPort, Timeout = 2 }.ConnectionString);
    }
}
