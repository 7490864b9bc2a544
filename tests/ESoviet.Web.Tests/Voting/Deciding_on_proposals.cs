using ESoviet.Web.Membership;
using ESoviet.Web.Voting;

namespace ESoviet.Web.Tests.Voting;

public sealed class Deciding_on_proposals
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly ProposalText Text = new("Canteen", "No hot meals", "Open a canteen", "We have a kitchen", "Catering", "Ask the council");
    private static readonly OrgMember Anna = new(Guid.NewGuid(), "org", "Org", "anna", MemberStatus.Member);
    private static readonly OrgMember Cand = new(Guid.NewGuid(), "org", "Org", "cand", MemberStatus.Candidate);
    private static readonly OrganizationFacts Org = new(Charter.Default, ["anna", "boris", "chen"], true);

    private static ProposalState InDiscussion()
    {
        var state = new ProposalState();
        var id = Guid.NewGuid();
        var thread = Guid.NewGuid();
        state.Apply(new ProposalDrafted(id, Guid.NewGuid(), thread, ProposalKind.Policy, "anna", Text, null, null));
        state.Apply(new ProposalSubmitted(id, thread, ProposalKind.Policy, "anna", 1, Text, null, null, Now.AddHours(48)));
        return state;
    }

    [Fact]
    public void Candidates_cannot_propose()
    {
        ProposalDecisions.Draft(Cand, Org, new DraftProposal(Guid.NewGuid(), ProposalKind.Policy, Text, null, null), Guid.NewGuid())
            .Rejection!.Status.Should().Be(403);
    }

    [Fact]
    public void A_proposal_states_every_section()
    {
        var decision = ProposalDecisions.Draft(Anna, Org, new DraftProposal(Guid.NewGuid(), ProposalKind.Policy, Text with { Alternatives = " " }, null, null), Guid.NewGuid());

        decision.Rejection!.Errors.Should().ContainKey("alternatives");
    }

    [Fact]
    public void Voting_opens_only_after_the_minimum_discussion_time_and_fixes_the_electorate_and_rules()
    {
        var proposal = InDiscussion();

        ProposalDecisions.OpenVoting(proposal, "anna", Org, Now.AddHours(47)).Rejection!.Status.Should().Be(409);
        var opened = ProposalDecisions.OpenVoting(proposal, "anna", Org, Now.AddHours(48)).Events.Single().Should().BeOfType<VotingOpened>().Subject;
        opened.Electorate.Should().Equal("anna", "boris", "chen");
        opened.Charter.Should().Be(Charter.Default);
        opened.ClosesAt.Should().Be(Now.AddHours(48 + 72));
    }

    [Fact]
    public void Only_the_proposer_opens_the_vote_or_withdraws_and_not_once_voting_opened()
    {
        var proposal = InDiscussion();
        ProposalDecisions.OpenVoting(proposal, "boris", Org, Now.AddDays(3)).Rejection!.Status.Should().Be(403);
        ProposalDecisions.Withdraw(proposal, "boris").Rejection!.Status.Should().Be(403);

        proposal.Apply((VotingOpened)ProposalDecisions.OpenVoting(proposal, "anna", Org, Now.AddDays(3)).Events[0]);

        ProposalDecisions.Withdraw(proposal, "anna").Rejection!.Status.Should().Be(409);
        ProposalDecisions.Revise(proposal, "anna", Text with { Action = "changed" }, null, Charter.Default).Rejection!.Status.Should().Be(409);
    }

    [Fact]
    public void An_unanswered_amendment_keeps_voting_closed_and_a_decline_needs_a_reason()
    {
        var proposal = InDiscussion();
        var contribution = Guid.NewGuid();
        proposal.Apply((AmendmentOffered)ProposalDecisions.OfferAmendment(proposal, contribution, "boris", proposal.ThreadId, "boris").Events[0]);

        ProposalDecisions.OpenVoting(proposal, "anna", Org, Now.AddDays(3)).Rejection!.Status.Should().Be(409);
        ProposalDecisions.AnswerAmendment(proposal, contribution, false, null, "anna").Rejection!.Errors.Should().ContainKey("reason");
        proposal.Apply((AmendmentAnswered)ProposalDecisions.AnswerAmendment(proposal, contribution, false, "out of scope", "anna").Events[0]);
        ProposalDecisions.OpenVoting(proposal, "anna", Org, Now.AddDays(3)).IsRejected.Should().BeFalse();
    }

    [Fact]
    public void Votes_are_refused_before_opening_after_closing_from_non_electors_and_without_a_choice()
    {
        var id = Guid.NewGuid();
        var closesAt = Now.AddDays(3);
        var boris = Anna with { Handle = "boris" };

        ProposalDecisions.Cast(new VoteFacts(id, ProposalPhase.Discussion, null, true, false), boris, VoteChoice.For, null, Now).Rejection!.Status.Should().Be(409);
        ProposalDecisions.Cast(new VoteFacts(id, ProposalPhase.Voting, closesAt, true, false), boris, VoteChoice.For, null, closesAt).Rejection!.Status.Should().Be(409);
        ProposalDecisions.Cast(new VoteFacts(id, ProposalPhase.Voting, closesAt, false, false), boris, VoteChoice.For, null, Now).Rejection!.Status.Should().Be(403);
        ProposalDecisions.Cast(new VoteFacts(id, ProposalPhase.Voting, closesAt, true, false), Cand, VoteChoice.For, null, Now).Rejection!.Status.Should().Be(403);
        ProposalDecisions.Cast(new VoteFacts(id, ProposalPhase.Voting, closesAt, true, false), boris, null, null, Now).Rejection!.Status.Should().Be(400);
        ProposalDecisions.Cast(new VoteFacts(id, ProposalPhase.Voting, closesAt, true, false), boris, VoteChoice.Against, " too soon ", Now)
            .Events.Single().Should().Be(new VoteCast(id, "boris", VoteChoice.Against, "too soon", null));
    }

    [Fact]
    public void A_charter_change_must_change_the_charter_and_stay_in_range()
    {
        var same = ProposalDecisions.Draft(Anna, Org, new DraftProposal(Guid.NewGuid(), ProposalKind.CharterChange, Text, Charter.Default, null), Guid.NewGuid());
        var broken = ProposalDecisions.Draft(Anna, Org,
            new DraftProposal(Guid.NewGuid(), ProposalKind.CharterChange, Text, Charter.Default with { VotingPeriodHours = 0 }, null), Guid.NewGuid());

        same.Rejection!.Errors.Should().ContainKey("newCharter");
        broken.Rejection!.Errors.Should().ContainKey("newCharter.votingPeriodHours");
    }
}
