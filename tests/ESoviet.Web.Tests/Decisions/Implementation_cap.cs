using System.Net;
using ESoviet.Testing;
using ESoviet.Web.Tests.Membership;
using static ESoviet.Web.Tests.Decisions.DecisionSteps;

namespace ESoviet.Web.Tests.Decisions;

/// <summary>
/// The fluid vanguard: a member already implementing the charter's maximum of decisions (3 by default) cannot open a
/// vote on a new proposal until they finish one.
/// </summary>
public sealed class Implementation_cap(MembershipFixture app) : IClassFixture<MembershipFixture>
{
    [Fact]
    public async Task A_member_at_the_cap_is_refused_opening_a_vote_and_allowed_after_finishing_a_decision()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug, "boris");
        var proposals = new List<string>();
        for (var i = 1; i <= 4; i++) proposals.Add(await SubmitAsync(anna, slug, title: $"Policy {i}"));
        app.Clock.Advance(TimeSpan.FromHours(48));
        foreach (var p in proposals.Take(3))
        {
            (await OpenVotingAsync(anna, slug, p)).StatusCode.Should().Be(HttpStatusCode.OK);
            await VoteThroughAsync(app, slug, p, [anna, boris]);
        }

        var before = await app.EventCountAsync();
        using (var refused = await OpenVotingAsync(anna, slug, proposals[3]))
        {
            refused.StatusCode.Should().Be(HttpStatusCode.Conflict);
            (await refused.ReadProblemAsync()).Title.Should().Contain("the charter's limit of 3");
        }
        (await app.EventCountAsync()).Should().Be(before, "a refused command writes nothing");
        (await app.ScalarAsync<string>("SELECT phase FROM proposals WHERE id = $1", Guid.Parse(proposals[3]))).Should().Be("discussion");

        using (var done = await anna.Client.PostJsonAsync($"/api/orgs/{slug}/decisions/2/done",
                   new { worked = "The rota filled.", didNotWork = "Publicity was late.", differently = "Start publicity earlier." }))
            done.StatusCode.Should().Be(HttpStatusCode.OK, await done.Content.ReadAsStringAsync());

        using var allowed = await OpenVotingAsync(anna, slug, proposals[3]);
        allowed.StatusCode.Should().Be(HttpStatusCode.OK, await allowed.Content.ReadAsStringAsync());
    }
}
