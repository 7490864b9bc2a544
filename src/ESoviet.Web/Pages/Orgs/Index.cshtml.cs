using ESoviet.Web.Membership;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ESoviet.Web.Pages.Orgs;

/// <summary><c>/o/{slug}</c>: the organization at a glance, and for a candidate, where their admission stands.</summary>
public sealed class IndexModel(MembershipQueries queries) : PageModel
{
    public OrgMember Org { get; private set; } = null!;

    public OrganizationDetails Details { get; private set; } = null!;

    public Charter Charter { get; private set; } = null!;

    /// <summary>Candidates waiting, for members to see who needs vouches.</summary>
    public IReadOnlyList<MemberEntry> Candidates { get; private set; } = [];

    /// <summary>The viewer's own entry (their vouches, when a candidate).</summary>
    public MemberEntry? Me { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Org = HttpContext.Org();
        Details = await queries.DetailsAsync(Org, ct);
        Charter = await queries.CharterAsync(Org.OrganizationId, ct);
        var people = await queries.MembersAsync(Org.OrganizationId, ct);
        Candidates = people.People.Where(p => p.Status == MemberStatus.Candidate).ToList();
        Me = people.People.FirstOrDefault(p => string.Equals(p.Handle, Org.Handle, StringComparison.OrdinalIgnoreCase));
    }
}
