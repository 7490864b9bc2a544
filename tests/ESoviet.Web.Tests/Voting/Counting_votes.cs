using ESoviet.Web.Membership;
using ESoviet.Web.Voting;

namespace ESoviet.Web.Tests.Voting;

public sealed class Counting_votes
{
    private static readonly Charter Rules = Charter.Default;

    private static ProposalOutcome Outcome(int electorate, int @for, int against, int abstain, ProposalKind kind = ProposalKind.Policy) =>
        VotingRules.Outcome(new Tally(electorate, @for, against, abstain), Rules, kind);

    [Fact]
    public void Quorum_is_met_exactly_at_the_boundary_and_missed_one_vote_below()
    {
        Outcome(10, 3, 2, 0).Should().Be(ProposalOutcome.Adopted, "5 of 10 is exactly half");
        Outcome(10, 3, 1, 0).Should().Be(ProposalOutcome.NoQuorum, "4 of 10 is under half");
        Outcome(9, 3, 2, 0).Should().Be(ProposalOutcome.Adopted, "5 of 9 is over half");
        Outcome(9, 3, 1, 0).Should().Be(ProposalOutcome.NoQuorum, "4 of 9 is under half");
    }

    [Fact]
    public void Abstentions_count_for_quorum_only()
    {
        Outcome(10, 1, 0, 4).Should().Be(ProposalOutcome.Adopted, "abstentions bring turnout to 5, and 1 For beats 0 Against");
        Outcome(10, 0, 0, 5).Should().Be(ProposalOutcome.Rejected, "all abstaining meets quorum but adopts nothing");
    }

    [Fact]
    public void A_tie_is_rejected()
    {
        Outcome(10, 3, 3, 0).Should().Be(ProposalOutcome.Rejected);
        Outcome(10, 4, 3, 0).Should().Be(ProposalOutcome.Adopted);
    }

    [Fact]
    public void Supermajority_is_reached_exactly_at_two_thirds_and_missed_just_under()
    {
        Outcome(9, 6, 3, 0, ProposalKind.CharterChange).Should().Be(ProposalOutcome.Adopted, "6 of 9 is exactly two thirds");
        Outcome(10, 6, 3, 1, ProposalKind.CharterChange).Should().Be(ProposalOutcome.Adopted, "abstentions are not decisive votes");
        Outcome(12, 7, 4, 0, ProposalKind.MembershipReview).Should().Be(ProposalOutcome.Rejected, "7 of 11 is just under two thirds");
        Outcome(12, 8, 4, 0, ProposalKind.MembershipReview).Should().Be(ProposalOutcome.Adopted, "8 of 12 is exactly two thirds");
        Outcome(10, 0, 0, 6, ProposalKind.CharterChange).Should().Be(ProposalOutcome.Rejected, "no decisive vote adopts nothing");
    }

    [Fact]
    public void A_simple_majority_does_not_adopt_what_needs_a_supermajority()
    {
        Outcome(10, 6, 4, 0, ProposalKind.Policy).Should().Be(ProposalOutcome.Adopted);
        Outcome(10, 6, 4, 0, ProposalKind.CharterChange).Should().Be(ProposalOutcome.Rejected);
    }

    [Fact]
    public void The_quorum_reading_says_how_many_votes_are_still_needed()
    {
        var reading = VotingRules.Read(new Tally(7, 1, 1, 0), Rules, ProposalKind.Policy);

        reading.QuorumNeeds.Should().Be(4);
        reading.VotesStillNeededForQuorum.Should().Be(2);
        reading.QuorumMet.Should().BeFalse();
    }

    [Fact]
    public void An_empty_electorate_never_has_quorum()
    {
        Outcome(0, 0, 0, 0).Should().Be(ProposalOutcome.NoQuorum);
    }

    [Fact]
    public void Derived_vote_ids_are_stable_per_key_and_differ_between_keys()
    {
        VotingCommands.DeriveId("vote\na\nb\nk1").Should().Be(VotingCommands.DeriveId("vote\na\nb\nk1"));
        VotingCommands.DeriveId("vote\na\nb\nk1").Should().NotBe(VotingCommands.DeriveId("vote\na\nb\nk2"));
    }
}
