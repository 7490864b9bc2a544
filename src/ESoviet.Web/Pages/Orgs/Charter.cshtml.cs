using ESoviet.Web.Membership;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ESoviet.Web.Pages.Orgs;

/// <summary><c>/o/{slug}/charter</c>: every rule of the charter in force, with what it means in plain words.</summary>
public sealed class CharterModel(MembershipQueries queries) : PageModel
{
    public OrgMember Org { get; private set; } = null!;

    public Charter Charter { get; private set; } = null!;

    public OrganizationDetails Details { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Org = HttpContext.Org();
        Charter = await queries.CharterAsync(Org.OrganizationId, ct);
        Details = await queries.DetailsAsync(Org, ct);
    }
}
