using ESoviet.EventStore;
using ESoviet.Web.Decisions;
using ESoviet.Web.Deliberation;
using ESoviet.Web.Voting;

namespace ESoviet.Web.Live;

/// <summary>
/// Which topics an event belongs to. A thread's topic carries its contributions; a proposal's its lifecycle and every
/// vote; an organization's what changes its lists (threads, contributions, proposals' phases, the charter), never
/// individual votes. Membership, invitations and vouches are in no topic, and neither is anything without an
/// organization: a proposal's draft events carry none until it is submitted, so they never reach a feed. Decisions
/// go to the organization's topic as their register changes (adopted, answered, reported on, handed over, reviewed).
/// </summary>
public static class LiveRouting
{
    public static readonly Type[] ThreadEvents =
        [typeof(ThreadStarted), typeof(ContributionPosted), typeof(ContributionEdited), typeof(ContributionRetracted), typeof(ThreadClosed)];

    public static readonly Type[] ProposalEvents =
    [
        typeof(ProposalDrafted), typeof(ProposalSubmitted), typeof(ProposalRevised), typeof(ProposalWithdrawn), typeof(AmendmentOffered),
        typeof(AmendmentAnswered), typeof(VotingOpened), typeof(VoteCast), typeof(VotesRevealed), typeof(VotingClosed),
    ];

    public static readonly Type[] DecisionEvents =
    [
        typeof(DecisionAdopted), typeof(DecisionRepealed), typeof(DecisionAmended), typeof(CommitmentRecorded), typeof(CommitmentsClosed),
        typeof(ProgressReported), typeof(HandoverAccepted), typeof(ImplementationCompleted), typeof(DecisionClosed),
    ];

    // After DecisionEvents: static fields initialize in order.
    public static readonly Type[] OrgEvents =
    [
        .. ThreadEvents, typeof(ProposalDrafted), typeof(ProposalSubmitted), typeof(ProposalRevised), typeof(ProposalWithdrawn),
        typeof(VotingOpened), typeof(VotingClosed), typeof(CharterAmended), .. DecisionEvents,
    ];

    public static TopicKey[] TopicsOf(StoredEvent e)
    {
        if (!Guid.TryParse(e.TenantId, out var id)) return [];
        Guid? org = id;
        return e.Data switch
        {
            ThreadStarted x => WithOrg(TopicKind.Thread, x.ThreadId, org),
            ContributionPosted x => WithOrg(TopicKind.Thread, x.ThreadId, org),
            ContributionEdited x => WithOrg(TopicKind.Thread, x.ThreadId, org),
            ContributionRetracted x => WithOrg(TopicKind.Thread, x.ThreadId, org),
            ThreadClosed x => WithOrg(TopicKind.Thread, x.ThreadId, org),
            ProposalDrafted x => WithOrg(TopicKind.Proposal, x.ProposalId, org),
            ProposalSubmitted x => WithOrg(TopicKind.Proposal, x.ProposalId, org),
            ProposalRevised x => WithOrg(TopicKind.Proposal, x.ProposalId, org),
            ProposalWithdrawn x => WithOrg(TopicKind.Proposal, x.ProposalId, org),
            VotingOpened x => WithOrg(TopicKind.Proposal, x.ProposalId, org),
            VotingClosed x => WithOrg(TopicKind.Proposal, x.ProposalId, org),
            AmendmentOffered x => [new(TopicKind.Proposal, x.ProposalId)],
            AmendmentAnswered x => [new(TopicKind.Proposal, x.ProposalId)],
            VoteCast x => [new(TopicKind.Proposal, x.ProposalId)],
            VotesRevealed x => [new(TopicKind.Proposal, x.ProposalId)],
            CharterAmended x => [new(TopicKind.Org, x.OrganizationId)],
            DecisionAdopted or DecisionRepealed or DecisionAmended or CommitmentRecorded or CommitmentsClosed or ProgressReported or HandoverAccepted
                or ImplementationCompleted or DecisionClosed => [new(TopicKind.Org, id)],
            _ => [],
        };
    }

    /// <summary>The proposal an event is about, for the events routed to a proposal.</summary>
    public static Guid? ProposalOf(object data) => data switch
    {
        ProposalDrafted x => x.ProposalId,
        ProposalSubmitted x => x.ProposalId,
        ProposalRevised x => x.ProposalId,
        ProposalWithdrawn x => x.ProposalId,
        VotingOpened x => x.ProposalId,
        VotingClosed x => x.ProposalId,
        AmendmentOffered x => x.ProposalId,
        AmendmentAnswered x => x.ProposalId,
        VoteCast x => x.ProposalId,
        VotesRevealed x => x.ProposalId,
        _ => null,
    };

    private static TopicKey[] WithOrg(TopicKind kind, Guid id, Guid? org) =>
        org is { } o ? [new(kind, id), new(TopicKind.Org, o)] : [new(kind, id)];
}
