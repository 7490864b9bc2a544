using ESoviet.Web.Decisions;
using ESoviet.Web.Membership;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ESoviet.Web.Pages.Decisions;

/// <summary><c>/o/{slug}/vanguard</c>: how the organization's work is spread, per member and as two figures over time. No ranking.</summary>
public sealed class VanguardModel(DecisionQueries queries) : PageModel
{
    public OrgMember Org { get; private set; } = null!;

    public VanguardView View { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Org = HttpContext.Org();
        View = await queries.VanguardAsync(Org.OrganizationId, ct);
    }
}
