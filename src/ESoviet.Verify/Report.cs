namespace ESoviet.Verify;

/// <summary>Where a line is: the file (as named on the command line) and its 1-based line number.</summary>
public readonly record struct LineRef(string Source, long Line)
{
    public override string ToString() => $"{Source}:{Line}";
}

/// <summary>Something that does not hold, at the line where it shows.</summary>
public sealed record Finding(LineRef At, string Message)
{
    public override string ToString() => $"line {At.Line} ({At.Source}): {Message}";
}

/// <summary>One closed round of voting, as recounted from the ledger, beside what the ledger recorded.</summary>
public sealed record Recount(
    string Organization, Guid ProposalId, ProposalKind Kind, LineRef ClosedAt, Tally Tally, Outcome Outcome,
    Tally? RecordedTally, Outcome? RecordedOutcome, bool Sealed)
{
    public bool Matches => RecordedTally == Tally && RecordedOutcome == Outcome;
}

/// <summary>One organization's chain as read: its positions and the hash of its last entry.</summary>
public sealed record ChainSummary(string Organization, long Entries, long FirstPosition, long LastPosition, string Head);

/// <summary>What the verifier found; <see cref="Ok"/> only when every hash, link and recount holds.</summary>
public sealed class VerificationReport
{
    public const int MaxFindingsKept = 100;

    public long Entries { get; internal set; }

    public List<ChainSummary> Chains { get; } = [];

    public List<Recount> Recounts { get; } = [];

    /// <summary>The first <see cref="MaxFindingsKept"/> problems, in file order; <see cref="ProblemCount"/> counts all.</summary>
    public List<Finding> Problems { get; } = [];

    public long ProblemCount { get; internal set; }

    /// <summary>Votes cast while their proposal was not open for voting: recorded, and not counted.</summary>
    public long VotesOutsideVoting { get; internal set; }

    /// <summary>Proposals whose voting was still open at the end of the file: nothing to recount yet.</summary>
    public long StillOpen { get; internal set; }

    public bool Ok => ProblemCount == 0 && Entries > 0;

    public Finding? FirstProblem => Problems.Count > 0 ? Problems[0] : null;

    internal void Add(Finding finding)
    {
        ProblemCount++;
        if (Problems.Count < MaxFindingsKept) Problems.Add(finding);
    }

    /// <summary>A short human report: counts, every chain's head, the recounts (all of them with <paramref name="all"/>), the verdict.</summary>
    public void WriteTo(TextWriter output, bool all = false)
    {
        const int ShownRecounts = 25;
        output.WriteLine($"entries:       {Entries:N0}");
        output.WriteLine($"organizations: {Chains.Count}");
        foreach (var chain in Chains)
        {
            output.WriteLine($"  {chain.Organization}  positions {chain.FirstPosition}..{chain.LastPosition}  head {chain.Head}");
        }
        output.WriteLine($"proposals recounted: {Recounts.Count}");
        foreach (var recount in all ? Recounts : Recounts.Take(ShownRecounts))
        {
            var t = recount.Tally;
            var mark = recount.Matches ? "" : "   ≠ recorded " + Describe(recount.RecordedTally, recount.RecordedOutcome);
            output.WriteLine(
                $"  line {recount.ClosedAt.Line,-8} {recount.ProposalId}  {Counting.Word(recount.Kind),-17}" +
                $" electorate {t.Electorate}  for {t.For}  against {t.Against}  abstain {t.Abstain}  -> {Counting.Word(recount.Outcome)}" +
                (recount.Sealed ? "  (sealed roll call)" : "") + mark);
        }
        if (!all && Recounts.Count > ShownRecounts)
        {
            output.WriteLine($"  … and {Recounts.Count - ShownRecounts:N0} more (--all lists every one)");
        }
        if (StillOpen > 0) output.WriteLine($"still open for voting: {StillOpen} (nothing to recount yet)");
        if (VotesOutsideVoting > 0) output.WriteLine($"votes cast outside a voting period (not counted): {VotesOutsideVoting}");

        if (Ok)
        {
            output.WriteLine("OK: every hash, link and recount holds.");
            return;
        }
        if (Entries == 0 && ProblemCount == 0)
        {
            output.WriteLine("FAILED: the ledger is empty.");
            return;
        }
        var first = Problems[0];
        output.WriteLine($"FAILED at line {first.At.Line} of {first.At.Source}: {first.Message}");
        if (ProblemCount > 1)
        {
            output.WriteLine($"{ProblemCount:N0} problems in all; later ones may follow from the first:");
            foreach (var finding in Problems.Skip(1).Take(9)) output.WriteLine($"  {finding}");
        }
    }

    private static string Describe(Tally? tally, Outcome? outcome) =>
        tally is { } t
            ? $"electorate {t.Electorate} for {t.For} against {t.Against} abstain {t.Abstain} -> {(outcome is { } o ? Counting.Word(o) : "?")}"
            : "(nothing recorded)";
}
