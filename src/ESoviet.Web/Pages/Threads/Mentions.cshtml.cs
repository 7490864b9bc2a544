using ESoviet.Web.Accounts;
using ESoviet.Web.Deliberation;
using ESoviet.Web.Membership;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ESoviet.Web.Pages.Threads;

/// <summary>
/// <c>/o/{slug}/mentions</c>: where others mentioned the reader, newest first. Opening the page marks them seen; the
/// marks are the reader's own and nobody else can tell whether they looked.
/// </summary>
public sealed class MentionsModel(ThreadQueries queries) : PageModel
{
    public OrgMember Org { get; private set; } = null!;

    public IReadOnlyList<MentionView> Mentions { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Org = HttpContext.Org();
        var key = Handles.Key(Org.Handle);
        // Read before marking, so this visit still shows which ones are new.
        Mentions = await queries.MentionsAsync(Org.OrganizationId, key, ct);
        if (Mentions.Any(m => !m.Seen)) await queries.MarkMentionsSeenAsync(Org.OrganizationId, key, ct);
    }
}
