using ESoviet.Web.Membership;

namespace ESoviet.Web.Voting;

/// <summary>A count of current votes against the fixed electorate.</summary>
public sealed record Tally(int Electorate, int For, int Against, int Abstain)
{
    /// <summary>Electors with a current vote, abstentions included: this is what quorum counts.</summary>
    public int Turnout => For + Against + Abstain;

    /// <summary>For and Against only: abstentions count for quorum and nothing else.</summary>
    public int Decisive => For + Against;

    public static Tally Count(int electorate, IEnumerable<VoteChoice> currentVotes)
    {
        int f = 0, a = 0, s = 0;
        foreach (var choice in currentVotes)
        {
            switch (choice)
            {
                case VoteChoice.For: f++; break;
                case VoteChoice.Against: a++; break;
                default: s++; break;
            }
        }
        return new Tally(electorate, f, a, s);
    }
}

/// <summary>What quorum and majority say about a tally, for the page's quorum bar as much as for the final outcome.</summary>
public sealed record TallyReading(bool QuorumMet, int QuorumNeeds, int VotesStillNeededForQuorum, ProposalOutcome OutcomeIfClosedNow);

/// <summary>
/// The counting rules, exactly as the charter in force when voting opened states them. Everything is whole-number
/// arithmetic on fractions: a vote exactly at a boundary counts as reaching it.
/// </summary>
public static class VotingRules
{
    public static bool NeedsSupermajority(ProposalKind kind) => kind is ProposalKind.CharterChange or ProposalKind.MembershipReview;

    public static TallyReading Read(Tally tally, Charter charter, ProposalKind kind)
    {
        var needs = charter.Quorum.SmallestPartOf(tally.Electorate);
        var quorum = charter.Quorum.IsReachedBy(tally.Turnout, tally.Electorate);
        return new TallyReading(quorum, needs, Math.Max(0, needs - tally.Turnout), Outcome(tally, charter, kind));
    }

    /// <summary>
    /// No quorum when too few electors voted (abstaining counts as voting). Otherwise a policy is adopted when For
    /// outnumbers Against (a tie is rejected); a charter change or expulsion when For reaches the supermajority of
    /// the decisive votes (For + Against). With no decisive vote at all, nothing is adopted.
    /// </summary>
    public static ProposalOutcome Outcome(Tally tally, Charter charter, ProposalKind kind)
    {
        if (!charter.Quorum.IsReachedBy(tally.Turnout, tally.Electorate)) return ProposalOutcome.NoQuorum;
        var adopted = NeedsSupermajority(kind)
            ? charter.Supermajority.IsReachedBy(tally.For, tally.Decisive)
            : tally.For > tally.Against;
        return adopted ? ProposalOutcome.Adopted : ProposalOutcome.Rejected;
    }
}
