using ESoviet.Web.Deliberation;
using ESoviet.Web.Membership;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ESoviet.Web.Pages.Threads;

/// <summary>
/// <c>/o/{slug}/c/{id}</c>: a contribution's permanent address. It names no thread, so it survives however the thread
/// is shown; it redirects to the thread at the contribution's anchor.
/// </summary>
public sealed class PermalinkModel(ThreadQueries queries) : PageModel
{
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var org = HttpContext.Org();
        var contribution = await queries.FindContributionAsync(org.OrganizationId, id, ct);
        if (contribution is null) return NotFound();
        return RedirectToPage("/Threads/Thread", null, new { slug = org.Slug, threadId = contribution.ThreadId }, $"c-{id}");
    }
}
