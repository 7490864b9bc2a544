using ESoviet.Web.Deliberation;
using ESoviet.Web.Membership;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ESoviet.Web.Pages.Threads;

/// <summary><c>/o/{slug}/search?q=</c>: ranked full-text search over this organization's contributions, 50 at most.</summary>
public sealed class SearchModel(ThreadQueries queries) : PageModel
{
    public const int MaxQueryLength = 200;
    public const int MaxHits = 50;

    public OrgMember Org { get; private set; } = null!;

    public string Query { get; private set; } = "";

    public IReadOnlyList<SearchHit>? Hits { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(string? q, CancellationToken ct)
    {
        Org = HttpContext.Org();
        Query = (q ?? "").Trim();
        if (Query.Length == 0) return;
        if (Query.Length > MaxQueryLength)
        {
            Error = $"A search may have at most {MaxQueryLength} characters.";
            return;
        }
        Hits = await queries.SearchAsync(Org.OrganizationId, Query, MaxHits, ct);
    }
}
