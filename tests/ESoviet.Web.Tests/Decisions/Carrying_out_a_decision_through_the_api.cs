using System.Net;
using System.Text.Json;
using ESoviet.Testing;
using ESoviet.Web.Decisions;
using ESoviet.Web.Tests.Membership;
using Microsoft.Extensions.DependencyInjection;
using static ESoviet.Web.Tests.Decisions.DecisionSteps;
using static ESoviet.Testing.Conditions;

namespace ESoviet.Web.Tests.Decisions;

public sealed class Carrying_out_a_decision_through_the_api(MembershipFixture app) : IClassFixture<MembershipFixture>
{
    [Fact]
    public async Task A_decision_goes_from_adoption_through_commitments_tasks_reports_and_review_to_done()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug, "boris");
        using var chen = await app.AdmitAsync(anna, slug, "chen");
        var proposal = await SubmitAsync(anna, slug);
        app.Clock.Advance(TimeSpan.FromHours(48));
        (await OpenVotingAsync(anna, slug, proposal)).StatusCode.Should().Be(HttpStatusCode.OK);
        var number = await VoteThroughAsync(app, slug, proposal, [anna, boris, chen], chen);

        var adopted = await DecisionAsync(boris, slug, number);
        adopted.GetProperty("phase").GetString().Should().Be("awaiting_commitments");
        adopted.GetProperty("implementer").GetString().Should().Be(anna.Handle);
        adopted.GetProperty("proposalId").GetString().Should().Be(proposal);
        adopted.GetProperty("tally").GetProperty("against").GetInt32().Should().Be(1);
        adopted.GetProperty("commitments").GetArrayLength().Should().Be(3);

        (await Post(boris, slug, $"{number}/commitment", new { abide = true, dissent = "I would rather have used the café." })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Post(boris, slug, $"{number}/commitment", new { abide = true })).StatusCode.Should().Be(HttpStatusCode.Conflict, "one answer per member");
        (await Post(chen, slug, $"{number}/minority-report", new { text = "The strike fund is for strikes." })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Post(boris, slug, $"{number}/minority-report", new { text = "me too" })).StatusCode.Should().Be(HttpStatusCode.Forbidden, "boris voted for");

        var task = await ItemAsync(await Post(anna, slug, $"{number}/tasks", new { title = "Hygiene course", dueOn = "2030-01-10" }), "taskId");
        (await Post(boris, slug, $"{number}/tasks", new { title = "Mine", dueOn = "2030-01-10" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await Post(boris, slug, $"{number}/tasks/{task}/volunteers", new { })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Post(anna, slug, $"{number}/tasks/{task}/state", new { state = "in_progress" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Post(anna, slug, $"{number}/reports", new { percent = 40, happened = "Course booked.", blocked = "Waiting for the hall keys." }))
            .StatusCode.Should().Be(HttpStatusCode.Created);
        (await Post(anna, slug, $"{number}/done", new { worked = "a", didNotWork = "b", differently = "c" })).StatusCode
            .Should().Be(HttpStatusCode.Conflict, "a task is still open");
        (await Post(anna, slug, $"{number}/tasks/{task}/state", new { state = "done" })).StatusCode.Should().Be(HttpStatusCode.OK);

        var working = await DecisionAsync(chen, slug, number);
        var row = working.GetProperty("commitments").EnumerateArray().Single(c => c.GetProperty("member").GetString() == boris.Handle);
        row.GetProperty("answer").GetString().Should().Be("abide");
        row.GetProperty("dissent").GetString().Should().Be("I would rather have used the café.");
        working.GetProperty("minorityReport").GetProperty("signers").EnumerateArray().Select(s => s.GetString()).Should().Equal(chen.Handle);
        working.GetProperty("tasks")[0].GetProperty("volunteers")[0].GetString().Should().Be(boris.Handle);
        working.GetProperty("reports")[0].GetProperty("percent").GetInt32().Should().Be(40);

        (await Post(anna, slug, $"{number}/done", new { worked = "The course.", didNotWork = "The keys.", differently = "Ask for keys first." }))
            .StatusCode.Should().Be(HttpStatusCode.OK);
        (await Post(boris, slug, $"{number}/criticisms", new { point = "Reports came late.", suggestion = "Weekly reports." })).StatusCode.Should().Be(HttpStatusCode.Created);
        (await DecisionAsync(anna, slug, number)).GetProperty("phase").GetString().Should().Be("in_review");

        app.Clock.Advance(TimeSpan.FromHours(49));
        await WaitUntilAsync(async () => (await DecisionAsync(anna, slug, number)).GetProperty("phase").GetString() == "done");
        var done = await DecisionAsync(anna, slug, number);
        done.GetProperty("review").GetProperty("selfCriticism").GetProperty("differently").GetString().Should().Be("Ask for keys first.");
        done.GetProperty("review").GetProperty("criticisms")[0].GetProperty("point").GetString().Should().Be("Reports came late.");
        (await Post(chen, slug, $"{number}/criticisms", new { point = "Too late." })).StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_problem_and_writes_nothing()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug, "boris");
        using var cand = await app.JoinAsync(await anna.InviteAsync(slug));
        var proposal = await SubmitAsync(anna, slug);
        app.Clock.Advance(TimeSpan.FromHours(48));
        (await OpenVotingAsync(anna, slug, proposal)).StatusCode.Should().Be(HttpStatusCode.OK);
        var number = await VoteThroughAsync(app, slug, proposal, [anna, boris]);
        var before = await app.EventCountAsync();

        async Task Refused(Person who, string path, object body, HttpStatusCode status, string? field = null)
        {
            using var response = await Post(who, slug, path, body);
            response.StatusCode.Should().Be(status, path);
            var problem = await response.ReadProblemAsync();
            if (field is not null) problem.Errors.Should().ContainKey(field);
        }
        await Refused(boris, $"{number}/commitment", new { abide = false }, HttpStatusCode.BadRequest, "reason");
        await Refused(boris, $"{number}/commitment", new { }, HttpStatusCode.BadRequest, "abide");
        await Refused(boris, $"{number}/commitment", new { abide = true, reason = "x" }, HttpStatusCode.BadRequest, "reason");
        await Refused(cand, $"{number}/commitment", new { abide = true }, HttpStatusCode.Forbidden);
        await Refused(boris, "99/commitment", new { abide = true }, HttpStatusCode.NotFound);
        await Refused(anna, $"{number}/tasks", new { title = " " }, HttpStatusCode.BadRequest, "title");
        await Refused(anna, $"{number}/reports", new { percent = 140, happened = "x" }, HttpStatusCode.BadRequest, "percent");
        await Refused(anna, $"{number}/done", new { worked = "x" }, HttpStatusCode.BadRequest, "didNotWork");
        await Refused(anna, $"{number}/handover", new { to = "nobody-here" }, HttpStatusCode.BadRequest, "to");
        await Refused(boris, $"{number}/handover/accept", new { }, HttpStatusCode.Forbidden);
        await Refused(anna, $"{number}/criticisms", new { point = "early" }, HttpStatusCode.Conflict);
        (await app.EventCountAsync()).Should().Be(before);
    }

    [Fact]
    public async Task A_handover_needs_the_new_implementer_s_consent_and_a_later_decision_repeals_or_amends_earlier_ones()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug, "boris");
        var first = await SubmitAsync(anna, slug, title: "First");
        var second = await SubmitAsync(anna, slug, title: "Second");
        app.Clock.Advance(TimeSpan.FromHours(48));
        (await OpenVotingAsync(anna, slug, first)).EnsureSuccessStatusCode();
        var d1 = await VoteThroughAsync(app, slug, first, [anna, boris]);
        (await OpenVotingAsync(anna, slug, second)).EnsureSuccessStatusCode();
        var d2 = await VoteThroughAsync(app, slug, second, [anna, boris]);

        (await Post(anna, slug, $"{d1}/handover", new { to = boris.Handle.ToUpperInvariant() })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await DecisionAsync(anna, slug, d1)).GetProperty("implementer").GetString().Should().Be(anna.Handle, "nothing changes before consent");
        (await Post(boris, slug, $"{d1}/handover/accept", new { })).StatusCode.Should().Be(HttpStatusCode.OK);
        var handed = await DecisionAsync(anna, slug, d1);
        handed.GetProperty("implementer").GetString().Should().Be(boris.Handle);
        handed.GetProperty("handovers")[0].GetProperty("acceptedAt").ValueKind.Should().Be(JsonValueKind.String);

        using (var bad = await boris.Client.PostJsonAsync($"/api/orgs/{slug}/proposals",
                   new { threadId = await ThreadAsync(boris, slug), kind = "policy", text = Text, repeals = new[] { 77 } }))
            (await bad.ReadProblemAsync()).Errors.Should().ContainKey("repeals");
        var third = await SubmitAsync(boris, slug, new { repeals = new[] { d1 }, amends = new[] { d2 } }, "Third");
        app.Clock.Advance(TimeSpan.FromHours(48));
        (await OpenVotingAsync(boris, slug, third)).EnsureSuccessStatusCode();
        var d3 = await VoteThroughAsync(app, slug, third, [anna, boris]);

        var register = await (await anna.Client.GetAsync($"/api/orgs/{slug}/decisions")).ReadJsonAsync();
        var byNumber = register.EnumerateArray().ToDictionary(d => d.GetProperty("number").GetInt32());
        byNumber[d1].GetProperty("phase").GetString().Should().Be("abandoned");
        byNumber[d1].GetProperty("inForce").GetBoolean().Should().BeFalse();
        byNumber[d1].GetProperty("repealedBy").GetProperty("number").GetInt32().Should().Be(d3);
        byNumber[d2].GetProperty("inForce").GetBoolean().Should().BeTrue();
        byNumber[d2].GetProperty("amendedBy")[0].GetProperty("number").GetInt32().Should().Be(d3);
        byNumber[d3].GetProperty("repeals")[0].GetProperty("number").GetInt32().Should().Be(d1);
        byNumber[d3].GetProperty("amends")[0].GetProperty("number").GetInt32().Should().Be(d2);

        var vanguard = await (await anna.Client.GetAsync($"/api/orgs/{slug}/vanguard")).ReadJsonAsync();
        vanguard.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("member").GetString() == boris.Handle)
            .GetProperty("inProgress").GetInt32().Should().Be(1, "D-3; D-1 was repealed");
    }

    private static Task<HttpResponseMessage> Post(Person who, string slug, string path, object body) =>
        who.Client.PostJsonAsync($"/api/orgs/{slug}/decisions/{path}", body);

    private static async Task<string> ItemAsync(HttpResponseMessage response, string name)
    {
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty(name).GetString()!;
    }
}
