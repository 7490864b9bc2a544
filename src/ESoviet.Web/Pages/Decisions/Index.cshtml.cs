using ESoviet.Web.Decisions;
using ESoviet.Web.Membership;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ESoviet.Web.Pages.Decisions;

/// <summary><c>/o/{slug}/decisions</c>: the decision register, newest first, with each decision's state, commitments and flags.</summary>
public sealed class IndexModel(DecisionQueries queries) : PageModel
{
    public OrgMember Org { get; private set; } = null!;

    public IReadOnlyList<DecisionSummary> Decisions { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Org = HttpContext.Org();
        Decisions = await queries.RegisterAsync(Org.OrganizationId, ct);
    }
}
