using ESoviet.Web.Infrastructure;
using ESoviet.Web.Membership;

namespace ESoviet.Web.Voting;

/// <summary><paramref name="Amends"/> and <paramref name="Repeals"/>: ids of in-force decisions, already looked up (null when none).</summary>
public sealed record DraftProposal(
    Guid ThreadId, ProposalKind Kind, ProposalText Text, Charter? NewCharter, string? Subject,
    IReadOnlyList<Guid>? Amends = null, IReadOnlyList<Guid>? Repeals = null);

/// <summary>What a vote needs to know about its proposal and its voter.</summary>
public sealed record VoteFacts(Guid ProposalId, ProposalPhase Phase, DateTimeOffset? ClosesAt, bool IsElector, bool Sealed);

/// <summary>What the organization looks like when a proposal is drafted or voting opens.</summary>
public sealed record OrganizationFacts(Charter Charter, IReadOnlyList<string> Members, bool ThreadIsOpen);

/// <summary>
/// The lifecycle of a proposal as pure functions: draft (author only) → discussion → voting (the proposer opens it
/// once the minimum discussion time has passed; text, electorate and rules freeze) → closed; withdrawal before voting.
/// </summary>
public static class ProposalDecisions
{
    public const int MaxTitleLength = 200;
    public const int MaxSectionLength = 20_000;
    public const int MaxReasonLength = 500;

    public static Decision Draft(OrgMember author, OrganizationFacts org, DraftProposal command, Guid proposalId)
    {
        if (!author.IsMember) return Rejection.Forbidden("Only full members can propose. Candidates can once they are admitted.");
        if (!org.ThreadIsOpen) return Rejection.Conflict("This thread is closed for new contributions.");
        var errors = CheckText(command.Text);
        var text = Trim(command.Text);
        Charter? newCharter = null;
        string? subject = null;
        switch (command.Kind)
        {
            case ProposalKind.CharterChange:
                if (command.NewCharter is null) errors["newCharter"] = ["A charter change states the new charter."];
                else
                {
                    foreach (var (field, messages) in command.NewCharter.Validate()) errors["newCharter." + field] = messages;
                    if (command.NewCharter == org.Charter) errors["newCharter"] = ["The new charter is the same as the one in force."];
                    newCharter = command.NewCharter;
                }
                break;
            case ProposalKind.MembershipReview:
                subject = org.Members.FirstOrDefault(m => string.Equals(m, command.Subject?.Trim(), StringComparison.OrdinalIgnoreCase));
                if (subject is null) errors["subject"] = ["A membership review names a current member."];
                else if (string.Equals(subject, author.Handle, StringComparison.OrdinalIgnoreCase)) errors["subject"] = ["To leave, use Leave; a review is about someone else."];
                break;
        }
        var amends = command.Amends is { Count: > 0 } a ? a.Distinct().ToList() : null;
        var repeals = command.Repeals is { Count: > 0 } r ? r.Distinct().ToList() : null;
        if ((amends is not null || repeals is not null) && command.Kind != ProposalKind.Policy)
            errors["amends"] = ["Only a policy amends or repeals earlier decisions."];
        else if (amends is not null && repeals is not null && amends.Intersect(repeals).Any())
            errors["repeals"] = ["A decision is either amended or repealed, not both."];
        if (errors.Count > 0) return Rejection.Invalid(errors);
        return Decision.Accept(new ProposalDrafted(proposalId, author.OrganizationId, command.ThreadId, command.Kind, author.Handle, text, newCharter, subject,
            amends, repeals));
    }

    public static Decision Submit(ProposalState proposal, string by, Charter charter, DateTimeOffset now)
    {
        if (!proposal.IsAuthor(by)) return Rejection.Forbidden("Only the proposer can put the proposal to discussion.");
        if (proposal.Phase != ProposalPhase.Draft) return Rejection.Conflict("The proposal is already under discussion.");
        return Decision.Accept(new ProposalSubmitted(proposal.Id, proposal.ThreadId, proposal.Kind, proposal.Author, proposal.Revision, proposal.Text,
            proposal.NewCharter, proposal.Subject, now.AddHours(charter.MinimumDiscussionHours), proposal.AmendsDecisions, proposal.RepealsDecisions));
    }

