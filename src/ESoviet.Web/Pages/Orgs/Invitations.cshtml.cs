using ESoviet.Web.Accounts;
using ESoviet.Web.Membership;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace ESoviet.Web.Pages.Orgs;

/// <summary>
/// <c>/o/{slug}/invitations</c>, for full members (candidates get 403): issue a link, shown once in the response to
/// the POST and never again; see every invitation's state; revoke open ones.
/// </summary>
[EnableRateLimiting(AccountsSetup.InvitationRateLimit)]
public sealed class InvitationsModel(MembershipQueries queries, MembershipCommands commands) : PageModel
{
    public OrgMember Org { get; private set; } = null!;

    public IReadOnlyList<InvitationEntry> Invitations { get; private set; } = [];

    /// <summary>The link just issued; only ever set in the response that issued it.</summary>
    public string? NewLink { get; private set; }

    public DateTimeOffset? NewLinkExpires { get; private set; }

    [TempData]
    public string? Notice { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) =>
        await LoadAsync(ct) ? Page() : Forbidden();

    public async Task<IActionResult> OnPostIssueAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return Forbidden();
        var outcome = await commands.IssueInvitationAsync(Org, ct);
        if (outcome.Rejection is { } rejection) return Refused(rejection);
        NewLink = MembershipApi.JoinLink(Request, outcome.Value!.Token);
        NewLinkExpires = outcome.Value.ExpiresAt;
        // The link lives only in this response: no browser or proxy may keep a copy.
        Response.Headers.CacheControl = "no-store";
        Invitations = await queries.InvitationsAsync(Org.OrganizationId, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return Forbidden();
        if (await commands.RevokeInvitationAsync(Org, id, ct) is { } rejection) return Refused(rejection);
        Notice = "The invitation is revoked: its link no longer works.";
        return RedirectToPage(new { slug = Org.Slug });
    }

    private PageResult Refused(Infrastructure.Rejection rejection)
    {
        rejection.AddTo(ModelState);
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        Org = HttpContext.Org();
        if (!Org.IsMember) return false;
        Invitations = await queries.InvitationsAsync(Org.OrganizationId, ct);
        return true;
    }

    private StatusCodeResult Forbidden() => StatusCode(StatusCodes.Status403Forbidden);
}
