using ESoviet.Web.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ESoviet.Web.Pages.Account;

/// <summary>
/// <c>/signout</c>: a POST (the nav's button) ends the session. A GET only shows a button, so a link or an
/// image elsewhere cannot sign anyone out.
/// </summary>
public sealed class SignOutModel : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await AccountSignIn.SignOutAsync(HttpContext);
        return RedirectToPage("/Account/SignIn", new { status = "signed-out" });
    }
}
