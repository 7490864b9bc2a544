using System.Text.Json.Serialization;
using ESoviet.Web.Accounts;
using ESoviet.Web.Infrastructure;
using ESoviet.Web.Voting;

namespace ESoviet.Web.Decisions;

/// <summary>Where a decision stands, from adoption to its closed review; "abandoned" means a later decision repealed it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DecisionPhase>))]
public enum DecisionPhase
{
    [JsonStringEnumMemberName("awaiting_commitments")] AwaitingCommitments,
    [JsonStringEnumMemberName("in_implementation")] InImplementation,
    [JsonStringEnumMemberName("in_review")] InReview,
    [JsonStringEnumMemberName("done")] Done,
    [JsonStringEnumMemberName("abandoned")] Abandoned,
}

[JsonConverter(typeof(JsonStringEnumConverter<TaskState>))]
public enum TaskState
{
    [JsonStringEnumMemberName("planned")] Planned,
    [JsonStringEnumMemberName("in_progress")] InProgress,
    [JsonStringEnumMemberName("blocked")] Blocked,
    [JsonStringEnumMemberName("done")] Done,
    [JsonStringEnumMemberName("dropped")] Dropped,
}

/// <summary>What the implementer writes when they mark the decision done: the start of its review.</summary>
public sealed record SelfCriticism(string Worked, string DidNotWork, string Differently);

/// <summary>A member's criticism in the review, structured like a contribution's header: the point, its evidence, a suggestion.</summary>
public sealed record Criticism(string Point, string? Evidence, string? Suggestion);

/// <summary>One breach named in an automatic membership review.</summary>
public sealed record BreachRef(Guid DecisionId, int Number, string Title, string Kind, DateTimeOffset At);

/// <summary>
/// An adopted policy became decision D-<paramref name="Number"/> (numbered per organization, without gaps). It binds
/// <paramref name="Members"/>, the members at adoption, who each record a commitment until
/// <paramref name="CommitmentDueAt"/>; the proposer is its implementer. Appended in the transaction that closes the vote.
/// </summary>
public sealed record DecisionAdopted(
    Guid DecisionId, Guid OrganizationId, int Number, Guid ProposalId, Guid ThreadId, string Implementer, ProposalText Text,
    int Electorate, int For, int Against, int Abstain, IReadOnlyList<string> Members, IReadOnlyList<string> VotedAgainst,
    DateTimeOffset CommitmentDueAt, IReadOnlyList<Guid> Amends, IReadOnlyList<Guid> Repeals) : IDomainEvent;

/// <summary>A later adopted decision repealed this one: it is abandoned and no longer in force.</summary>
public sealed record DecisionRepealed(Guid DecisionId, Guid ByDecisionId, int ByNumber) : IDomainEvent;

/// <summary>A later adopted decision amended this one; both stay in force, linked both ways.</summary>
public sealed record DecisionAmended(Guid DecisionId, Guid ByDecisionId, int ByNumber) : IDomainEvent;

/// <summary>
/// A member's answer, once: to abide (a dissent may be recorded and is kept) or to refuse, with a reason. A refusal
/// is a breach. Stream <c>commitment-{decision}-{handleKey}</c>, so answers never wait for each other.
/// </summary>
public sealed record CommitmentRecorded(Guid DecisionId, string Member, bool Abide, string? Dissent, string? Reason) : IDomainEvent;

/// <summary>The commitment window closed (its time passed, or everyone answered); members who had not answered breached.</summary>
public sealed record CommitmentsClosed(Guid DecisionId, IReadOnlyList<string> Missed) : IDomainEvent;

/// <summary>A member who voted against signed the minority report; the first signer writes its text.</summary>
public sealed record MinorityReportSigned(Guid DecisionId, string Member, string? Text) : IDomainEvent;

public sealed record TaskPlanned(Guid DecisionId, Guid TaskId, string Title, DateOnly DueOn) : IDomainEvent;

/// <summary>A task moved on; dropping one needs a reason.</summary>
public sealed record TaskStateChanged(Guid DecisionId, Guid TaskId, TaskState State, string? Reason) : IDomainEvent;

/// <summary>A member volunteered to help with a task; the implementer stays accountable.</summary>
public sealed record TaskVolunteered(Guid DecisionId, Guid TaskId, string Member) : IDomainEvent;

public sealed record ProgressReported(Guid DecisionId, Guid ReportId, int Percent, string Happened, string? Blocked) : IDomainEvent;

/// <summary>The implementer offered to hand the decision over; nothing changes until <paramref name="To"/> accepts.</summary>
public sealed record HandoverOffered(Guid DecisionId, string From, string To) : IDomainEvent;

/// <summary>The new implementer consented: from now on they are accountable.</summary>
public sealed record HandoverAccepted(Guid DecisionId, string From, string To) : IDomainEvent;

/// <summary>The implementer marked the decision done: it is in review until <paramref name="ReviewEndsAt"/>.</summary>
public sealed record ImplementationCompleted(Guid DecisionId, SelfCriticism SelfCriticism, DateTimeOffset ReviewEndsAt) : IDomainEvent;

public sealed record CriticismAdded(Guid DecisionId, Guid CriticismId, string By, Criticism Criticism) : IDomainEvent;

/// <summary>The review's time passed: the decision is done, its review attached to it for good.</summary>
public sealed record DecisionClosed(Guid DecisionId, DateTimeOffset ClosedAt) : IDomainEvent;

/// <summary>
/// The charter's habitual-breach rule opened membership review <paramref name="ProposalId"/> about
/// <paramref name="Member"/>, citing <paramref name="Breaches"/>. No person opened it; each breach is cited once.
/// </summary>
public sealed record HabitualBreachFound(Guid OrganizationId, string Member, Guid ProposalId, IReadOnlyList<BreachRef> Breaches) : IDomainEvent;

public static class DecisionStreams
{
    public static string Decision(Guid id) => "decision-" + id;

    /// <summary>One stream per member and decision: a second answer finds the stream taken.</summary>
    public static string Commitment(Guid decision, string handle) => $"commitment-{decision}-{Handles.Key(handle)}";

    public static string BreachReview(Guid proposal) => "breach-review-" + proposal;
}
