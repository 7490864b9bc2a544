using ESoviet.Web.Membership;
using ESoviet.Web.Voting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ESoviet.Web.Pages.Proposals;

/// <summary>
/// <c>/o/{slug}/proposals</c>: every proposal, grouped by where it stands: being voted on first (with the time left),
/// then in discussion, the viewer's own drafts, closed with their outcome, and withdrawn.
/// </summary>
public sealed class IndexModel(VotingQueries queries, TimeProvider time) : PageModel
{
    public OrgMember Org { get; private set; } = null!;

    public DateTimeOffset Now { get; private set; }

    public ILookup<ProposalPhase, ProposalSummary> ByPhase { get; private set; } = null!;

    public int Total { get; private set; }

    [TempData]
    public string? Notice { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Org = HttpContext.Org();
        Now = time.GetUtcNow();
        var list = (await queries.ListAsync(Org.OrganizationId, Org.Handle, null, ct))
            .Where(p => !ProposalDisplay.IsHiddenFrom(p.Phase, p.DiscussionEndsAt, p.Author, Org.Handle)).ToList();
        Total = list.Count;
        // Voting ends soonest first; discussion and the rest newest first, as listed.
        ByPhase = list.OrderBy(p => p.Phase == ProposalPhase.Voting ? p.ClosesAt : null).ToLookup(p => p.Phase);
        return Page();
    }

    public static readonly IReadOnlyList<(ProposalPhase Phase, string Id, string Heading)> Groups =
    [
        (ProposalPhase.Voting, "voting", "Being voted on"),
        (ProposalPhase.Discussion, "discussion", "In discussion"),
        (ProposalPhase.Draft, "drafts", "Your drafts"),
        (ProposalPhase.Closed, "closed", "Decided"),
        (ProposalPhase.Withdrawn, "withdrawn", "Withdrawn"),
    ];
}
