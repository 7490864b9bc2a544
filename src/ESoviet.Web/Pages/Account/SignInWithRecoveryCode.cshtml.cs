using System.ComponentModel.DataAnnotations;
using ESoviet.Web.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace ESoviet.Web.Pages.Account;

/// <summary>
/// <c>/signin/recovery</c>: handle and a one-time recovery code. Not subject to the password lockout (its own
/// rate-limit bucket instead), so the owner gets in while someone hammers the password.
/// </summary>
[EnableRateLimiting(AccountsSetup.RecoveryRateLimit)]
public sealed class SignInWithRecoveryCodeModel(AccountStore store, TimeProvider time) : PageModel
{
    [BindProperty]
    public RecoveryForm Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public IActionResult OnGet() =>
        User.Identity?.IsAuthenticated == true ? LocalRedirect(SignInModel.SafeReturnUrl(ReturnUrl, Url)) : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var handle = Input.Handle.Trim();
        var account = Handles.IsValid(handle) ? await store.UseRecoveryCodeAsync(handle, Input.Code, ct) : null;
        if (account is null)
        {
            ModelState.AddModelError(string.Empty, AccountsApi.WrongHandleOrCode + ".");
            Input.Code = "";
            return Page();
        }

        await AccountSignIn.SignInWithRecoveryCodeAsync(HttpContext, account, time.GetUtcNow());

        // Straight to the settings, where the page asks for a new password and shows how many codes are left.
        return RedirectToPage("/Account/Index");
    }

    public sealed class RecoveryForm
    {
        [Required(ErrorMessage = "Enter your handle.")]
        [MaxLength(64, ErrorMessage = "A handle has at most 32 characters.")]
        public string Handle { get; set; } = "";

        [Required(ErrorMessage = "Enter one of your recovery codes.")]
        [MaxLength(64, ErrorMessage = "A recovery code looks like k7m2q-9xw4d.")]
        public string Code { get; set; } = "";
    }
}
