namespace ESoviet.Verify.Tests;

/// <summary>The counting rules of docs/ledger.md, checked on hand-made ledgers: quorum, majority, supermajority.</summary>
public sealed class Recounting_votes
{
    /// <summary>A ledger with one closed proposal: electors e1..eN, the given votes, and the recorded result.</summary>
    private static HandMadeLedger OneVote(
        string kind, int electorate, (int For, int Against, int Abstain) votes, (int For, int Against, int Abstain, string Outcome) recorded,
        object? charter = null)
    {
        var ledger = new HandMadeLedger();
        ledger.Founded(charter);
        var proposal = Guid.NewGuid();
        ledger.Drafted(proposal, kind, newCharter: kind == "charter_change" ? HandMadeLedger.Charter("at_close") : null,
            subject: kind == "membership_review" ? "e1" : null);
        var electors = HandMadeLedger.Electors(electorate);
        ledger.Opened(proposal, electors, charter);
        var i = 0;
        foreach (var (choice, count) in new[] { ("for", votes.For), ("against", votes.Against), ("abstain", votes.Abstain) })
        {
            for (var n = 0; n < count; n++) ledger.Vote(proposal, electors[i++], choice);
        }
        ledger.Closed(proposal, electorate, recorded.For, recorded.Against, recorded.Abstain, recorded.Outcome);
        return ledger;
    }

    [Theory]
    // Quorum is half of 10 electors: 5 voting reach it, 4 do not; abstaining counts as voting.
    [InlineData("policy", 10, 3, 2, 0, "adopted")]
    [InlineData("policy", 10, 3, 1, 0, "no_quorum")]
    [InlineData("policy", 10, 1, 0, 4, "adopted")]
    [InlineData("policy", 9, 3, 1, 0, "no_quorum")]
    [InlineData("policy", 9, 3, 2, 0, "adopted")]
    // A tie is not a majority.
    [InlineData("policy", 6, 3, 3, 0, "rejected")]
    // Everyone abstains: quorum, and nothing adopted.
    [InlineData("policy", 6, 0, 0, 6, "rejected")]
    [InlineData("charter_change", 6, 0, 0, 6, "rejected")]
    // Supermajority of two thirds of For + Against: exactly at it passes, just under fails.
    [InlineData("charter_change", 9, 6, 3, 0, "adopted")]
    [InlineData("charter_change", 9, 2, 1, 6, "adopted")]
    [InlineData("charter_change", 9, 5, 3, 1, "rejected")]
    [InlineData("membership_review", 10, 6, 3, 1, "adopted")]
    [InlineData("membership_review", 10, 5, 3, 2, "rejected")]
    // A simple majority is not enough for a supermajority decision.
    [InlineData("membership_review", 10, 5, 4, 0, "rejected")]
    public void Recounts_agree_with_a_correct_record(string kind, int electorate, int votesFor, int against, int abstain, string outcome)
    {
        var report = OneVote(kind, electorate, (votesFor, against, abstain), (votesFor, against, abstain, outcome)).Verify();

        report.Ok.Should().BeTrue(report.FirstProblem?.ToString());
        report.Recounts.Should().ContainSingle().Which.Should().Match<Recount>(r =>
            r.Tally == new Tally(electorate, votesFor, against, abstain) && Counting.Word(r.Outcome) == outcome);
    }

    [Theory]
    [InlineData("policy", 10, 3, 1, 0, "adopted")]
    [InlineData("policy", 6, 3, 3, 0, "adopted")]
    [InlineData("charter_change", 9, 5, 3, 1, "adopted")]
    [InlineData("policy", 10, 3, 2, 0, "no_quorum")]
    public void A_record_that_disagrees_with_the_recount_fails_at_the_closing_line(
        string kind, int electorate, int votesFor, int against, int abstain, string wrongOutcome)
    {
        var ledger = OneVote(kind, electorate, (votesFor, against, abstain), (votesFor, against, abstain, wrongOutcome));

        var report = ledger.Verify();

        report.Ok.Should().BeFalse();
        report.FirstProblem!.At.Line.Should().Be(ledger.Lines.Count);
        report.FirstProblem.Message.Should().Contain("does not match what was recorded");
    }

    [Fact]
    public void A_recorded_tally_that_differs_from_the_votes_fails()
    {
        var ledger = OneVote("policy", 5, (3, 1, 0), (4, 0, 0, "adopted"));

        var report = ledger.Verify();

        report.FirstProblem!.Message.Should().Contain("recorded electorate 5, for 4, against 0").And.Contain("recounted electorate 5, for 3, against 1");
    }

    [Fact]
    public void An_empty_electorate_never_reaches_quorum()
    {
        var report = OneVote("policy", 0, (0, 0, 0), (0, 0, 0, "no_quorum")).Verify();

        report.Ok.Should().BeTrue(report.FirstProblem?.ToString());
    }

