using System.Text.Json.Serialization;
using ESoviet.Web.Infrastructure;
using ESoviet.Web.Membership;

namespace ESoviet.Web.Voting;

[JsonConverter(typeof(JsonStringEnumConverter<ProposalKind>))]
public enum ProposalKind
{
    /// <summary>A course of action; decided by simple majority (more For than Against).</summary>
    [JsonStringEnumMemberName("policy")] Policy,

    /// <summary>New charter values; needs the charter's supermajority and, adopted, replaces the charter.</summary>
    [JsonStringEnumMemberName("charter_change")] CharterChange,

    /// <summary>That a named member be expelled; needs the supermajority.</summary>
    [JsonStringEnumMemberName("membership_review")] MembershipReview,
}

[JsonConverter(typeof(JsonStringEnumConverter<VoteChoice>))]
public enum VoteChoice
{
    [JsonStringEnumMemberName("for")] For,
    [JsonStringEnumMemberName("against")] Against,
    [JsonStringEnumMemberName("abstain")] Abstain,
}

[JsonConverter(typeof(JsonStringEnumConverter<ProposalOutcome>))]
public enum ProposalOutcome
{
    [JsonStringEnumMemberName("adopted")] Adopted,
    [JsonStringEnumMemberName("rejected")] Rejected,
    [JsonStringEnumMemberName("no_quorum")] NoQuorum,
}

/// <summary>A proposal in a scientific rather than rhetorical shape: the problem, the action, its analysis, the alternatives, the plan.</summary>
public sealed record ProposalText(string Title, string Problem, string Action, string Analysis, string Alternatives, string Plan);

/// <summary>
/// Written, visible to its author only. Draft events (this, revisions and withdrawal of a draft) carry no tenant, so
/// they stay out of the organization's ledger and live feeds until the proposal is submitted.
/// </summary>
/// <remarks><paramref name="Amends"/> and <paramref name="Repeals"/> name earlier decisions a policy changes (null when none).</remarks>
public sealed record ProposalDrafted(
    Guid ProposalId, Guid OrganizationId, Guid ThreadId, ProposalKind Kind, string Author, ProposalText Text, Charter? NewCharter, string? Subject,
    IReadOnlyList<Guid>? Amends = null, IReadOnlyList<Guid>? Repeals = null)
    : IDomainEvent;

/// <summary>
/// Put before the membership: discussion is open, and voting may open once <paramref name="DiscussionEndsAt"/> has
/// passed. It repeats the whole proposal as submitted, because the draft before it was private: the organization's
/// record of the proposal starts here.
/// </summary>
public sealed record ProposalSubmitted(
    Guid ProposalId, Guid ThreadId, ProposalKind Kind, string Author, int Revision, ProposalText Text, Charter? NewCharter, string? Subject,
    DateTimeOffset DiscussionEndsAt, IReadOnlyList<Guid>? Amends = null, IReadOnlyList<Guid>? Repeals = null) : IDomainEvent;

/// <summary>The proposer revised the text during discussion; every revision stays in the record.</summary>
public sealed record ProposalRevised(Guid ProposalId, int Revision, ProposalText Text, Charter? NewCharter) : IDomainEvent;

/// <summary>A contribution in the proposal's thread was put forward as an amendment by its author.</summary>
public sealed record AmendmentOffered(Guid ProposalId, Guid ContributionId, string By) : IDomainEvent;

/// <summary>The proposer answered an amendment, visibly: accepted (and revised the text) or declined with a reason.</summary>
public sealed record AmendmentAnswered(Guid ProposalId, Guid ContributionId, bool Accepted, string? Reason) : IDomainEvent;

public sealed record ProposalWithdrawn(Guid ProposalId, string By) : IDomainEvent;

/// <summary>
/// Voting opened: the text froze at <paramref name="Revision"/>, the electorate is fixed (the members at this moment),
/// and the rules are those of <paramref name="Charter"/>, the charter in force now, whatever changes later.
/// </summary>
public sealed record VotingOpened(
    Guid ProposalId, DateTimeOffset OpenedAt, DateTimeOffset ClosesAt, int Revision, IReadOnlyList<string> Electorate, Charter Charter) : IDomainEvent;

/// <summary>
/// An elector's vote. Under a live roll-call the choice and reason are public at once. Under a roll-call revealed
/// at close only <paramref name="Commitment"/> is written (the SHA-256 of the vote, see docs/ledger.md); the choice
/// follows in <see cref="VotesRevealed"/>. A later vote by the same elector replaces the earlier one.
/// </summary>
public sealed record VoteCast(Guid ProposalId, string Voter, VoteChoice? Choice, string? Reason, string? Commitment) : IDomainEvent;

/// <summary>The sealed votes, opened at close: each names the vote event it opens and the nonce that makes the commitment check out.</summary>
public sealed record VotesRevealed(Guid ProposalId, IReadOnlyList<RevealedVote> Votes) : IDomainEvent;

public sealed record RevealedVote(Guid VoteEventId, string Voter, VoteChoice Choice, string? Reason, string Nonce);

/// <summary>Voting ended, at the deadline or once every elector had voted; the count and its outcome under the recorded charter.</summary>
public sealed record VotingClosed(
    Guid ProposalId, DateTimeOffset ClosedAt, bool Early, int Electorate, int For, int Against, int Abstain, ProposalOutcome Outcome) : IDomainEvent;

/// <summary>An adopted charter change took effect.</summary>
public sealed record CharterAmended(Guid OrganizationId, Guid ProposalId, Charter Charter) : IDomainEvent;

/// <summary>An adopted membership review expelled the member; their contributions stay in the archive under their handle.</summary>
public sealed record MemberExpelled(Guid OrganizationId, string Handle, Guid ProposalId) : IDomainEvent;

/// <summary>
/// The author of proposals no member made: membership reviews opened by the charter's habitual-breach rule. Not a
/// valid handle (handles have no parentheses), so no account can ever be mistaken for it.
/// </summary>
public static class SystemAuthor
{
    public const string Name = "(system)";

    public static bool Is(string? author) => author == Name;
}

public static class VotingStreams
{
    public static string Proposal(Guid id) => "proposal-" + id;

    /// <summary>One stream per elector and proposal, so votes never wait for each other.</summary>
    public static string Vote(Guid proposal, string handleKey) => $"vote-{proposal}-{handleKey}";
}
