using System.Text.Json.Serialization;
using ESoviet.Web.Membership;

namespace ESoviet.Web.Voting;

[JsonConverter(typeof(JsonStringEnumConverter<ProposalPhase>))]
public enum ProposalPhase
{
    [JsonStringEnumMemberName("draft")] Draft,
    [JsonStringEnumMemberName("discussion")] Discussion,
    [JsonStringEnumMemberName("voting")] Voting,
    [JsonStringEnumMemberName("closed")] Closed,
    [JsonStringEnumMemberName("withdrawn")] Withdrawn,
}

public enum AmendmentState { Offered, Accepted, Declined }

/// <summary>A proposal as rebuilt from its stream: what the decisions need to know.</summary>
public sealed class ProposalState
{
    public Guid Id { get; private set; }
    public Guid ThreadId { get; private set; }
    public ProposalKind Kind { get; private set; }
    public string Author { get; private set; } = "";
    public ProposalText Text { get; private set; } = new("", "", "", "", "", "");
    public Charter? NewCharter { get; private set; }
    public string? Subject { get; private set; }
    public ProposalPhase Phase { get; private set; }
    public int Revision { get; private set; }
    public DateTimeOffset DiscussionEndsAt { get; private set; }
    public DateTimeOffset ClosesAt { get; private set; }
    public IReadOnlyList<string> Electorate { get; private set; } = [];
    public Charter? Charter { get; private set; }
    public ProposalOutcome? Outcome { get; private set; }
    public Dictionary<Guid, AmendmentState> Amendments { get; } = [];
    public IReadOnlyList<Guid>? AmendsDecisions { get; private set; }
    public IReadOnlyList<Guid>? RepealsDecisions { get; private set; }

    public void Apply(ProposalDrafted e)
    {
        (Id, ThreadId, Kind, Author, Text, NewCharter, Subject) = (e.ProposalId, e.ThreadId, e.Kind, e.Author, e.Text, e.NewCharter, e.Subject);
        (AmendsDecisions, RepealsDecisions) = (e.Amends, e.Repeals);
        Phase = ProposalPhase.Draft;
        Revision = 1;
    }

    public void Apply(ProposalSubmitted e)
    {
        (Phase, DiscussionEndsAt) = (ProposalPhase.Discussion, e.DiscussionEndsAt);
        // A proposal the system opens starts here, with no private draft before it.
        if (Id == Guid.Empty)
            (Id, ThreadId, Kind, Author, Text, NewCharter, Subject, Revision) = (e.ProposalId, e.ThreadId, e.Kind, e.Author, e.Text, e.NewCharter, e.Subject, e.Revision);
    }

    public void Apply(ProposalRevised e) => (Revision, Text, NewCharter) = (e.Revision, e.Text, e.NewCharter);

    public void Apply(AmendmentOffered e) => Amendments[e.ContributionId] = AmendmentState.Offered;

    public void Apply(AmendmentAnswered e) => Amendments[e.ContributionId] = e.Accepted ? AmendmentState.Accepted : AmendmentState.Declined;

    public void Apply(ProposalWithdrawn _) => Phase = ProposalPhase.Withdrawn;

    public void Apply(VotingOpened e) => (Phase, ClosesAt, Electorate, Charter) = (ProposalPhase.Voting, e.ClosesAt, e.Electorate, e.Charter);

    public void Apply(VotingClosed e) => (Phase, Outcome) = (ProposalPhase.Closed, e.Outcome);

    /// <summary>Never put to the membership: its events are private to the author.</summary>
    public bool IsPrivate => DiscussionEndsAt == default;

    public bool IsAuthor(string handle) => string.Equals(Author, handle, StringComparison.OrdinalIgnoreCase);

    public bool IsElector(string handle) => Electorate.Any(e => string.Equals(e, handle, StringComparison.OrdinalIgnoreCase));
}
