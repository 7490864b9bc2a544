using ESoviet.Web.Decisions;
using ESoviet.Web.Membership;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ESoviet.Web.Pages.Decisions;

/// <summary><c>/o/{slug}/decisions/mine</c>: what decisions ask of the viewer: answers due, decisions and tasks in hand, handovers offered, breaches.</summary>
public sealed class MineModel(DecisionQueries queries) : PageModel
{
    public OrgMember Org { get; private set; } = null!;

    public MyWork Work { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Org = HttpContext.Org();
        Work = await queries.MineAsync(Org.OrganizationId, Org.Handle, ct);
    }
}
