using ESoviet.Web.Accounts;
using ESoviet.Web.Deliberation;
using ESoviet.Web.Membership;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ESoviet.Web.Pages.Threads;

public sealed class ReplyInput : ComposeInput
{
    /// <summary>The contribution answered; none for a reply to the thread itself.</summary>
    public Guid? ParentId { get; set; }
}

/// <summary>
/// <c>/o/{slug}/threads/{threadId}/reply?to={contributionId}</c>: the contribution answered, for reference, and the
/// reply form. The thread page's own reply form posts here too, so refusals and previews are shown in one place.
/// </summary>
[EnableRateLimiting(AccountsSetup.PostingRateLimit)]
public sealed class ReplyModel(
    ThreadQueries queries, DeliberationCommands commands, AttachmentStore attachments, IOptions<DeliberationOptions> options) : PageModel
{
    public OrgMember Org { get; private set; } = null!;

    public ThreadDetail Thread { get; private set; } = null!;

    public ContributionCard? Parent { get; private set; }

    [BindProperty]
    public ReplyInput Input { get; set; } = new();

    [BindProperty]
    public List<IFormFile> Files { get; set; } = [];

    public FormErrors Errors { get; } = new();

    public ComposeForm Compose { get; private set; } = null!;

    [TempData]
    public string? Notice { get; set; }

    private DeliberationOptions Limits => options.Value;

    public async Task<IActionResult> OnGetAsync(Guid threadId, Guid? to, CancellationToken ct)
    {
        Input.ParentId = to;
        if (!await LoadAsync(threadId, ct)) return NotFound();
        Compose = Form(threadId, [], null);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid threadId, CancellationToken ct)
    {
        if (!await LoadAsync(threadId, ct)) return NotFound();
        await Composing.UploadAsync(attachments, Org, Files, Input, Limits.MaxAttachmentBytes, Errors, ct);
        if (!Errors.Any)
        {
            var outcome = await commands.ReplyAsync(Org, threadId, Input.ParentId, new ContributionInput(Input.Markdown, Input.Structure, Input.Attachments), ct);
            if (outcome.Value is { } posted)
            {
                Notice = "Your reply is posted.";
                return RedirectToPage("/Threads/Thread", null, new { slug = Org.Slug, threadId }, $"c-{posted.ContributionId}");
            }
            Errors.Add(outcome.Rejection!);
            Response.StatusCode = outcome.Rejection!.Status;
        }
        else
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        Compose = Form(threadId, await Composing.KeptAsync(attachments, Org, Input, Errors, ct), null);
        return Page();
    }

    public async Task<IActionResult> OnPostPreviewAsync(Guid threadId, CancellationToken ct)
    {
        if (!await LoadAsync(threadId, ct)) return NotFound();
        await Composing.UploadAsync(attachments, Org, Files, Input, Limits.MaxAttachmentBytes, Errors, ct);
        Compose = Form(threadId, await Composing.KeptAsync(attachments, Org, Input, Errors, ct), Composing.Preview(Input, Limits.MaxBodyLength));
        return Page();
    }

    /// <summary>The thread, and the contribution answered when it is in this thread; false when either is missing.</summary>
    private async Task<bool> LoadAsync(Guid threadId, CancellationToken ct)
    {
        Org = HttpContext.Org();
        var thread = await queries.FindThreadAsync(Org.OrganizationId, threadId, ct);
        if (thread is null) return false;
        Thread = thread;
        if (Input.ParentId is { } parentId)
        {
            var parent = await queries.FindContributionAsync(Org.OrganizationId, parentId, ct);
            if (parent is null || parent.ThreadId != threadId) return false;
            Parent = new ContributionCard(parent, new ThreadContext(Org, threadId, thread.State == "open"), null, [], parent.Id == thread.OpeningId, ShowActions: false);
        }
        return true;
    }

    private ComposeForm Form(Guid threadId, IReadOnlyList<AttachmentRef> kept, ComposePreview? preview) => new()
    {
        Slug = Org.Slug,
        Input = Input,
        Errors = Errors,
        Kept = kept,
        Preview = preview,
        Warnings = Composing.Lint(Input),
        BodyLabel = "Your reply",
        SubmitLabel = "Post reply",
        PreviewAction = Url.Page("/Threads/Reply", "Preview", new { slug = Org.Slug, threadId })!,
        Limits = Limits,
    };
}
