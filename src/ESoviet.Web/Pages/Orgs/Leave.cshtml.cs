using ESoviet.Web.Membership;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ESoviet.Web.Pages.Orgs;

/// <summary><c>/o/{slug}/leave</c>: says what leaving means, and leaves on the confirming POST.</summary>
public sealed class LeaveModel(MembershipQueries queries, MembershipCommands commands) : PageModel
{
    public OrgMember Org { get; private set; } = null!;

    /// <summary>Leaving would leave no member at all: nobody could admit anyone afterwards.</summary>
    public bool IsLastMember { get; private set; }

    [TempData]
    public string? Notice { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (await commands.LeaveAsync(Org, ct) is { } rejection)
        {
            rejection.AddTo(ModelState);
            return Page();
        }
        Notice = Org.IsCandidate ? $"You withdrew your candidacy in {Org.Name}." : $"You have left {Org.Name}.";
        return RedirectToPage("/Index");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Org = HttpContext.Org();
        IsLastMember = Org.IsMember && await queries.MemberCountAsync(Org.OrganizationId, ct) == 1;
    }
}
