using ESoviet.Testing;
using ESoviet.Web.Tests.Live;
using ESoviet.Web.Tests.Membership;

namespace ESoviet.Web.Tests.Decisions;

/// <summary>The organization's live topic carries its decisions as the register changes.</summary>
public sealed class Following_decisions_live(LiveApp app) : IClassFixture<LiveApp>
{
    [Fact]
    public async Task Adoption_and_a_commitment_reach_the_organization_s_subscribers()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug, "boris");
        var proposal = await app.OpenVoteAsync(anna, slug);
        await using var watcher = await app.ConnectAsync(boris);
        await watcher.InvokeAsync("Subscribe", $"org:{slug}");

        await anna.VoteAsync(slug, proposal, "for");
        await boris.VoteAsync(slug, proposal, "for");
        var adopted = await watcher.NextEventAsync("decision_adopted");
        adopted.GetProperty("topic").GetString().Should().Be($"org:{slug}");
        adopted.Data().GetProperty("number").GetInt32().Should().Be(1);
        adopted.Data().GetProperty("implementer").GetString().Should().Be(anna.Handle);

        using (var commit = await boris.Client.PostJsonAsync($"/api/orgs/{slug}/decisions/1/commitment", new { abide = true }))
            commit.EnsureSuccessStatusCode();
        var answered = await watcher.NextEventAsync("commitment_recorded");
        answered.Data().GetProperty("member").GetString().Should().Be(boris.Handle);

        var (history, _) = await watcher.CatchUpAllAsync($"org:{slug}", 0);
        history.Select(e => e.Type()).Should().Contain(["decision_adopted", "commitment_recorded"]);
    }
}
