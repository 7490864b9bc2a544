using System.ComponentModel.DataAnnotations;
using ESoviet.Web.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace ESoviet.Web.Pages.Account;

/// <summary><c>/signin</c>: handle and password. Same lockout and per-address limit as <c>POST /api/session</c>.</summary>
[EnableRateLimiting(AccountsSetup.SignInRateLimit)]
public sealed class SignInModel(PasswordSignIn signIn) : PageModel
{
    [BindProperty]
    public SignInForm Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>A fixed notice named by the query string (never text from it): "signed-out", "signed-out-everywhere".</summary>
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    /// <summary>Set when the handle is locked: how long to wait, in whole minutes rounded up.</summary>
    public int? LockedForMinutes { get; private set; }

    public IActionResult OnGet() =>
        User.Identity?.IsAuthenticated == true ? LocalRedirect(SafeReturnUrl(ReturnUrl, Url)) : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var attempt = await signIn.AttemptAsync(Input.Handle.Trim(), Input.Password, ct);
        if (attempt.Account is null)
        {
            ModelState.AddModelError(string.Empty, PasswordSignIn.WrongHandleOrPassword + ".");
            if (attempt.RetryAfter is { } wait)
            {
                Response.Headers.RetryAfter = AccountsApi.RetryAfterSeconds(wait);
                LockedForMinutes = (int)Math.Ceiling(wait.TotalMinutes);
            }

            // The password field is never sent back; the handle is, so a typo is easy to see.
            Input.Password = "";
            return Page();
        }

        await AccountSignIn.SignInAsync(HttpContext, attempt.Account, Input.Remember);
        return LocalRedirect(SafeReturnUrl(ReturnUrl, Url));
    }

    /// <summary>Only paths on this site: anything else (<c>//evil.example</c>, <c>https://…</c>) becomes the home page.</summary>
    internal static string SafeReturnUrl(string? returnUrl, IUrlHelper url) =>
        !string.IsNullOrEmpty(returnUrl) && url.IsLocalUrl(returnUrl) ? returnUrl : "/";

    public sealed class SignInForm
    {
        [Required(ErrorMessage = "Enter your handle.")]
        [MaxLength(64, ErrorMessage = "A handle has at most 32 characters.")]
        public string Handle { get; set; } = "";

        [Required(ErrorMessage = "Enter your password.")]
        [MaxLength(1024, ErrorMessage = "A password has at most 1024 characters.")]
        [DataType(DataType.Password)]
        public string Password { get; set; } = "";

        [Display(Name = "Keep me signed in on this device for 14 days")]
        public bool Remember { get; set; }
    }
}