    [Fact]
    public void The_quorum_and_supermajority_are_those_of_the_charter_in_force()
    {
        // Quorum 3/4 and supermajority 3/4: 6 of 8 voting is quorate; 4 for and 2 against is two thirds, not three quarters.
        var strict = HandMadeLedger.Charter(quorumNumerator: 3, quorumDenominator: 4, superNumerator: 3, superDenominator: 4);

        OneVote("charter_change", 8, (4, 2, 0), (4, 2, 0, "rejected"), strict).Verify().Ok.Should().BeTrue();
        OneVote("charter_change", 8, (3, 1, 1), (3, 1, 1, "no_quorum"), strict).Verify().Ok.Should().BeTrue();
    }

    [Fact]
    public void Only_each_electors_last_vote_counts()
    {
        var ledger = new HandMadeLedger();
        ledger.Founded();
        var proposal = Guid.NewGuid();
        ledger.Drafted(proposal);
        ledger.Opened(proposal, ["anna", "boris", "clara"]);
        ledger.Vote(proposal, "anna", "for");
        ledger.Vote(proposal, "boris", "for");
        ledger.Vote(proposal, "anna", "against");
        ledger.Vote(proposal, "Anna", "abstain");
        ledger.Closed(proposal, 3, 1, 0, 1, "adopted");

        var report = ledger.Verify();

        report.Ok.Should().BeTrue(report.FirstProblem?.ToString());
        report.Recounts.Single().Tally.Should().Be(new Tally(3, 1, 0, 1));
    }

    [Fact]
    public void Votes_outside_the_voting_period_are_not_counted()
    {
        var ledger = new HandMadeLedger();
        ledger.Founded();
        var proposal = Guid.NewGuid();
        ledger.Drafted(proposal);
        ledger.Vote(proposal, "anna", "against");
        ledger.Opened(proposal, ["anna", "boris"]);
        ledger.Vote(proposal, "anna", "for");
        ledger.Closed(proposal, 2, 1, 0, 0, "adopted");
        ledger.Vote(proposal, "boris", "against");

        var report = ledger.Verify();

        report.Ok.Should().BeTrue(report.FirstProblem?.ToString());
        report.VotesOutsideVoting.Should().Be(2);
    }

    [Fact]
    public void A_voter_outside_the_electorate_is_an_error()
    {
        var ledger = new HandMadeLedger();
        ledger.Founded();
        var proposal = Guid.NewGuid();
        ledger.Drafted(proposal);
        ledger.Opened(proposal, ["anna", "boris"]);
        ledger.Vote(proposal, "anna", "for");
        ledger.Vote(proposal, "mallory", "for");
        ledger.Closed(proposal, 2, 1, 0, 0, "adopted");

        var report = ledger.Verify();

        report.FirstProblem!.At.Line.Should().Be(5);
        report.FirstProblem.Message.Should().Contain("mallory").And.Contain("not in its electorate");
    }

    [Fact]
    public void Voting_must_open_under_the_charter_in_force()
    {
        var ledger = new HandMadeLedger();
        ledger.Founded();
        var proposal = Guid.NewGuid();
        ledger.Drafted(proposal);
        ledger.Opened(proposal, ["anna", "boris"], HandMadeLedger.Charter(quorumNumerator: 1, quorumDenominator: 10));

        var report = ledger.Verify();

        report.FirstProblem!.At.Line.Should().Be(3);
        report.FirstProblem.Message.Should().Contain("not the one in force");
    }

    [Fact]
    public void An_adopted_charter_change_puts_its_charter_in_force()
    {
        var ledger = new HandMadeLedger();
        ledger.Founded();
        var change = Guid.NewGuid();
        var stricter = HandMadeLedger.Charter(quorumNumerator: 2, quorumDenominator: 3);
        ledger.Drafted(change, "charter_change", newCharter: stricter);
        ledger.Opened(change, ["anna", "boris", "clara"]);
        ledger.Vote(change, "anna", "for");
        ledger.Vote(change, "boris", "for");
        ledger.Closed(change, 3, 2, 0, 0, "adopted");
        ledger.Add("charter_amended", new { organizationId = ledger.Organization, proposalId = change, charter = stricter });
        var policy = Guid.NewGuid();
        ledger.Drafted(policy);
        ledger.Opened(policy, ["anna", "boris", "clara"], stricter);
        ledger.Vote(policy, "anna", "for");
        // One of three is short of two thirds.
        ledger.Closed(policy, 3, 1, 0, 0, "no_quorum");

        var report = ledger.Verify();

        report.Ok.Should().BeTrue(report.FirstProblem?.ToString());
        report.Recounts.Select(r => r.Outcome).Should().Equal(Outcome.Adopted, Outcome.NoQuorum);
    }

