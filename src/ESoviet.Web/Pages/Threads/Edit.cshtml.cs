using ESoviet.Web.Accounts;
using ESoviet.Web.Deliberation;
using ESoviet.Web.Membership;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ESoviet.Web.Pages.Threads;

public sealed class EditInput : ComposeInput
{
    /// <summary>The version the form was filled from: the edit is refused (409) if another was saved since.</summary>
    public int Version { get; set; }
}

/// <summary>
/// <c>/o/{slug}/c/{id}/edit</c>, for the author: the current text (Markdown, from the contribution's own stream) in
/// the compose form. The version edited travels in the form, so an edit saved meanwhile elsewhere is not overwritten
/// unknowingly: the page then shows the latest version beside the writer's own text.
/// </summary>
[EnableRateLimiting(AccountsSetup.PostingRateLimit)]
public sealed class EditModel(
    ThreadQueries queries, DeliberationCommands commands, AttachmentStore attachments, EventStore.EventStore store,
    IOptions<DeliberationOptions> options) : PageModel
{
    public OrgMember Org { get; private set; } = null!;

    public ContributionView Contribution { get; private set; } = null!;

    public ThreadDetail Thread { get; private set; } = null!;

    [BindProperty]
    public EditInput Input { get; set; } = new();

    [BindProperty]
    public List<IFormFile> Files { get; set; } = [];

    public FormErrors Errors { get; } = new();

    public ComposeForm Compose { get; private set; } = null!;

    /// <summary>Set when the save was refused because a newer version exists: that version, for the writer to compare.</summary>
    public ContributionCard? Latest { get; private set; }

    public string? LatestMarkdown { get; private set; }

    [TempData]
    public string? Notice { get; set; }

    private DeliberationOptions Limits => options.Value;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refusal) return refusal;
        var current = await CurrentVersionAsync(ct);
        Input = new EditInput
        {
            Markdown = current.Markdown,
            Why = current.Structure?.Why,
            ToWhom = current.Structure?.ToWhom,
            Source = current.Structure?.Source,
            Analysis = current.Structure?.Analysis,
            Attachments = current.Attachments.Select(a => a.Sha256).ToList(),
            Version = Contribution.Version,
        };
        Compose = Form(current.Attachments, null);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refusal) return refusal;
        await Composing.UploadAsync(attachments, Org, Files, Input, Limits.MaxAttachmentBytes, Errors, ct);
        if (!Errors.Any)
        {
            var outcome = await commands.EditAsync(Org, id, new ContributionInput(Input.Markdown, Input.Structure, Input.Attachments), Input.Version, ct);
            if (outcome.Value is not null)
            {
                Notice = "Your changes are saved. The earlier version stays in the history.";
                return RedirectToPage("/Threads/Thread", null, new { slug = Org.Slug, threadId = Contribution.ThreadId }, $"c-{id}");
            }
            var rejection = outcome.Rejection!;
            Response.StatusCode = rejection.Status;
            if (rejection.Status == StatusCodes.Status409Conflict && !Contribution.Retracted)
            {
                // The writer keeps their text; the form now carries the latest version, so saving again replaces it knowingly.
                Latest = new ContributionCard(Contribution, new ThreadContext(Org, Contribution.ThreadId, Thread.State == "open"), null, [], false, ShowActions: false);
                LatestMarkdown = (await CurrentVersionAsync(ct)).Markdown;
                Input.Version = Contribution.Version;
            }
            else
            {
                Errors.Add(rejection);
            }
        }
        else
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        Compose = Form(await Composing.KeptAsync(attachments, Org, Input, Errors, ct), null);
        return Page();
    }

    public async Task<IActionResult> OnPostPreviewAsync(Guid id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refusal) return refusal;
        await Composing.UploadAsync(attachments, Org, Files, Input, Limits.MaxAttachmentBytes, Errors, ct);
        Compose = Form(await Composing.KeptAsync(attachments, Org, Input, Errors, ct), Composing.Preview(Input, Limits.MaxBodyLength));
        return Page();
    }

    /// <summary>404 for a contribution not in this organization; 403 for someone else's; null to go on.</summary>
    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken ct)
    {
        Org = HttpContext.Org();
        var contribution = await queries.FindContributionAsync(Org.OrganizationId, id, ct);
        if (contribution is null) return NotFound();
        var thread = await queries.FindThreadAsync(Org.OrganizationId, contribution.ThreadId, ct);
        if (thread is null) return NotFound();
        (Contribution, Thread) = (contribution, thread);
        if (!Display.IsSelf(Org, contribution.Author)) return StatusCode(StatusCodes.Status403Forbidden);
        return null;
    }

    private async Task<ContributionVersion> CurrentVersionAsync(CancellationToken ct) =>
        (await DeliberationApi.LoadHistoryAsync(store, Contribution, ct)).Versions[^1];

    private ComposeForm Form(IReadOnlyList<AttachmentRef> kept, ComposePreview? preview) => new()
    {
        Slug = Org.Slug,
        Input = Input,
        Errors = Errors,
        Kept = kept,
        Preview = preview,
        Warnings = Composing.Lint(Input),
        StructureOpen = Contribution.Id == Thread.OpeningId && Thread.RequiresStructure,
        Rows = Contribution.Id == Thread.OpeningId ? 12 : 8,
        BodyLabel = "Your text",
        SubmitLabel = "Save changes",
        PreviewAction = Url.Page("/Threads/Edit", "Preview", new { slug = Org.Slug, id = Contribution.Id })!,
        Limits = Limits,
    };
}
