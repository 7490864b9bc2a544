using ESoviet.Web.Accounts;
using ESoviet.Web.Infrastructure;
using ESoviet.Web.Membership;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ESoviet.Web.Pages.Join;

/// <summary>
/// <c>/join/{token}</c>: what an invitation link opens. A valid link shows which organization invites and lets the
/// person join as a candidate, signed in or with a new account. Any other token gets a page that names no
/// organization: 404 for a token nobody issued, 410 for one used, withdrawn or expired.
/// </summary>
public sealed class IndexModel(MembershipCommands commands, MembershipQueries queries, AccountStore accounts, OrgAccess access) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Token { get; set; } = "";

    [BindProperty]
    public JoinForm Input { get; set; } = new();

    public InvitationPreview? Invitation { get; private set; }

    /// <summary>Why the link cannot be used, when it cannot; the organization is then never named.</summary>
    public InvitationStatus? Unusable { get; private set; }

    public string? SignedInAs { get; private set; }

    /// <summary>The signed-in person is already a candidate or member of the inviting organization.</summary>
    public bool AlreadyInside { get; private set; }

    /// <summary>Vouches a candidate would need now.</summary>
    public int VouchesNeeded { get; private set; }

    public Joined? Result { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var signedIn = await MembershipApi.SignedInAccountAsync(HttpContext, accounts, ct);
        if (signedIn is null && Input.Password != Input.RepeatPassword && AccountStore.ValidatePassword(Input.Password) is null)
        {
            ModelState.AddModelError("Input.RepeatPassword", "The two passwords differ; type the same password twice.");
            await LoadAsync(ct);
            return Refused();
        }

        var outcome = await commands.AcceptInvitationAsync(Token, signedIn,
            signedIn is null ? new NewAccountInput(Input.Handle?.Trim(), Input.Password) : null, ct);
        if (outcome.Rejection is { } rejection)
        {
            rejection.AddTo(ModelState);
            await LoadAsync(ct);
            return Refused();
        }

        var joined = outcome.Value!;
        if (joined.NewAccount is null) return RedirectToPage("/Orgs/Index", new { slug = joined.Slug });
        await AccountSignIn.SignInAsync(HttpContext, joined.Account);
        Result = joined;
        return Page();
    }

    // The form again with its errors in place (200, as the sign-in form; the 404/410 of a link that went bad
    // meanwhile stays). The passwords are never sent back.
    private IActionResult Refused()
    {
        Input.Password = Input.RepeatPassword = null;
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        SignedInAs = User.AccountIdOf() is null ? null : User.HandleOf();
        var preview = await queries.PreviewAsync(Token, ct);
        if (preview is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        if (preview.Status != InvitationStatus.Open)
        {
            Unusable = preview.Status;
            Response.StatusCode = StatusCodes.Status410Gone;
            return;
        }
        Invitation = preview;
        VouchesNeeded = (await queries.CharterAsync(preview.OrganizationId, ct)).VouchesNeeded(await queries.MemberCountAsync(preview.OrganizationId, ct));
        if (User.AccountIdOf() is { } accountId) AlreadyInside = await access.FindAsync(preview.Slug, accountId, ct) is not null;
    }

    public sealed class JoinForm
    {
        public string? Handle { get; set; }

        public string? Password { get; set; }

        public string? RepeatPassword { get; set; }
    }
}