    [Fact]
    public void A_charter_amendment_needs_an_adopted_charter_change_with_that_charter()
    {
        var unvoted = new HandMadeLedger();
        unvoted.Founded();
        unvoted.Add("charter_amended", new { organizationId = unvoted.Organization, proposalId = Guid.NewGuid(), charter = HandMadeLedger.Charter("at_close") });
        unvoted.Verify().FirstProblem!.Message.Should().Contain("not in this ledger");

        var rejected = new HandMadeLedger();
        rejected.Founded();
        var change = Guid.NewGuid();
        rejected.Drafted(change, "charter_change", newCharter: HandMadeLedger.Charter("at_close"));
        rejected.Opened(change, ["anna", "boris"]);
        rejected.Vote(change, "anna", "against");
        rejected.Closed(change, 2, 0, 1, 0, "rejected");
        rejected.Add("charter_amended", new { organizationId = rejected.Organization, proposalId = change, charter = HandMadeLedger.Charter("at_close") });
        rejected.Verify().FirstProblem!.Message.Should().Contain("not an adopted charter change");

        var different = new HandMadeLedger();
        different.Founded();
        different.Drafted(change, "charter_change", newCharter: HandMadeLedger.Charter("at_close"));
        different.Opened(change, ["anna"]);
        different.Vote(change, "anna", "for");
        different.Closed(change, 1, 1, 0, 0, "adopted");
        different.Add("charter_amended", new { organizationId = different.Organization, proposalId = change, charter = HandMadeLedger.Charter(quorumNumerator: 1, quorumDenominator: 100) });
        different.Verify().FirstProblem!.Message.Should().Contain("differs from the new charter");
    }

    [Theory]
    [InlineData(10, 5, 0, 0, true)]
    [InlineData(10, 4, 0, 0, false)]
    [InlineData(0, 0, 0, 0, false)]
    [InlineData(3, 0, 0, 2, true)]
    public void Quorum_counts_every_vote_against_the_electorate(int electorate, int votesFor, int against, int abstain, bool met) =>
        Counting.QuorumMet(new Tally(electorate, votesFor, against, abstain), new CountingRules(new Share(1, 2), new Share(2, 3))).Should().Be(met);

    [Fact]
    public void Shares_are_compared_without_overflow()
    {
        new Share(long.MaxValue, long.MaxValue).IsReachedBy(long.MaxValue, long.MaxValue).Should().BeTrue();
        new Share(2, 3).IsReachedBy(int.MaxValue, int.MaxValue).Should().BeTrue();
    }
}

/// <summary>Entries the verifier cannot make sense of are reported, never a crash.</summary>
public sealed class Reading_odd_entries
{
    [Theory]
    [InlineData("vote_cast", "null")]
    [InlineData("voting_opened", "[1,2]")]
    [InlineData("votes_revealed", "{\"proposalId\":\"x\",\"votes\":[1,null]}")]
    [InlineData("voting_closed", "\"closed\"")]
    public void A_malformed_body_is_a_finding(string type, string data)
    {
        var ledger = new HandMadeLedger();
        ledger.Founded();
        ledger.AddRaw($$"""{"org":"{{ledger.Organization}}","position":2,"seq":2,"id":"{{Guid.NewGuid()}}","stream":"s","version":1,"type":"{{type}}","time":"2026-01-02T03:04:05.000006Z","actor":null,"data":{{data}}}""");

        var report = ledger.Verify();

        report.Ok.Should().BeFalse();
        report.FirstProblem!.At.Line.Should().Be(2);
    }

    [Fact]
    public void Charters_compare_by_their_rules_not_by_extra_members()
    {
        // The server writes a derived "percent" beside each share; it is no rule and may come and go between versions.
        var ledger = new HandMadeLedger();
        ledger.Founded(new
        {
            quorum = new { percent = 50, numerator = 1, denominator = 2 },
            supermajority = new { percent = 66.66666666666667, numerator = 2, denominator = 3 },
            minimumDiscussionHours = 48, votingPeriodHours = 72, vouchesRequired = 2, vouchesRequiredWhileSmall = 1, smallOrganizationSize = 5,
            commitmentDays = 7, habitualBreachCount = 3, breachWindowDays = 365, maxConcurrentImplementations = 3, rollCallReveal = "live",
        });
        var proposal = Guid.NewGuid();
        ledger.Drafted(proposal);
        ledger.Opened(proposal, ["anna"]);
        ledger.Vote(proposal, "anna", "for");
        ledger.Closed(proposal, 1, 1, 0, 0, "adopted");

        var report = ledger.Verify();

        report.Ok.Should().BeTrue(report.FirstProblem?.ToString());
    }
}
