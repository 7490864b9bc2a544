using System.Net;
using System.Text.Json;
using ESoviet.Testing;
using ESoviet.Web.Decisions;
using ESoviet.Web.Tests.Membership;
using Microsoft.Extensions.DependencyInjection;
using static ESoviet.Web.Tests.Decisions.DecisionSteps;
using static ESoviet.Testing.Conditions;

namespace ESoviet.Web.Tests.Decisions;

/// <summary>
/// With the charter's threshold at 3 (the default), a member who refuses two decisions and lets a third one's window
/// pass gets a membership review opened by the system, exactly once, citing the three breaches; it goes to the vote
/// on its own once the discussion time has passed.
/// </summary>
public sealed class Habitual_breach(MembershipFixture app) : IClassFixture<MembershipFixture>
{
    [Fact]
    public async Task Three_breaches_open_one_membership_review_that_lists_them()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug, "boris");
        using var chen = await app.AdmitAsync(anna, slug, "chen");
        using var dara = await app.AdmitAsync(anna, slug, "dara");
        Person[] everyone = [anna, boris, chen, dara];
        var keeper = app.Services.GetRequiredService<DecisionKeeper>();

        var proposals = new List<string>();
        for (var i = 1; i <= 3; i++) proposals.Add(await SubmitAsync(anna, slug, title: $"Policy {i}"));
        app.Clock.Advance(TimeSpan.FromHours(48));
        var numbers = new List<int>();
        foreach (var p in proposals)
        {
            (await OpenVotingAsync(anna, slug, p)).StatusCode.Should().Be(HttpStatusCode.OK);
            numbers.Add(await VoteThroughAsync(app, slug, p, everyone));
        }
        numbers.Should().Equal([1, 2, 3], "decisions are numbered per organization without gaps");

        foreach (var member in new[] { anna, boris, chen })
            foreach (var n in numbers)
                (await CommitAsync(member, slug, n, new { abide = true })).StatusCode.Should().Be(HttpStatusCode.OK);

        using (var refusal = await CommitAsync(dara, slug, 1, new { abide = false, reason = "The hall is not ours to run." }))
        {
            refusal.StatusCode.Should().Be(HttpStatusCode.OK);
            (await refusal.ReadJsonAsync()).GetProperty("notice").GetString().Should().Contain("expects a member who cannot abide by its decisions to leave");
        }
        (await CommitAsync(dara, slug, 2, new { abide = false, reason = "Same objection." })).StatusCode.Should().Be(HttpStatusCode.OK);
        await keeper.RunOnceAsync(CancellationToken.None);
        (await ReviewsOfAsync(dara)).Should().Be(0, "two breaches are under the threshold of three");

        // Dara lets the third decision's commitment window (7 days) pass.
        app.Clock.Advance(TimeSpan.FromDays(8));
        await WaitUntilAsync(async () => await ReviewsOfAsync(dara) > 0);
        // Two more nodes' passes at once find nothing left to do.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => keeper.RunOnceAsync(CancellationToken.None)));
        await Task.Delay(1200);
        (await ReviewsOfAsync(dara)).Should().Be(1, "the review is opened exactly once");

        var proposalId = await app.ScalarAsync<Guid>("SELECT id FROM proposals WHERE subject = $1 AND kind = 'membership_review'", dara.Handle);
        var cited = await app.ScalarAsync<string>("SELECT breaches::text FROM breach_reviews WHERE proposal_id = $1", proposalId);
        var breaches = JsonDocument.Parse(cited).RootElement.EnumerateArray()
            .Select(b => (b.GetProperty("number").GetInt32(), b.GetProperty("kind").GetString())).ToList();
        breaches.Should().Equal((1, "refused"), (2, "refused"), (3, "missed"));

        using var read = await boris.Client.GetAsync($"/api/orgs/{slug}/proposals/{proposalId}");
        var proposal = await read.ReadJsonAsync();
        proposal.GetProperty("author").GetString().Should().Be("(system)");
        proposal.GetProperty("kind").GetString().Should().Be("membership_review");
        proposal.GetProperty("subject").GetString().Should().Be(dara.Handle);
        proposal.GetProperty("phase").GetString().Should().Be("discussion");
        var problem = proposal.GetProperty("text").GetProperty("problem").GetString();
        problem.Should().Contain($"/o/{slug}/decisions/1").And.Contain($"/o/{slug}/decisions/2").And.Contain($"/o/{slug}/decisions/3");
        proposal.GetProperty("text").GetProperty("analysis").GetString().Should().Contain("Opened by the system under the charter's habitual-breach rule");

        // Nobody opens the vote: the system does once the charter's discussion time has passed.
        app.Clock.Advance(TimeSpan.FromHours(48));
        await WaitUntilAsync(async () => await app.ScalarAsync<string>("SELECT phase FROM proposals WHERE id = $1", proposalId) == "voting");
        (await app.ScalarAsync<int>("SELECT electorate_size FROM proposals WHERE id = $1", proposalId)).Should().Be(4);
        (await ReviewsOfAsync(dara)).Should().Be(1);
        (await app.ScalarAsync<long>("SELECT count(*) FROM proposal_revisions WHERE proposal_id = $1", proposalId)).Should().Be(1);

        // Everything the system did is in the organization's ledger, and the independent verifier accepts it.
        var org = await app.ScalarAsync<Guid>("SELECT id FROM organizations WHERE slug = $1", slug);
        await WaitUntilAsync(async () => await app.ScalarAsync<long>("SELECT count(*) FROM es.events WHERE tenant_id = $1", org.ToString())
            == await app.ScalarAsync<long>("SELECT coalesce(max(position), 0) FROM ledger_entries WHERE org_id = $1", org));
        await using var export = await anna.Client.GetStreamAsync($"/api/orgs/{slug}/ledger");
        using var verifier = new ESoviet.Verify.LedgerVerifier();
        verifier.CheckStream(export, "ledger.jsonl");
        var report = verifier.Finish();
        report.Ok.Should().BeTrue(report.FirstProblem?.ToString());
    }

    private static Task<HttpResponseMessage> CommitAsync(Person who, string slug, int number, object body) =>
        who.Client.PostJsonAsync($"/api/orgs/{slug}/decisions/{number}/commitment", body);

    private Task<long> ReviewsOfAsync(Person member) =>
        app.ScalarAsync<long>("SELECT count(*) FROM proposals WHERE subject = $1 AND kind = 'membership_review'", member.Handle);
}
