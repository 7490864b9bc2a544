using System.Net;
using ESoviet.Testing;

namespace ESoviet.Web.Tests.Membership;

/// <summary>
/// An instance with the default switch (AllowFoundingAfterFirst off): the first founding is open to anyone, and
/// afterwards nobody can found, signed in or not. One test, because founding the first organization changes the
/// whole instance.
/// </summary>
public sealed class Founding_when_the_instance_is_closed(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Only_the_first_organization_can_be_founded()
    {
        using var home = app.CreateClient();
        (await home.GetStringAsync("/")).Should().Contain("Found an organization");
        using var founder = app.CreateClient();

        using var first = await founder.PostJsonAsync("/api/orgs",
            new { name = "First", slug = "first", handle = ApiClient.NewHandle("founder"), password = ApiClient.DefaultPassword });
        await founder.UseCsrfTokenAsync();
        var before = await app.EventCountAsync();
        using var again = await founder.PostJsonAsync("/api/orgs", new { name = "Second", slug = "second" });
        using var stranger = await app.CreateClient().PostJsonAsync("/api/orgs",
            new { name = "Third", slug = "third", handle = ApiClient.NewHandle("stranger"), password = ApiClient.DefaultPassword });
        var page = await app.CreateClient().GetStringAsync("/found");

        first.StatusCode.Should().Be(HttpStatusCode.Created);
        (await again.ReadProblemAsync()).Should().Match<ApiClient.Problem>(p => p.Status == 403 && p.Title!.Contains("switched off"));
        (await stranger.ReadProblemAsync()).Status.Should().Be(403);
        (await app.EventCountAsync()).Should().Be(before);
        (await app.ScalarAsync<long>("SELECT count(*) FROM accounts")).Should().Be(1, "the refused stranger got no account either");
        page.Should().Contain("Founding is closed here");
        (await app.CreateClient().GetStringAsync("/")).Should().NotContain("Found an organization").And.Contain("Sign in");
    }
}
