using ESoviet.Web.Membership;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ESoviet.Web.Pages.Orgs;

/// <summary><c>/o/{slug}/members</c>: candidates with their vouches (and a Vouch button for members), then members.</summary>
public sealed class MembersModel(MembershipQueries queries, MembershipCommands commands) : PageModel
{
    public OrgMember Org { get; private set; } = null!;

    public MemberList List { get; private set; } = null!;

    public Charter Charter { get; private set; } = null!;

    [TempData]
    public string? Notice { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostVouchAsync(string? handle, CancellationToken ct)
    {
        var org = HttpContext.Org();
        var outcome = await commands.VouchAsync(org, handle ?? "", ct);
        if (outcome.Rejection is { } rejection)
        {
            rejection.AddTo(ModelState);
            await LoadAsync(ct);
            return Page();
        }
        var vouched = outcome.Value!;
        Notice = vouched.Admitted
            ? $"You vouched for {vouched.Candidate}, who is now a member."
            : $"You vouched for {vouched.Candidate}: {vouched.Vouches} of {vouched.VouchesNeeded} vouches.";
        return RedirectToPage(new { slug = org.Slug });
    }

    public bool CanVouchFor(MemberEntry candidate) =>
        Org.IsMember
        && candidate.Status == MemberStatus.Candidate
        && !string.Equals(candidate.Handle, Org.Handle, StringComparison.OrdinalIgnoreCase)
        && !candidate.Vouches.Any(v => string.Equals(v.Voucher, Org.Handle, StringComparison.OrdinalIgnoreCase));

    private async Task LoadAsync(CancellationToken ct)
    {
        Org = HttpContext.Org();
        List = await queries.MembersAsync(Org.OrganizationId, ct);
        Charter = await queries.CharterAsync(Org.OrganizationId, ct);
    }
}
