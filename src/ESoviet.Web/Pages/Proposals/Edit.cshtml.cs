using ESoviet.Web.Accounts;
using ESoviet.Web.Membership;
using ESoviet.Web.Voting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace ESoviet.Web.Pages.Proposals;

/// <summary>
/// <c>/o/{slug}/proposals/{id}/edit</c>: the proposer revises the text (and a charter change's charter) while it is
/// a draft or in discussion. Every revision is kept; the revisions page shows what changed.
/// </summary>
[EnableRateLimiting(AccountsSetup.PostingRateLimit)]
public sealed class EditModel(VotingQueries queries, VotingCommands commands, MembershipQueries membership) : PageModel
{
    public OrgMember Org { get; private set; } = null!;

    public ProposalDetail Proposal { get; private set; } = null!;

    public Charter Charter { get; private set; } = null!;

    [BindProperty]
    public ProposalInput Input { get; set; } = new();

    public FieldErrors Errors { get; } = new();

    [TempData]
    public string? Notice { get; set; }

    public bool IsAuthor => string.Equals(Proposal.Author, Org.Handle, StringComparison.OrdinalIgnoreCase);

    public bool CanRevise => IsAuthor && Proposal.Phase is ProposalPhase.Draft or ProposalPhase.Discussion;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        Input.Text = ProposalTextInput.From(Proposal.Text);
        Input.Charter = CharterInput.From(Proposal.NewCharter ?? Charter);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        if (!CanRevise) return Page();
        Charter? newCharter = null;
        if (Proposal.Kind == ProposalKind.CharterChange)
        {
            newCharter = Input.Charter.ToCharter(Errors);
            if (newCharter is null) return Page();
        }
        var outcome = await commands.ReviseAsync(Org, id, Input.Text.ToText(), newCharter, ct);
        if (outcome.Rejection is { } rejection)
        {
            if (rejection.Errors is { Count: > 0 } errors)
                foreach (var (field, messages) in errors)
                    foreach (var message in messages) Errors.Add(field == "text" ? "" : field, message);
            else Errors.General.Add(rejection.Title);
            return Page();
        }
        Notice = Proposal.Phase == ProposalPhase.Draft
            ? "Your draft is saved."
            : $"Revision {Proposal.Revision + 1} is saved. Members can see what changed on the revisions page.";
        return RedirectToPage("/Proposals/Proposal", new { slug = Org.Slug, id });
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        Org = HttpContext.Org();
        var proposal = await queries.FindAsync(Org.OrganizationId, id, Org.Handle, ct);
        if (proposal is null || ProposalDisplay.IsHiddenFrom(proposal.Phase, proposal.DiscussionEndsAt, proposal.Author, Org.Handle)) return false;
        Proposal = proposal;
        Charter = await membership.CharterAsync(Org.OrganizationId, ct);
        return true;
    }
}
