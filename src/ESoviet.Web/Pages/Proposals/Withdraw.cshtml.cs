using ESoviet.Web.Membership;
using ESoviet.Web.Voting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ESoviet.Web.Pages.Proposals;

/// <summary>
/// <c>/o/{slug}/proposals/{id}/withdraw</c>: asks once more before the proposer withdraws (or discards a draft), as a
/// page of its own so the confirmation works without script.
/// </summary>
public sealed class WithdrawModel(VotingQueries queries, VotingCommands commands) : PageModel
{
    public OrgMember Org { get; private set; } = null!;

    public ProposalDetail Proposal { get; private set; } = null!;

    public FieldErrors Errors { get; } = new();

    public bool CanWithdraw =>
        string.Equals(Proposal.Author, Org.Handle, StringComparison.OrdinalIgnoreCase) && Proposal.Phase is ProposalPhase.Draft or ProposalPhase.Discussion;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        var outcome = await commands.WithdrawAsync(Org, id, ct);
        if (outcome.Rejection is { } rejection)
        {
            Errors.Add(rejection);
            return Page();
        }
        TempData["Notice"] = Proposal.Phase == ProposalPhase.Draft ? "The draft is discarded." : "The proposal is withdrawn.";
        return RedirectToPage("/Proposals/Proposal", new { slug = Org.Slug, id });
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        Org = HttpContext.Org();
        var proposal = await queries.FindAsync(Org.OrganizationId, id, Org.Handle, ct);
        if (proposal is null || ProposalDisplay.IsHiddenFrom(proposal.Phase, proposal.DiscussionEndsAt, proposal.Author, Org.Handle)) return false;
        Proposal = proposal;
        return true;
    }
}
