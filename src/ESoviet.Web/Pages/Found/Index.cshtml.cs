using ESoviet.Web.Accounts;
using ESoviet.Web.Infrastructure;
using ESoviet.Web.Membership;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace ESoviet.Web.Pages.Found;

/// <summary>
/// <c>/found</c>: founds an organization, making the founder's account on the spot unless someone is signed in.
/// A new account's recovery codes are shown in the response to the POST, once, never stored in clear.
/// </summary>
public sealed class IndexModel(MembershipCommands commands, MembershipQueries queries, AccountStore accounts, IOptions<ESovietOptions> options) : PageModel
{
    [BindProperty]
    public FoundForm Input { get; set; } = new();

    public bool Open { get; private set; }

    public string? SignedInAs { get; private set; }

    /// <summary>Set after founding with a new account: the page then shows the codes and a way on.</summary>
    public Founded? Result { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        var signedIn = await MembershipApi.SignedInAccountAsync(HttpContext, accounts, ct);
        if (signedIn is null && Input.Password != Input.RepeatPassword && AccountStore.ValidatePassword(Input.Password) is null)
        {
            ModelState.AddModelError("Input.RepeatPassword", "The two passwords differ; type the same password twice.");
        }

        var outcome = await commands.FoundAsync(Input.Name, Input.Slug, signedIn,
            signedIn is null ? new NewAccountInput(Input.Handle?.Trim(), Input.Password) : null, ct);
        if (outcome.Rejection is { } rejection)
        {
            rejection.AddTo(ModelState);
            Open = rejection.Status != StatusCodes.Status403Forbidden;
        }
        if (!ModelState.IsValid)
        {
            // Shown again with the errors in place (status 200, as the sign-in form): the passwords are never sent back.
            Input.Password = Input.RepeatPassword = null;
            return Page();
        }

        var founded = outcome.Value!;
        if (founded.NewAccount is null) return RedirectToPage("/Orgs/Index", new { slug = founded.Slug });
        await AccountSignIn.SignInAsync(HttpContext, founded.Founder);
        Result = founded;
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Open = options.Value.AllowFoundingAfterFirst || !await queries.AnyOrganizationAsync(ct);
        SignedInAs = User.AccountIdOf() is null ? null : User.HandleOf();
    }

    public sealed class FoundForm
    {
        public string? Name { get; set; }

        public string? Slug { get; set; }

        public string? Handle { get; set; }

        public string? Password { get; set; }

        public string? RepeatPassword { get; set; }
    }
}
