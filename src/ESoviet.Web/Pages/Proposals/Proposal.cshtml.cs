using ESoviet.Web.Accounts;
using System.Net;
using System.Text.RegularExpressions;
using ESoviet.Web.Decisions;
using ESoviet.Web.Deliberation;
using ESoviet.Web.Deliberation.Text;
using ESoviet.Web.Infrastructure;
using ESoviet.Web.Membership;
using ESoviet.Web.Voting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace ESoviet.Web.Pages.Proposals;

/// <summary>The vote form: a choice, an optional reason, and the idempotency key minted when the form was drawn.</summary>
public sealed class VoteInput
{
    public string? Choice { get; set; }

    public string? Reason { get; set; }

    /// <summary>A GUID per rendered form: pressing Submit twice, or resending after a lost response, counts once.</summary>
    public string? Key { get; set; }

    public VoteChoice? Parsed => Choice switch
    {
        "for" => VoteChoice.For,
        "against" => VoteChoice.Against,
        "abstain" => VoteChoice.Abstain,
        _ => null,
    };
}

/// <summary>An amendment with the contribution it offers, when that is still in the thread.</summary>
public sealed record AmendmentCard(AmendmentView Amendment, ContributionView? Contribution);

/// <summary>
/// <c>/o/{slug}/proposals/{id}</c>: the proposal where it stands. Its phase in a sentence, the proposer's next steps
/// (or why one is not possible yet), the text, amendments, and once voting opens the frozen rules, the count, the
/// vote form and the roll call. Every action is a plain form posting back here, so all of it works without script.
/// </summary>
[EnableRateLimiting(AccountsSetup.VotingRateLimit)]
public sealed partial class ProposalModel(
    VotingQueries queries, VotingCommands commands, ThreadQueries threads, MembershipQueries membership, DecisionQueries decisions, TimeProvider time)
    : PageModel
{
    /// <summary>The decision this proposal became, when it was adopted as a policy.</summary>
    public DecisionLink? Decision { get; private set; }

    /// <summary>Earlier decisions this policy amends or repeals.</summary>
    public IReadOnlyList<DecisionLink> AmendsDecisions { get; private set; } = [];

    public IReadOnlyList<DecisionLink> RepealsDecisions { get; private set; } = [];

    /// <summary>For the proposer: how many decisions they implement now (the charter caps it before a new vote opens).</summary>
    public int Implementing { get; private set; }

    public OrgMember Org { get; private set; } = null!;

    public ProposalDetail Proposal { get; private set; } = null!;

    public ThreadDetail? Thread { get; private set; }

    public DateTimeOffset Now { get; private set; }

    public Charter CurrentCharter { get; private set; } = null!;

    public RollCall? RollCall { get; private set; }

    public RollCallRow? MyVote { get; private set; }

    public bool IsElector { get; private set; }

    public IReadOnlyList<AmendmentCard> Amendments { get; private set; } = [];

    /// <summary>The viewer's own contributions in the thread that they could still offer as amendments.</summary>
    public IReadOnlyList<ContributionView> Offerable { get; private set; } = [];

    /// <summary>Errors of the last action anywhere on the page but the vote form.</summary>
    public FieldErrors Errors { get; } = new();

    /// <summary>Errors of the vote form, shown inside it.</summary>
    public FieldErrors VoteErrors { get; } = new();

    /// <summary>The amendment whose decline form the errors belong to.</summary>
    public Guid? AnswerFor { get; private set; }

    [BindProperty]
    public VoteInput Vote { get; set; } = new();

    [BindProperty]
    public string? DeclineReason { get; set; }

    [TempData]
    public string? Notice { get; set; }

    [TempData]
    public string? VoteNotice { get; set; }

    public bool IsAuthor => string.Equals(Proposal.Author, Org.Handle, StringComparison.OrdinalIgnoreCase);

    /// <summary>Voting is open and its time has not run out (the closer may be a moment behind the deadline).</summary>
    public bool VotingOpen => Proposal.Phase == ProposalPhase.Voting && Proposal.ClosesAt > Now;

    public bool ChoicesHidden => RollCall?.ChoicesHidden ?? false;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        Vote.Key = NewKey();
        return Page();
    }

    public Task<IActionResult> OnPostSubmitAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, commands.SubmitAsync(HttpContext.Org(), id, ct), "Your proposal is open for discussion. Every member can read and discuss it now.", ct);

    public Task<IActionResult> OnPostOpenVotingAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, commands.OpenVotingAsync(HttpContext.Org(), id, ct), "Voting is open. The text, the electorate and the rules are now fixed.", ct);

    public Task<IActionResult> OnPostOfferAsync(Guid id, Guid contributionId, CancellationToken ct) =>
        ActAsync(id, commands.OfferAmendmentAsync(HttpContext.Org(), id, contributionId, ct),
            "Your contribution is offered as an amendment. The proposer must accept or decline it before voting opens.", ct, anchor: "amendments");

    public async Task<IActionResult> OnPostAcceptAsync(Guid id, Guid contributionId, CancellationToken ct)
    {
        var org = HttpContext.Org();
        var outcome = await commands.AnswerAmendmentAsync(org, id, contributionId, accept: true, reason: null, ct);
        if (outcome.Rejection is { } rejection) return await RefusedAsync(id, rejection, ct);
        // Accepting is a promise to change the text: take the proposer straight to where they keep it.
        TempData["Notice"] = "You accepted the amendment. Now revise the text so that it says what you accepted.";
        return RedirectToPage("/Proposals/Edit", new { slug = org.Slug, id });
    }

    public async Task<IActionResult> OnPostDeclineAsync(Guid id, Guid contributionId, CancellationToken ct)
    {
        var org = HttpContext.Org();
        var outcome = await commands.AnswerAmendmentAsync(org, id, contributionId, accept: false, DeclineReason, ct);
        if (outcome.Rejection is { } rejection)
        {
            AnswerFor = contributionId;
            return await RefusedAsync(id, rejection, ct);
        }
        Notice = "You declined the amendment. Your reason is shown with it.";
        return RedirectToPage("/Proposals/Proposal", null, new { slug = org.Slug, id }, "amendments");
    }

    public async Task<IActionResult> OnPostVoteAsync(Guid id, CancellationToken ct)
    {
        var org = HttpContext.Org();
        var key = Vote.Key is { Length: > 0 and <= 200 } k ? k : null;
        var outcome = await commands.CastAsync(org, id, Vote.Parsed, Vote.Reason, key, ct);
        if (outcome.Value is { } cast)
        {
            VoteNotice = cast.Repeated
                ? $"That form was already sent: your vote {ProposalDisplay.Choice(cast.Choice)} was recorded once."
                : $"Your vote is recorded: {ProposalDisplay.Choice(cast.Choice)}.";
            return RedirectToPage("/Proposals/Proposal", null, new { slug = org.Slug, id }, "vote");
        }
        if (!await LoadAsync(id, ct)) return NotFound();
        var rejection = outcome.Rejection!;
        if (rejection.Status == StatusCodes.Status422UnprocessableEntity)
        {
            // The form was sent before with another choice (a resubmitted old page): this one is a new request.
            VoteErrors.General.Add("This form was already used for a different vote. Check your choice and send it again.");
            Vote.Key = NewKey();
        }
        else VoteErrors.Add(rejection);
        return Page();
    }

    private async Task<IActionResult> ActAsync(Guid id, Task<Outcome<ProposalRef>> action, string notice, CancellationToken ct, string? anchor = null)
    {
        var outcome = await action;
        if (outcome.Rejection is { } rejection) return await RefusedAsync(id, rejection, ct);
        Notice = notice;
        return RedirectToPage("/Proposals/Proposal", null, new { slug = HttpContext.Org().Slug, id }, anchor);
    }

    private async Task<IActionResult> RefusedAsync(Guid id, Rejection rejection, CancellationToken ct)
    {
        if (rejection.Status == StatusCodes.Status404NotFound || !await LoadAsync(id, ct)) return NotFound();
        Errors.Add(rejection);
        Vote.Key = NewKey();
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        Org = HttpContext.Org();
        Now = time.GetUtcNow();
        var proposal = await queries.FindAsync(Org.OrganizationId, id, Org.Handle, ct);
        if (proposal is null || ProposalDisplay.IsHiddenFrom(proposal.Phase, proposal.DiscussionEndsAt, proposal.Author, Org.Handle)) return false;
        Proposal = proposal;
        Thread = await threads.FindThreadAsync(Org.OrganizationId, proposal.ThreadId, ct);
        CurrentCharter = await membership.CharterAsync(Org.OrganizationId, ct);
        (Decision, AmendsDecisions, RepealsDecisions) = await decisions.OfProposalAsync(Org.OrganizationId, id, ct);
        if (IsAuthor && proposal.Phase == ProposalPhase.Discussion) Implementing = await commands.ImplementingAsync(Org.OrganizationId, Org.Handle, ct);

        if (proposal.Rules is not null)
        {
            RollCall = await queries.RollCallAsync(proposal, ct);
            MyVote = await queries.MyVoteAsync(id, Org.Handle, ct);
            IsElector = RollCall is not null
                && (RollCall.Votes.Any(v => Same(v.Voter, Org.Handle)) || RollCall.NotYetVoted.Any(h => Same(h, Org.Handle)));
        }

        if (proposal.Amendments.Count > 0 || proposal.Phase == ProposalPhase.Discussion)
        {
            var contributions = await threads.ContributionsAsync(Org.OrganizationId, proposal.ThreadId, ct);
            var byId = contributions.ToDictionary(c => c.Id);
            Amendments = proposal.Amendments.Select(a => new AmendmentCard(a, byId.GetValueOrDefault(a.ContributionId))).ToList();
            if (proposal.Phase == ProposalPhase.Discussion && !IsAuthor)
            {
                var offered = proposal.Amendments.Select(a => a.ContributionId).ToHashSet();
                Offerable = contributions.Where(c => Same(c.Author, Org.Handle) && !c.Retracted && !offered.Contains(c.Id)).ToList();
            }
        }
        return true;
    }

    /// <summary>Why the proposer cannot open voting yet, or null when they can.</summary>
    public string? OpenVotingBlocker
    {
        get
        {
            if (Proposal.DiscussionEndsAt is { } ends && Now < ends)
                return $"Voting can open in {ProposalDisplay.Duration(ends - Now)}, at {ProposalDisplay.When(ends)}: the charter asks for at least {ProposalDisplay.Hours(CurrentCharter.MinimumDiscussionHours)} of discussion first.";
            var waiting = Proposal.Amendments.Count(a => a.State == "offered");
            if (waiting > 0)
                return $"Answer {(waiting == 1 ? "the amendment" : $"all {waiting} amendments")} waiting below before voting opens.";
            if (!Org.IsMember) return "Only full members open votes.";
            if (Implementing >= CurrentCharter.MaxConcurrentImplementations)
                return $"You already implement {Implementing} decisions, the charter's limit of {CurrentCharter.MaxConcurrentImplementations}: " +
                       "mark one done or hand one over before opening this vote.";
            return null;
        }
    }

    /// <summary>A section of the text as safe HTML (the renderer encodes and vets everything).</summary>
    public static string Render(string markdown) => MarkdownRenderer.Render(markdown).Html;

    /// <summary>The start of a contribution's text, for choosing among one's own contributions.</summary>
    public static string Excerpt(ContributionView c)
    {
        var text = WebUtility.HtmlDecode(Tags().Replace(c.Html, " "));
        text = Spaces().Replace(text, " ").Trim();
        return text.Length <= 70 ? text : text[..70].TrimEnd() + "…";
    }

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    public static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static string NewKey() => Guid.NewGuid().ToString();
}
