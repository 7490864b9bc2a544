using ESoviet.Web.Decisions;
using ESoviet.Web.Membership;
using ESoviet.Web.Voting;

namespace ESoviet.Web.Tests.Decisions;

/// <summary>The pure rules of decisions, without a database.</summary>
public sealed class Deciding_on_decisions
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Org = Guid.NewGuid();
    private static readonly OrgMember Anna = new(Org, "org", "Org", "anna", MemberStatus.Member);
    private static readonly OrgMember Boris = Anna with { Handle = "boris" };
    private static readonly OrgMember Chen = Anna with { Handle = "chen" };

    private static DecisionState Adopted()
    {
        var d = new DecisionState();
        d.Apply(new DecisionAdopted(Guid.NewGuid(), Org, 1, Guid.NewGuid(), Guid.NewGuid(), "anna", new ProposalText("t", "p", "a", "an", "al", "pl"),
            3, 2, 1, 0, ["anna", "boris", "chen"], ["chen"], Now.AddDays(7), [], []));
        return d;
    }

    private static CommitmentFacts Open(Guid id) => new(id, true, Now.AddDays(7), true, false);

    [Fact]
    public void A_commitment_may_carry_a_dissent_and_a_refusal_needs_a_reason()
    {
        var id = Guid.NewGuid();
        DecisionRules.Commit(Open(id), Boris, true, " I disagree ", null, Now).Events.Single()
            .Should().Be(new CommitmentRecorded(id, "boris", true, "I disagree", null));
        DecisionRules.Commit(Open(id), Boris, false, null, null, Now).Rejection!.Errors.Should().ContainKey("reason");
        DecisionRules.Commit(Open(id), Boris, null, null, null, Now).Rejection!.Errors.Should().ContainKey("abide");
        DecisionRules.Commit(Open(id), Boris, false, "x", "no", Now).Rejection!.Errors.Should().ContainKey("dissent");
    }

    [Fact]
    public void Only_members_bound_at_adoption_answer_once_and_in_time()
    {
        var id = Guid.NewGuid();
        DecisionRules.Commit(null, Boris, true, null, null, Now).Rejection!.Status.Should().Be(404);
        DecisionRules.Commit(Open(id) with { IsBound = false }, Boris, true, null, null, Now).Rejection!.Status.Should().Be(403);
        DecisionRules.Commit(Open(id) with { Answered = true }, Boris, true, null, null, Now).Rejection!.Status.Should().Be(409);
        DecisionRules.Commit(Open(id), Boris, true, null, null, Now.AddDays(7)).Rejection!.Status.Should().Be(409);
        DecisionRules.Commit(Open(id) with { WindowOpen = false }, Boris, true, null, null, Now).Rejection!.Status.Should().Be(409);
        DecisionRules.Commit(Open(id), Boris with { Status = MemberStatus.Candidate }, true, null, null, Now).Rejection!.Status.Should().Be(403);
    }

    [Fact]
    public void Only_those_who_voted_against_sign_the_minority_report_and_the_first_writes_it()
    {
        var d = Adopted();
        DecisionRules.SignMinorityReport(d, Boris, "text").Rejection!.Status.Should().Be(403);
        DecisionRules.SignMinorityReport(d, Chen, null).Rejection!.Errors.Should().ContainKey("text");
        d.Apply((MinorityReportSigned)DecisionRules.SignMinorityReport(d, Chen, "We disagree.").Events[0]);
        DecisionRules.SignMinorityReport(d, Chen, null).Rejection!.Status.Should().Be(409);
    }

    [Fact]
    public void Only_the_implementer_plans_reports_and_finishes_and_not_while_a_task_is_open()
    {
        var d = Adopted();
        var task = Guid.NewGuid();
        var charter = Charter.Default;
        var self = new SelfCriticism("w", "d", "x");
        DecisionRules.PlanTask(d, "boris", "Cook", new DateOnly(2026, 6, 1), task).Rejection!.Status.Should().Be(403);
        d.Apply((TaskPlanned)DecisionRules.PlanTask(d, "anna", "Cook", new DateOnly(2026, 6, 1), task).Events[0]);
        DecisionRules.Complete(d, "anna", self, charter, Now).Rejection!.Status.Should().Be(409);
        DecisionRules.ChangeTask(d, "anna", task, TaskState.Dropped, null).Rejection!.Errors.Should().ContainKey("reason");
        d.Apply((TaskStateChanged)DecisionRules.ChangeTask(d, "anna", task, TaskState.Done, null).Events[0]);
        DecisionRules.Report(d, "anna", 101, "x", null, Guid.NewGuid()).Rejection!.Errors.Should().ContainKey("percent");

        var done = DecisionRules.Complete(d, "anna", self, charter, Now).Events.Single().Should().BeOfType<ImplementationCompleted>().Subject;
        done.ReviewEndsAt.Should().Be(Now.AddHours(charter.MinimumDiscussionHours));
        d.Apply(done);
        DecisionRules.PlanTask(d, "anna", "More", new DateOnly(2026, 6, 1), Guid.NewGuid()).Rejection!.Status.Should().Be(409);
        DecisionRules.Criticize(d, Boris, new Criticism("Late.", null, null), Guid.NewGuid()).IsRejected.Should().BeFalse();
    }

    [Fact]
    public void A_handover_takes_effect_only_when_the_named_member_accepts_and_is_under_the_cap()
    {
        var d = Adopted();
        DecisionRules.OfferHandover(d, "anna", "nobody", null).Rejection!.Errors.Should().ContainKey("to");
        d.Apply((HandoverOffered)DecisionRules.OfferHandover(d, "anna", "BORIS", "boris").Events[0]);
        d.Implementer.Should().Be("anna");
        DecisionRules.AcceptHandover(d, "chen", 0, Charter.Default).Rejection!.Status.Should().Be(403);
        DecisionRules.AcceptHandover(d, "boris", 3, Charter.Default).Rejection!.Status.Should().Be(409);
        d.Apply((HandoverAccepted)DecisionRules.AcceptHandover(d, "boris", 2, Charter.Default).Events[0]);
        d.Implementer.Should().Be("boris");
        d.IsImplementer("anna").Should().BeFalse();
    }

    [Fact]
    public void Opening_a_vote_is_refused_at_the_implementation_cap()
    {
        var state = new ProposalState();
        var id = Guid.NewGuid();
        var text = new ProposalText("t", "p", "a", "an", "al", "pl");
        state.Apply(new ProposalDrafted(id, Org, Guid.NewGuid(), ProposalKind.Policy, "anna", text, null, null));
        state.Apply(new ProposalSubmitted(id, state.ThreadId, ProposalKind.Policy, "anna", 1, text, null, null, Now));
        var org = new OrganizationFacts(Charter.Default, ["anna", "boris"], true);

        ProposalDecisions.OpenVoting(state, "anna", org, Now, implementing: 3).Rejection!.Status.Should().Be(409);
        ProposalDecisions.OpenVoting(state, "anna", org, Now, implementing: 2).IsRejected.Should().BeFalse();
    }
}
