using ESoviet.Web.Accounts;
using ESoviet.Web.Deliberation;
using ESoviet.Web.Membership;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace ESoviet.Web.Pages.Threads;

/// <summary>
/// <c>/o/{slug}/c/{id}/retract</c>, for the author: says what retracting does (and does not) do, and retracts on the
/// confirming POST. A page rather than a script dialog, so the confirmation works everywhere.
/// </summary>
[EnableRateLimiting(AccountsSetup.PostingRateLimit)]
public sealed class RetractModel(ThreadQueries queries, DeliberationCommands commands) : PageModel
{
    public OrgMember Org { get; private set; } = null!;

    public ContributionCard Card { get; private set; } = null!;

    public ThreadDetail Thread { get; private set; } = null!;

    public FormErrors Errors { get; } = new();

    [TempData]
    public string? Notice { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refusal) return refusal;
        var outcome = await commands.RetractAsync(Org, id, ct);
        if (outcome.Rejection is { } rejection)
        {
            Errors.Add(rejection);
            Response.StatusCode = rejection.Status;
            return Page();
        }
        Notice = "Your contribution is retracted. Its text is hidden here and from search; its history stays for members.";
        return RedirectToPage("/Threads/Thread", null, new { slug = Org.Slug, threadId = Card.View.ThreadId }, $"c-{id}");
    }

    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken ct)
    {
        Org = HttpContext.Org();
        var contribution = await queries.FindContributionAsync(Org.OrganizationId, id, ct);
        if (contribution is null) return NotFound();
        var thread = await queries.FindThreadAsync(Org.OrganizationId, contribution.ThreadId, ct);
        if (thread is null) return NotFound();
        if (!Display.IsSelf(Org, contribution.Author)) return StatusCode(StatusCodes.Status403Forbidden);
        Thread = thread;
        Card = new ContributionCard(contribution, new ThreadContext(Org, thread.Id, thread.State == "open"), null, [], contribution.Id == thread.OpeningId, ShowActions: false);
        return null;
    }
}
