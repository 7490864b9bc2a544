using ESoviet.Web.Accounts;
using ESoviet.Web.Deliberation;
using ESoviet.Web.Membership;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace ESoviet.Web.Pages.Threads;

/// <summary>
/// <c>/o/{slug}/threads/{threadId}</c>: the thread in reading order, nested, with a reply form at the end (posting to
/// the reply page, which handles errors and previews). Opening it marks it read, privately, for the reader.
/// </summary>
public sealed class ThreadModel(ThreadQueries queries, IOptions<DeliberationOptions> options) : PageModel
{
    public OrgMember Org { get; private set; } = null!;

    public ThreadDetail Thread { get; private set; } = null!;

    public ContributionCard? Opening { get; private set; }

    public IReadOnlyList<ContributionCard> Replies { get; private set; } = [];

    public int ReplyCount { get; private set; }

    public ComposeForm ReplyForm { get; private set; } = null!;

    [TempData]
    public string? Notice { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid threadId, CancellationToken ct)
    {
        Org = HttpContext.Org();
        var thread = await queries.FindThreadAsync(Org.OrganizationId, threadId, ct);
        if (thread is null) return NotFound();
        Thread = thread;
        var contributions = await queries.ContributionsAsync(Org.OrganizationId, threadId, ct);
        if (User.AccountIdOf() is { } reader) await queries.MarkReadAsync(reader, threadId, contributions.Count, ct);

        (Opening, Replies) = ContributionTree.Layout(contributions, thread.OpeningId, new ThreadContext(Org, thread.Id, IsOpen));
        ReplyCount = contributions.Count - 1;
        ReplyForm = new ComposeForm
        {
            Slug = Org.Slug,
            Input = new ComposeInput(),
            Errors = new FormErrors(),
            Id = "reply",
            BodyLabel = "Your reply",
            SubmitLabel = "Post reply",
            PreviewAction = Url.Page("/Threads/Reply", "Preview", new { slug = Org.Slug, threadId })!,
            Limits = options.Value,
        };
        return Page();
    }

    public bool IsOpen => Thread.State == "open";
}
