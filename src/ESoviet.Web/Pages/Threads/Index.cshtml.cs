using ESoviet.Web.Accounts;
using ESoviet.Web.Deliberation;
using ESoviet.Web.Membership;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ESoviet.Web.Pages.Threads;

/// <summary>
/// <c>/o/{slug}/threads</c>: threads with the newest activity first, filtered by tag, 25 a page. The unread counts
/// are the reader's own: nothing here tells anyone else who has read what.
/// </summary>
public sealed class IndexModel(ThreadQueries queries) : PageModel
{
    public OrgMember Org { get; private set; } = null!;

    public ThreadPage Threads { get; private set; } = null!;

    public IReadOnlyList<string> Tags { get; private set; } = [];

    public string? Tag { get; private set; }

    public int UnseenMentions { get; private set; }

    // "page" is the name Razor Pages routes by, so the query's page number is bound by name from the query alone.
    public async Task OnGetAsync(string? tag, [FromQuery(Name = "page")] int? number, CancellationToken ct)
    {
        Org = HttpContext.Org();
        Tag = string.IsNullOrWhiteSpace(tag) ? null : tag.Trim().ToLowerInvariant();
        Threads = await queries.ListAsync(Org.OrganizationId, User.AccountIdOf(), Tag, number ?? 1, ct);
        Tags = await queries.TagsAsync(Org.OrganizationId, ct);
        var mentions = await queries.MentionsAsync(Org.OrganizationId, Handles.Key(Org.Handle), ct);
        UnseenMentions = mentions.Count(m => !m.Seen);
    }

    /// <summary>This list at another page, keeping the tag. Built by hand: a "page" route value would name a Razor page.</summary>
    public string PageUrl(int number)
    {
        var query = new QueryBuilder();
        if (Tag is not null) query.Add("tag", Tag);
        if (number > 1) query.Add("page", number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return Url.Page("/Threads/Index", new { slug = Org.Slug }) + query;
    }

    /// <summary>Page numbers to offer: all of them when few, else the first, the last and those around the current one.</summary>
    public IReadOnlyList<int?> PageNumbers()
    {
        var count = Threads.PageCount;
        var current = Threads.Page;
        if (count <= 7) return Enumerable.Range(1, count).Select(n => (int?)n).ToList();
        var shown = new SortedSet<int> { 1, count, current - 1, current, current + 1 };
        var numbers = new List<int?>();
        var previous = 0;
        foreach (var n in shown.Where(n => n >= 1 && n <= count))
        {
            if (n > previous + 1) numbers.Add(null);
            numbers.Add(n);
            previous = n;
        }
        return numbers;
    }
}
