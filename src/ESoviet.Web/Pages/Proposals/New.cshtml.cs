using ESoviet.Web.Accounts;
using ESoviet.Web.Decisions;
using ESoviet.Web.Deliberation;
using ESoviet.Web.Membership;
using ESoviet.Web.Voting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace ESoviet.Web.Pages.Proposals;

/// <summary>
/// <c>/o/{slug}/proposals/new?thread={id}</c>: a proposal drafted inside a thread. Members only; a candidate is told
/// why not. Without a thread, the page first asks which open thread the proposal grows out of. Saved as a draft that
/// only its author sees, then shown on its own page.
/// </summary>
[EnableRateLimiting(AccountsSetup.PostingRateLimit)]
public sealed class NewModel(VotingCommands commands, ThreadQueries threads, MembershipQueries membership, DecisionQueries decisions) : PageModel
{
    /// <summary>Decisions in force, which a policy may amend or repeal.</summary>
    public IReadOnlyList<DecisionSummary> InForce { get; private set; } = [];

    public OrgMember Org { get; private set; } = null!;

    [BindProperty(SupportsGet = true, Name = "thread")]
    public Guid? ThreadId { get; set; }

    [BindProperty]
    public ProposalInput Input { get; set; } = new();

    public ThreadDetail? Thread { get; private set; }

    /// <summary>Open threads to choose from, when the page was opened without one.</summary>
    public IReadOnlyList<ThreadSummary> OpenThreads { get; private set; } = [];

    public Charter Charter { get; private set; } = null!;

    /// <summary>Members a membership review could name: everyone but the viewer.</summary>
    public IReadOnlyList<string> OtherMembers { get; private set; } = [];

    public FieldErrors Errors { get; } = new();

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        Input.Kind = "policy";
        Input.Charter = CharterInput.From(Charter);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (!Org.IsMember || Thread is null) return Page();

        var kind = Input.ParsedKind;
        if (kind is null) Errors.Add("kind", "Choose the kind of proposal.");
        Charter? newCharter = null;
        var typed = new FieldErrors();
        if (kind == ProposalKind.CharterChange) newCharter = Input.Charter.ToCharter(typed);

        var outcome = await commands.DraftAsync(Org,
            new DraftInput(Thread.Id, kind ?? ProposalKind.Policy, Input.Text.ToText(), newCharter, kind == ProposalKind.MembershipReview ? Input.Subject : null,
                kind == ProposalKind.Policy ? Input.Amends : null, kind == ProposalKind.Policy ? Input.Repeals : null), ct);
        if (outcome.Value is { } drafted && !Errors.Any)
        {
            TempData["Notice"] = "Your draft is saved. Only you can see it until you put it to discussion.";
            return RedirectToPage("/Proposals/Proposal", new { slug = Org.Slug, id = drafted.ProposalId });
        }
        if (outcome.Rejection is { } rejection) AddRejection(rejection, typed);
        return Page();
    }

    /// <summary>
    /// A charter that did not even parse was sent as none, so the command's "states the new charter" would only
    /// repeat the field errors already found: those are shown instead.
    /// </summary>
    private void AddRejection(Infrastructure.Rejection rejection, FieldErrors typed)
    {
        foreach (var (field, messages) in typed.Fields)
            foreach (var message in messages) Errors.Add(field, message);
        if (rejection.Errors is { Count: > 0 } errors)
        {
            foreach (var (field, messages) in errors)
            {
                if (typed.Any && field == "newCharter") continue;
                foreach (var message in messages) Errors.Add(field is "text" or "threadId" ? "" : field, message);
            }
        }
        else Errors.General.Add(rejection.Title);
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Org = HttpContext.Org();
        Charter = await membership.CharterAsync(Org.OrganizationId, ct);
        if (!Org.IsMember) return;
        InForce = (await decisions.RegisterAsync(Org.OrganizationId, ct)).Where(d => d.InForce).ToList();
        if (ThreadId is { } id)
        {
            Thread = await threads.FindThreadAsync(Org.OrganizationId, id, ct);
            if (Thread is { State: not "open" }) Thread = null;
        }
        if (Thread is null)
        {
            var page = await threads.ListAsync(Org.OrganizationId, null, null, 1, ct);
            OpenThreads = page.Threads.Where(t => t.State == "open").ToList();
            return;
        }
        var people = await membership.MembersAsync(Org.OrganizationId, ct);
        OtherMembers = people.People
            .Where(p => p.Status == MemberStatus.Member && !string.Equals(p.Handle, Org.Handle, StringComparison.OrdinalIgnoreCase))
            .Select(p => p.Handle).Order(StringComparer.OrdinalIgnoreCase).ToList();
    }
}
