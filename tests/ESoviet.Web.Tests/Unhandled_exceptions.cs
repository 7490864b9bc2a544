using System.Net;
using ESoviet.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ESoviet.Web.Tests;

public sealed class Unhandled_exceptions(Unhandled_exceptions.Fixture app) : IClassFixture<Unhandled_exceptions.Fixture>
{
    [Fact]
    public async Task Under_api_become_a_problem_document_500()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/api/" + Fixture.ThrowingSegment);

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await response.Content.ReadAsStringAsync()).Should().NotContain(Fixture.SecretMessage);
        response.ShouldCarrySecurityHeaders();
    }

    [Fact]
    public async Task Elsewhere_become_the_friendly_error_page()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/" + Fixture.ThrowingSegment);

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        var html = await response.Content.ReadAsStringAsync();
        html.Should().Contain("Something went wrong").And.NotContain(Fixture.SecretMessage);
        response.ShouldCarrySecurityHeaders();
    }

    /// <summary>The app plus a middleware, behind its error handling, that throws on one path segment.</summary>
    public sealed class Fixture : AppFixture
    {
        public const string ThrowingSegment = "throw-for-test";
        public const string SecretMessage = "internal detail that must not reach the client";

        protected override void ConfigureServices(IServiceCollection services) =>
            services.AddSingleton<IStartupFilter, ThrowingStartupFilter>();

        // Added after the app's own pipeline, so it runs only when no endpoint matched, inside the error handling.
        private sealed class ThrowingStartupFilter : IStartupFilter
        {
            public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
            {
                next(app);
                app.Use((context, nextMiddleware) =>
                    context.Request.Path.Value!.EndsWith(ThrowingSegment, StringComparison.Ordinal)
                        ? throw new InvalidOperationException(SecretMessage)
                        : nextMiddleware(context));
            };
        }
    }
}
