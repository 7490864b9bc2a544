namespace ESoviet.Verify;

/// <summary>A share such as 1/2 or 2/3, compared in whole numbers so that nothing is won or lost by rounding.</summary>
public readonly record struct Share(long Numerator, long Denominator)
{
    /// <summary>part × denominator ≥ numerator × whole, and never for an empty whole.</summary>
    public bool IsReachedBy(long part, long whole) =>
        whole > 0 && (Int128)part * Denominator >= (Int128)Numerator * whole;

    public override string ToString() => $"{Numerator}/{Denominator}";
}

public enum ProposalKind
{
    Policy,
    CharterChange,
    MembershipReview,
}

public enum Choice
{
    For,
    Against,
    Abstain,
}

public enum Outcome
{
    Adopted,
    Rejected,
    NoQuorum,
}

/// <summary>What the counting rules need from a charter.</summary>
public sealed record CountingRules(Share Quorum, Share Supermajority);

/// <summary>The current votes of one round, against its electorate.</summary>
public readonly record struct Tally(int Electorate, int For, int Against, int Abstain)
{
    public int Turnout => For + Against + Abstain;

    public int Decisive => For + Against;
}

/// <summary>
/// The counting rules of docs/ledger.md, written again from the document rather than shared with the server:
/// quorum on turnout (abstentions included) against the electorate; then a policy needs more For than Against, a
/// charter change or a membership review needs For to reach the supermajority of For + Against.
/// </summary>
public static class Counting
{
    public static bool QuorumMet(Tally tally, CountingRules rules) => rules.Quorum.IsReachedBy(tally.Turnout, tally.Electorate);

    public static Outcome Decide(Tally tally, CountingRules rules, ProposalKind kind)
    {
        if (!QuorumMet(tally, rules)) return Outcome.NoQuorum;
        var adopted = kind == ProposalKind.Policy
            ? tally.For > tally.Against
            : rules.Supermajority.IsReachedBy(tally.For, tally.Decisive);
        return adopted ? Outcome.Adopted : Outcome.Rejected;
    }

    public static string Word(Outcome outcome) => outcome switch
    {
        Outcome.Adopted => "adopted",
        Outcome.Rejected => "rejected",
        _ => "no_quorum",
    };

    public static string Word(Choice choice) => choice switch
    {
        Choice.For => "for",
        Choice.Against => "against",
        _ => "abstain",
    };

    public static string Word(ProposalKind kind) => kind switch
    {
        ProposalKind.Policy => "policy",
        ProposalKind.CharterChange => "charter_change",
        _ => "membership_review",
    };

    public static bool TryParseChoice(string? word, out Choice choice)
    {
        switch (word)
        {
            case "for": choice = Choice.For; return true;
            case "against": choice = Choice.Against; return true;
            case "abstain": choice = Choice.Abstain; return true;
            default: choice = default; return false;
        }
    }

    public static bool TryParseOutcome(string? word, out Outcome outcome)
    {
        switch (word)
        {
            case "adopted": outcome = Outcome.Adopted; return true;
            case "rejected": outcome = Outcome.Rejected; return true;
            case "no_quorum": outcome = Outcome.NoQuorum; return true;
            default: outcome = default; return false;
        }
    }

    public static bool TryParseKind(string? word, out ProposalKind kind)
    {
        switch (word)
        {
            case "policy": kind = ProposalKind.Policy; return true;
            case "charter_change": kind = ProposalKind.CharterChange; return true;
            case "membership_review": kind = ProposalKind.MembershipReview; return true;
            default: kind = default; return false;
        }
    }
}