    public static Decision Revise(ProposalState proposal, string by, ProposalText text, Charter? newCharter, Charter current)
    {
        if (!proposal.IsAuthor(by)) return Rejection.Forbidden("Only the proposer can revise the proposal.");
        if (proposal.Phase is not (ProposalPhase.Draft or ProposalPhase.Discussion))
            return Rejection.Conflict("The text froze when voting opened.");
        var errors = CheckText(text);
        if (proposal.Kind == ProposalKind.CharterChange)
        {
            if (newCharter is null) errors["newCharter"] = ["A charter change states the new charter."];
            else foreach (var (field, messages) in newCharter.Validate()) errors["newCharter." + field] = messages;
            if (newCharter is not null && newCharter == current) errors["newCharter"] = ["The new charter is the same as the one in force."];
        }
        else newCharter = null;
        var trimmed = Trim(text);
        if (errors.Count == 0 && trimmed == proposal.Text && newCharter == proposal.NewCharter) errors["text"] = ["Nothing changed."];
        if (errors.Count > 0) return Rejection.Invalid(errors);
        return Decision.Accept(new ProposalRevised(proposal.Id, proposal.Revision + 1, trimmed, newCharter));
    }

    public static Decision OfferAmendment(ProposalState proposal, Guid contributionId, string contributionAuthor, Guid contributionThread, string by)
    {
        if (proposal.Phase != ProposalPhase.Discussion) return Rejection.Conflict("Amendments are offered during discussion.");
        if (SystemAuthor.Is(proposal.Author))
            return Rejection.Conflict("A review opened by the system under the charter takes no amendments; discuss it in its thread and vote.");
        if (contributionThread != proposal.ThreadId) return Rejection.Invalid("contributionId", "The contribution is not in this proposal's thread.");
        if (!string.Equals(contributionAuthor, by, StringComparison.OrdinalIgnoreCase)) return Rejection.Forbidden("Only its author can offer a contribution as an amendment.");
        if (proposal.IsAuthor(by)) return Rejection.Invalid("contributionId", "The proposer revises the text directly.");
        if (proposal.Amendments.ContainsKey(contributionId)) return Rejection.Conflict("This contribution is already an amendment.");
        return Decision.Accept(new AmendmentOffered(proposal.Id, contributionId, by));
    }

    public static Decision AnswerAmendment(ProposalState proposal, Guid contributionId, bool accept, string? reason, string by)
    {
        if (!proposal.IsAuthor(by)) return Rejection.Forbidden("Only the proposer answers amendments.");
        if (proposal.Phase != ProposalPhase.Discussion) return Rejection.Conflict("Amendments are answered during discussion.");
        if (!proposal.Amendments.TryGetValue(contributionId, out var state)) return Rejection.NotFound("There is no such amendment.");
        if (state != AmendmentState.Offered) return Rejection.Conflict("This amendment was already answered.");
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (!accept && reason is null) return Rejection.Invalid("reason", "Say why you decline the amendment: the membership reads it.");
        if (reason is { Length: > 2000 }) return Rejection.Invalid("reason", "At most 2,000 characters.");
        return Decision.Accept(new AmendmentAnswered(proposal.Id, contributionId, accept, reason));
    }

    public static Decision Withdraw(ProposalState proposal, string by)
    {
        if (!proposal.IsAuthor(by)) return Rejection.Forbidden("Only the proposer can withdraw the proposal.");
        if (proposal.Phase is not (ProposalPhase.Draft or ProposalPhase.Discussion))
            return Rejection.Conflict("Once voting opened, the membership decides; the proposal can no longer be withdrawn.");
        return Decision.Accept(new ProposalWithdrawn(proposal.Id, by));
    }

