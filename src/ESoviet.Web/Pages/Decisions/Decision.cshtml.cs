using ESoviet.Web.Accounts;
using ESoviet.Web.Decisions;
using ESoviet.Web.Infrastructure;
using ESoviet.Web.Membership;
using ESoviet.Web.Pages.Proposals;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace ESoviet.Web.Pages.Decisions;

/// <summary>
/// <c>/o/{slug}/decisions/{number}</c>: one decision. Its text and vote, who committed, dissented, refused or has not
/// answered, the minority report, the tasks, the progress reports and the review; and, for whoever may act, the form to
/// do so. Every action is a plain form posting back here, so none of it needs script.
/// </summary>
[EnableRateLimiting(AccountsSetup.PostingRateLimit)]
public sealed class DecisionModel(DecisionQueries queries, DecisionCommands commands, TimeProvider time) : PageModel
{
    public OrgMember Org { get; private set; } = null!;

    public DecisionDetail Decision { get; private set; } = null!;

    public DateTimeOffset Now { get; private set; }

    public FieldErrors Errors { get; } = new();

    [TempData]
    public string? Notice { get; set; }

    /// <summary>Shown once after a refusal: the organization's expectation, in plain words.</summary>
    [TempData]
    public string? Warning { get; set; }

    public CommitmentRow? Mine => Decision.Commitments.FirstOrDefault(c => Same(c.Member, Org.Handle));

    public bool IsImplementer => Same(Decision.Implementer, Org.Handle);

    public bool Underway => Decision.Phase is DecisionPhase.AwaitingCommitments or DecisionPhase.InImplementation;

    public bool MaySignMinority => Org.IsMember && Mine is { VotedAgainst: true } && !Decision.MinorityReport.Signers.Any(s => Same(s, Org.Handle));

    public bool HandoverOfferedToMe => Decision.HandoverTo is { } to && Same(to, Org.Handle);

    public int OpenTasks => Decision.Tasks.Count(t => t.State is not (TaskState.Done or TaskState.Dropped));

    public async Task<IActionResult> OnGetAsync(int number, CancellationToken ct) => await LoadAsync(number, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAbideAsync(int number, string? dissent, CancellationToken ct)
    {
        var outcome = await commands.CommitAsync(HttpContext.Org(), number, true, dissent, null, ct);
        if (outcome.Rejection is { } rejection) return await RefusedAsync(number, rejection, ct);
        return Done(number, dissent is { Length: > 0 } ? "Your commitment is recorded, and your dissent with it." : "Your commitment is recorded.", "commitments");
    }

    public async Task<IActionResult> OnPostRefuseAsync(int number, string? reason, CancellationToken ct)
    {
        var outcome = await commands.CommitAsync(HttpContext.Org(), number, false, null, reason, ct);
        if (outcome.Rejection is { } rejection) return await RefusedAsync(number, rejection, ct);
        Warning = outcome.Value!.Notice;
        return RedirectToPage("/Decisions/Decision", null, new { slug = HttpContext.Org().Slug, number }, "commitments");
    }

    public Task<IActionResult> OnPostMinorityAsync(int number, string? minorityText, CancellationToken ct) =>
        ActAsync(number, commands.SignMinorityReportAsync(HttpContext.Org(), number, minorityText, ct), "You signed the minority report.", "minority", ct);

    public Task<IActionResult> OnPostTaskAsync(int number, string? title, DateOnly? dueOn, CancellationToken ct) =>
        ActAsync(number, commands.PlanTaskAsync(HttpContext.Org(), number, title, dueOn, ct), "The task is planned.", "tasks", ct);

    public Task<IActionResult> OnPostTaskStateAsync(int number, Guid taskId, string? state, string? reason, CancellationToken ct) =>
        ActAsync(number, commands.ChangeTaskAsync(HttpContext.Org(), number, taskId, DecisionDisplay.ParseTask(state), reason, ct), "The task is updated.", "tasks", ct);

    public Task<IActionResult> OnPostVolunteerAsync(int number, Guid taskId, CancellationToken ct) =>
        ActAsync(number, commands.VolunteerAsync(HttpContext.Org(), number, taskId, ct), "You volunteered for the task. The implementer stays accountable for it.", "tasks", ct);

    public Task<IActionResult> OnPostReportAsync(int number, int? percent, string? happened, string? blocked, CancellationToken ct) =>
        ActAsync(number, commands.ReportAsync(HttpContext.Org(), number, percent, happened, blocked, ct), "Your progress report is posted.", "reports", ct);

    public Task<IActionResult> OnPostHandoverAsync(int number, string? to, CancellationToken ct) =>
        ActAsync(number, commands.OfferHandoverAsync(HttpContext.Org(), number, to, ct), "The handover is offered. Nothing changes until they accept.", "implementer", ct);

    public Task<IActionResult> OnPostAcceptHandoverAsync(int number, CancellationToken ct) =>
        ActAsync(number, commands.AcceptHandoverAsync(HttpContext.Org(), number, ct), "You are now the implementer of this decision.", "implementer", ct);

    public Task<IActionResult> OnPostDoneAsync(int number, string? worked, string? didNotWork, string? differently, CancellationToken ct) =>
        ActAsync(number, commands.CompleteAsync(HttpContext.Org(), number, new SelfCriticism(worked ?? "", didNotWork ?? "", differently ?? ""), ct),
            "The decision is in review. Members can now add their criticisms.", "review", ct);

    public Task<IActionResult> OnPostCriticismAsync(int number, string? point, string? evidence, string? suggestion, CancellationToken ct) =>
        ActAsync(number, commands.CriticizeAsync(HttpContext.Org(), number, new Criticism(point ?? "", evidence, suggestion), ct), "Your criticism is added to the review.", "review", ct);

    private async Task<IActionResult> ActAsync<T>(int number, Task<Outcome<T>> action, string notice, string anchor, CancellationToken ct) where T : class
    {
        var outcome = await action;
        if (outcome.Rejection is { } rejection) return await RefusedAsync(number, rejection, ct);
        return Done(number, notice, anchor);
    }

    private IActionResult Done(int number, string notice, string anchor)
    {
        Notice = notice;
        return RedirectToPage("/Decisions/Decision", null, new { slug = HttpContext.Org().Slug, number }, anchor);
    }

    private async Task<IActionResult> RefusedAsync(int number, Rejection rejection, CancellationToken ct)
    {
        if (rejection.Status == StatusCodes.Status404NotFound || !await LoadAsync(number, ct)) return NotFound();
        Errors.Add(rejection);
        return Page();
    }

    private async Task<bool> LoadAsync(int number, CancellationToken ct)
    {
        Org = HttpContext.Org();
        Now = time.GetUtcNow();
        var decision = await queries.FindAsync(Org.OrganizationId, number, ct);
        if (decision is null) return false;
        Decision = decision;
        return true;
    }

    public static bool Same(string a, string b) => Handles.Key(a) == Handles.Key(b);
}
