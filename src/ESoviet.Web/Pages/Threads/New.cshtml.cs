using ESoviet.Web.Accounts;
using ESoviet.Web.Deliberation;
using ESoviet.Web.Membership;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ESoviet.Web.Pages.Threads;

public sealed class NewThreadInput : ComposeInput
{
    public string? Title { get; set; }

    /// <summary>As typed: comma separated, a leading '#' allowed.</summary>
    public string? Tags { get; set; }

    public bool RequiresStructure { get; set; }

    public IReadOnlyList<string> TagList =>
        (Tags ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => t.TrimStart('#').Trim()).Where(t => t.Length > 0).ToList();
}

/// <summary>
/// <c>/o/{slug}/threads/new</c>: title, tags, the opening post with its structured header and files. Files are
/// uploaded on submit, then the thread is started with their hashes. Preview renders on the server.
/// </summary>
[EnableRateLimiting(AccountsSetup.PostingRateLimit)]
public sealed class NewModel(DeliberationCommands commands, AttachmentStore attachments, IOptions<DeliberationOptions> options) : PageModel
{
    public OrgMember Org { get; private set; } = null!;

    [BindProperty]
    public NewThreadInput Input { get; set; } = new();

    [BindProperty]
    public List<IFormFile> Files { get; set; } = [];

    public FormErrors Errors { get; } = new();

    public ComposeForm Compose { get; private set; } = null!;

    public DeliberationOptions Limits => options.Value;

    [TempData]
    public string? Notice { get; set; }

    public void OnGet()
    {
        Org = HttpContext.Org();
        Compose = Form([], null);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Org = HttpContext.Org();
        await Composing.UploadAsync(attachments, Org, Files, Input, Limits.MaxAttachmentBytes, Errors, ct);
        if (!Errors.Any)
        {
            var outcome = await commands.StartThreadAsync(Org,
                new StartThreadInput(Input.Title, Input.TagList, Input.RequiresStructure, Input.Markdown, Input.Structure, Input.Attachments), ct);
            if (outcome.Value is { } started)
            {
                Notice = "Your thread is started.";
                return RedirectToPage("/Threads/Thread", new { slug = Org.Slug, threadId = started.ThreadId });
            }
            Errors.Add(outcome.Rejection!);
            Response.StatusCode = outcome.Rejection!.Status;
        }
        else
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        Compose = Form(await Composing.KeptAsync(attachments, Org, Input, Errors, ct), null);
        return Page();
    }

    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken ct)
    {
        Org = HttpContext.Org();
        await Composing.UploadAsync(attachments, Org, Files, Input, Limits.MaxAttachmentBytes, Errors, ct);
        Compose = Form(await Composing.KeptAsync(attachments, Org, Input, Errors, ct), Composing.Preview(Input, Limits.MaxBodyLength));
        return Page();
    }

    private ComposeForm Form(IReadOnlyList<AttachmentRef> kept, ComposePreview? preview) => new()
    {
        Slug = Org.Slug,
        Input = Input,
        Errors = Errors,
        Kept = kept,
        Preview = preview,
        Warnings = Composing.Lint(Input),
        StructureOpen = true,
        StructureNote = "Optional, unless you require a structured opening above.",
        Rows = 12,
        BodyLabel = "Opening post",
        SubmitLabel = "Start the thread",
        PreviewAction = Url.Page("/Threads/New", "Preview", new { slug = Org.Slug })!,
        Limits = Limits,
    };
}