    /// <param name="implementing">Decisions the proposer implements now: at the charter's maximum, they finish or hand one over first.</param>
    public static Decision OpenVoting(ProposalState proposal, string by, OrganizationFacts org, DateTimeOffset now, int implementing = 0)
    {
        if (!proposal.IsAuthor(by)) return Rejection.Forbidden("Only the proposer opens the vote.");
        if (implementing >= org.Charter.MaxConcurrentImplementations)
            return Rejection.Conflict(
                $"You already implement {implementing} decisions, the charter's limit of {org.Charter.MaxConcurrentImplementations}. " +
                "Finish one (mark it done) or hand one over before opening a vote on a new proposal.");
        if (proposal.Phase != ProposalPhase.Discussion) return Rejection.Conflict(proposal.Phase == ProposalPhase.Draft
            ? "Put the proposal to discussion first."
            : "Voting can only open after discussion.");
        if (now < proposal.DiscussionEndsAt)
            return Rejection.Conflict($"Discussion runs until {proposal.DiscussionEndsAt:yyyy-MM-dd HH:mm} UTC, as the charter's minimum discussion time requires.");
        if (proposal.Amendments.Values.Any(a => a == AmendmentState.Offered))
            return Rejection.Conflict("Answer every amendment before voting opens.");
        if (org.Members.Count == 0) return Rejection.Conflict("There is no member to vote.");
        if (proposal.Kind == ProposalKind.MembershipReview && !org.Members.Any(m => string.Equals(m, proposal.Subject, StringComparison.OrdinalIgnoreCase)))
            return Rejection.Conflict("The member under review is no longer a member.");
        return Decision.Accept(new VotingOpened(proposal.Id, now, now.AddHours(org.Charter.VotingPeriodHours), proposal.Revision, org.Members, org.Charter));
    }

    /// <summary>
    /// A vote, judged on the facts read under the proposal row's share lock: closing takes that row exclusively,
    /// so no vote can slip in beside the count.
    /// </summary>
    public static Decision Cast(VoteFacts? facts, OrgMember voter, VoteChoice? choice, string? reason, DateTimeOffset now)
    {
        if (facts is null) return Rejection.NotFound("There is no such proposal.");
        if (!voter.IsMember) return Rejection.Forbidden("Candidates cannot vote.");
        if (facts.Phase == ProposalPhase.Closed || (facts.Phase == ProposalPhase.Voting && now >= facts.ClosesAt))
            return Rejection.Conflict("Voting has closed.");
        if (facts.Phase != ProposalPhase.Voting) return Rejection.Conflict("Voting has not opened.");
        if (!facts.IsElector) return Rejection.Forbidden("You joined after voting opened: the electorate was fixed then.");
        if (choice is null) return Rejection.Invalid("choice", "Choose for, against or abstain.");
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (reason is { Length: > MaxReasonLength }) return Rejection.Invalid("reason", $"A reason may have at most {MaxReasonLength} characters.");
        return Decision.Accept(new VoteCast(facts.ProposalId, voter.Handle, choice, reason, null));
    }

    private static Dictionary<string, string[]> CheckText(ProposalText? text)
    {
        var errors = new Dictionary<string, string[]>();
        if (text is null)
        {
            errors["text"] = ["The proposal's text is missing."];
            return errors;
        }
        void Section(string field, string? value, string missing, int max)
        {
            if (string.IsNullOrWhiteSpace(value)) errors[field] = [missing];
            else if (value.Length > max) errors[field] = [$"At most {max:N0} characters."];
        }
        Section("title", text.Title, "Give the proposal a title.", MaxTitleLength);
        Section("problem", text.Problem, "State the problem and why a solution is necessary.", MaxSectionLength);
        Section("action", text.Action, "State the action you propose.", MaxSectionLength);
        Section("analysis", text.Analysis, "Analyse whether it is practicable in the present situation.", MaxSectionLength);
        Section("alternatives", text.Alternatives, "Name the alternatives you considered.", MaxSectionLength);
        Section("plan", text.Plan, "Set out how you will implement it: the proposer implements what is adopted.", MaxSectionLength);
        return errors;
    }

    private static ProposalText Trim(ProposalText text) =>
        new(text.Title?.Trim() ?? "", text.Problem?.Trim() ?? "", text.Action?.Trim() ?? "", text.Analysis?.Trim() ?? "",
            text.Alternatives?.Trim() ?? "", text.Plan?.Trim() ?? "");
}
