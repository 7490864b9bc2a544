namespace ESoviet.Verify.Tests;

/// <summary>Roll calls revealed at close: votes are sealed as commitments, and the reveal must open each one exactly.</summary>
public sealed class Opening_sealed_votes
{
    private static readonly object AtClose = HandMadeLedger.Charter("at_close");

    private static (HandMadeLedger Ledger, Guid Proposal) OpenSealedVote()
    {
        var ledger = new HandMadeLedger();
        ledger.Founded(AtClose);
        var proposal = Guid.NewGuid();
        ledger.Drafted(proposal);
        ledger.Opened(proposal, ["anna", "boris", "clara"], AtClose);
        return (ledger, proposal);
    }

    [Fact]
    public void Revealed_votes_that_match_their_commitments_are_counted()
    {
        var (ledger, proposal) = OpenSealedVote();
        var anna = ledger.SealedVote(proposal, "anna", "for", "We need it.", "n-anna");
        var boris = ledger.SealedVote(proposal, "boris", "against", null, "n-boris");
        var clara = ledger.SealedVote(proposal, "clara", "for", null, "n-clara");
        ledger.Revealed(proposal, (anna, "anna", "for", "We need it.", "n-anna"), (boris, "boris", "against", null, "n-boris"), (clara, "clara", "for", null, "n-clara"));
        ledger.Closed(proposal, 3, 2, 1, 0, "adopted");

        var report = ledger.Verify();

        report.Ok.Should().BeTrue(report.FirstProblem?.ToString());
        report.Recounts.Single().Should().Match<Recount>(r => r.Sealed && r.Tally == new Tally(3, 2, 1, 0));
    }

    [Fact]
    public void A_changed_sealed_vote_counts_as_its_last_commitment()
    {
        var (ledger, proposal) = OpenSealedVote();
        var first = ledger.SealedVote(proposal, "anna", "for", null, "n1");
        var second = ledger.SealedVote(proposal, "anna", "against", null, "n2");
        ledger.Revealed(proposal, (first, "anna", "for", null, "n1"), (second, "anna", "against", null, "n2"));
        ledger.Closed(proposal, 3, 0, 1, 0, "no_quorum");

        var report = ledger.Verify();

        report.Ok.Should().BeTrue(report.FirstProblem?.ToString());
    }

    [Theory]
    [InlineData("for", "against", null, null, "n-anna", "n-anna")]
    [InlineData("for", "for", "because", "because!", "n-anna", "n-anna")]
    [InlineData("for", "for", null, null, "n-anna", "n-anna-2")]
    public void A_reveal_that_does_not_open_the_commitment_fails(
        string committedChoice, string revealedChoice, string? committedReason, string? revealedReason, string committedNonce, string revealedNonce)
    {
        var (ledger, proposal) = OpenSealedVote();
        var anna = ledger.SealedVote(proposal, "anna", committedChoice, committedReason, committedNonce);
        ledger.Revealed(proposal, (anna, "anna", revealedChoice, revealedReason, revealedNonce));
        ledger.Closed(proposal, 3, revealedChoice == "for" ? 1 : 0, revealedChoice == "against" ? 1 : 0, 0, "no_quorum");

        var report = ledger.Verify();

        report.FirstProblem!.At.Line.Should().Be(5);
        report.FirstProblem.Message.Should().Contain("does not match the commitment sealed at line 4");
    }

    [Fact]
    public void A_sealed_vote_left_unrevealed_cannot_be_counted()
    {
        var (ledger, proposal) = OpenSealedVote();
        var anna = ledger.SealedVote(proposal, "anna", "for", null, "n1");
        ledger.SealedVote(proposal, "boris", "for", null, "n2");
        ledger.Revealed(proposal, (anna, "anna", "for", null, "n1"));
        ledger.Closed(proposal, 3, 1, 0, 0, "no_quorum");

        var report = ledger.Verify();

        report.FirstProblem!.Message.Should().Contain("sealed vote of boris").And.Contain("never revealed");
    }

    [Fact]
    public void A_reveal_must_name_a_sealed_vote_of_its_proposal_and_its_voter()
    {
        var (ledger, proposal) = OpenSealedVote();
        var anna = ledger.SealedVote(proposal, "anna", "for", null, "n1");
        ledger.Revealed(proposal, (Guid.NewGuid(), "anna", "for", null, "n1"), (anna, "boris", "for", null, "n1"));

        var report = ledger.Verify();

        report.Problems.Select(p => p.Message).Should().SatisfyRespectively(
            first => first.Should().Contain("no sealed vote of this round"),
            second => second.Should().Contain("was cast by anna"));
    }

    [Fact]
    public void A_choice_in_the_open_under_a_roll_call_revealed_at_close_is_an_error()
    {
        var (ledger, proposal) = OpenSealedVote();
        ledger.Vote(proposal, "anna", "for");

        ledger.Verify().FirstProblem!.Message.Should().Contain("should be sealed");
    }

    [Fact]
    public void The_commitment_is_the_documented_sha256()
    {
        // docs/ledger.md, worked example: printf 'esoviet-vote-v1\n%s\n%s\n%s\n%s\n%s' … | sha256sum
        var proposal = Guid.Parse("0198a0c4-5b6e-7c3d-9f10-3a2b1c0d4e5f");

        const string Documented = "94c198ac5f04cfde61b992e13fd0357b4c3a721b04a346404aa40b5291bc0c1f";

        Commitments.Compute(proposal, "anna", Choice.For, "We need it.", "3q2+7w").Should().Be(Documented);
        HandMadeLedger.Commitment(proposal, "anna", "for", "We need it.", "3q2+7w").Should().Be(Documented);
    }
}
