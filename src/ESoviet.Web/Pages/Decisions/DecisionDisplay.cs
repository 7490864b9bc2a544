using ESoviet.Web.Decisions;

namespace ESoviet.Web.Pages.Decisions;

/// <summary>What a decision amends or repeals, and what amended or repealed it.</summary>
public sealed record DecisionLinks(
    IReadOnlyList<DecisionLink> Amends, IReadOnlyList<DecisionLink> Repeals, IReadOnlyList<DecisionLink> AmendedBy, DecisionLink? RepealedBy)
{
    public static DecisionLinks Of(DecisionSummary d) => new(d.Amends, d.Repeals, d.AmendedBy, d.RepealedBy);

    public static DecisionLinks Of(DecisionDetail d) => new(d.Amends, d.Repeals, d.AmendedBy, d.RepealedBy);

    public bool Any => Amends.Count > 0 || Repeals.Count > 0 || AmendedBy.Count > 0 || RepealedBy is not null;
}

/// <summary>Words for decisions on the pages; one place, so the register, a decision and a member's page say the same.</summary>
public static class DecisionDisplay
{
    public static string Code(int number) => "D-" + number;

    public static string Phase(DecisionPhase phase) => phase switch
    {
        DecisionPhase.AwaitingCommitments => "Awaiting commitments",
        DecisionPhase.InImplementation => "In implementation",
        DecisionPhase.InReview => "In review",
        DecisionPhase.Done => "Done",
        _ => "Abandoned (repealed)",
    };

    public static string PhaseClass(DecisionPhase phase) => phase switch
    {
        DecisionPhase.AwaitingCommitments => "awaiting",
        DecisionPhase.InImplementation => "implementing",
        DecisionPhase.InReview => "review",
        DecisionPhase.Done => "done",
        _ => "abandoned",
    };

    public static string Task(TaskState state) => state switch
    {
        TaskState.Planned => "Planned",
        TaskState.InProgress => "In progress",
        TaskState.Blocked => "Blocked",
        TaskState.Done => "Done",
        _ => "Dropped",
    };

    public static string TaskWord(TaskState state) => state switch
    {
        TaskState.Planned => "planned",
        TaskState.InProgress => "in_progress",
        TaskState.Blocked => "blocked",
        TaskState.Done => "done",
        _ => "dropped",
    };

    public static TaskState? ParseTask(string? word) => word switch
    {
        "planned" => TaskState.Planned,
        "in_progress" => TaskState.InProgress,
        "blocked" => TaskState.Blocked,
        "done" => TaskState.Done,
        "dropped" => TaskState.Dropped,
        _ => null,
    };

    public static string Answer(CommitmentRow row) => row.Answer switch
    {
        "abide" when row.Dissent is not null => "Will abide, with a dissent",
        "abide" => "Will abide",
        "refuse" => "Refused to abide",
        "missed" => "Did not answer in time",
        _ => "Not answered yet",
    };

    public static string Percent(double share) => (share * 100).ToString("0.#") + " %";
}
