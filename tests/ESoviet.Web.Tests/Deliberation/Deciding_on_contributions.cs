using ESoviet.Web.Deliberation;

namespace ESoviet.Web.Tests.Deliberation;

public sealed class Deciding_on_contributions
{
    private static readonly DeliberationOptions Limits = new();
    private static readonly ContributionStructure Full = new("the rent rises", "members", "landlord's letter", "we can refuse together");

    private static ContributionState Posted(string author = "anna", Guid? thread = null)
    {
        var state = new ContributionState();
        state.Apply(new ContributionPosted(Guid.NewGuid(), thread ?? Guid.NewGuid(), null, author, "text", null, []));
        return state;
    }

    [Fact]
    public void Starting_a_thread_posts_its_opening_contribution_in_the_same_decision()
    {
        var decision = DeliberationDecisions.StartThread(
            new StartThread(" Rent strike ", ["Housing", "housing", " rent "], false, "We should act.", null, []), "anna", Guid.NewGuid(), Guid.NewGuid(), Limits);

        decision.IsRejected.Should().BeFalse();
        var started = decision.Events[0].Should().BeOfType<ThreadStarted>().Subject;
        started.Title.Should().Be("Rent strike");
        started.Tags.Should().Equal("housing", "rent");
        decision.Events[1].Should().BeOfType<ContributionPosted>().Which.ParentId.Should().BeNull();
    }

    [Fact]
    public void A_thread_that_requires_structure_refuses_an_opening_post_without_all_four_fields()
    {
        var partial = new ContributionStructure("why", "members", null, "analysis");

        var refused = DeliberationDecisions.StartThread(new StartThread("t", [], true, "body", partial, []), "anna", Guid.NewGuid(), Guid.NewGuid(), Limits);
        var accepted = DeliberationDecisions.StartThread(new StartThread("t", [], true, "body", Full, []), "anna", Guid.NewGuid(), Guid.NewGuid(), Limits);

        refused.Rejection!.Errors.Should().ContainKey("structure");
        accepted.IsRejected.Should().BeFalse();
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t")]
    public void An_empty_body_is_refused(string body)
    {
        var decision = DeliberationDecisions.Reply(new ThreadFacts(Guid.NewGuid(), true), null, new PostReply(null, body, null, []), "anna", Guid.NewGuid(), Limits);

        decision.Rejection!.Status.Should().Be(400);
        decision.Rejection.Errors.Should().ContainKey("markdown");
    }

    [Fact]
    public void A_body_over_the_limit_is_refused_and_one_at_the_limit_is_accepted()
    {
        var thread = new ThreadFacts(Guid.NewGuid(), true);
        var atLimit = new string('a', Limits.MaxBodyLength);

        DeliberationDecisions.Reply(thread, null, new PostReply(null, atLimit, null, []), "anna", Guid.NewGuid(), Limits).IsRejected.Should().BeFalse();
        DeliberationDecisions.Reply(thread, null, new PostReply(null, atLimit + "a", null, []), "anna", Guid.NewGuid(), Limits)
            .Rejection!.Errors!["markdown"].Single().Should().Contain("100,000");
    }

    [Fact]
    public void A_reply_to_a_contribution_of_another_thread_is_refused()
    {
        var thread = new ThreadFacts(Guid.NewGuid(), true);
        var elsewhere = Posted(thread: Guid.NewGuid());

        var decision = DeliberationDecisions.Reply(thread, elsewhere, new PostReply(elsewhere.Id, "hi", null, []), "boris", Guid.NewGuid(), Limits);

        decision.Rejection!.Errors.Should().ContainKey("parentId");
    }

    [Fact]
    public void Replies_to_a_closed_thread_or_an_unknown_one_are_refused()
    {
        DeliberationDecisions.Reply(new ThreadFacts(Guid.NewGuid(), false), null, new PostReply(null, "hi", null, []), "boris", Guid.NewGuid(), Limits)
            .Rejection!.Status.Should().Be(409);
        DeliberationDecisions.Reply(null, null, new PostReply(null, "hi", null, []), "boris", Guid.NewGuid(), Limits)
            .Rejection!.Status.Should().Be(404);
    }

    [Fact]
    public void Only_the_author_edits_and_case_of_the_handle_does_not_matter()
    {
        var contribution = Posted("Anna");

        DeliberationDecisions.Edit(contribution, new EditContribution("new", null, []), "boris", Limits).Rejection!.Status.Should().Be(403);
        DeliberationDecisions.Edit(contribution, new EditContribution("new", null, []), "anna", Limits).Events.Single()
            .Should().BeOfType<ContributionEdited>().Which.Markdown.Should().Be("new");
    }

    [Fact]
    public void A_retracted_contribution_cannot_be_edited_or_retracted_again()
    {
        var contribution = Posted();
        var retraction = DeliberationDecisions.Retract(contribution, "anna");
        contribution.Apply((ContributionRetracted)retraction.Events.Single());

        DeliberationDecisions.Edit(contribution, new EditContribution("new", null, []), "anna", Limits).Rejection!.Status.Should().Be(409);
        DeliberationDecisions.Retract(contribution, "anna").Rejection!.Status.Should().Be(409);
    }

    [Fact]
    public void Tags_with_spaces_or_symbols_are_refused()
    {
        var decision = DeliberationDecisions.StartThread(new StartThread("t", ["rent strike"], false, "b", null, []), "anna", Guid.NewGuid(), Guid.NewGuid(), Limits);

        decision.Rejection!.Errors.Should().ContainKey("tags");
    }
}
