using System.ComponentModel.DataAnnotations;
using ESoviet.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace ESoviet.Web.Pages.Account;

/// <summary>
/// <c>/account</c>: password, recovery codes, personal access tokens, sign out everywhere. Secrets (new codes, a new
/// token) are shown in the response to the POST that made them, never stored to be shown again, so reloading or
/// going back cannot bring them up.
/// </summary>
[Authorize(Policy = AccountsSetup.CookieSessionPolicy)]

// Writes here share the sign-in bucket (as the API's password and recovery-code endpoints do): a stolen session
// must not be able to try passwords against "current password" at full speed. Showing the page is free.
[EnableRateLimiting(AccountsSetup.SignInRateLimit)]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(AccountStore store, PersonalAccessTokens tokens, TimeProvider time) : PageModel
{
    [BindProperty]
    public PasswordForm Password { get; set; } = new();

    [BindProperty]
    public ConfirmForm Confirm { get; set; } = new();

    [BindProperty]
    public TokenForm Token { get; set; } = new();

    /// <summary>A fixed notice named by the query string after a redirect: "password-changed", "token-revoked".</summary>
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    public string Handle => User.HandleOf()!;

    public bool RecoverySession { get; private set; }

    public int UnusedRecoveryCodes { get; private set; }

    public IReadOnlyList<AccessTokenInfo> Tokens { get; private set; } = [];

    public bool MentionsEnabled { get; private set; }

    [BindProperty]
    public bool Mentions { get; set; }

    /// <summary>Set only in the response that generated them.</summary>
    public IReadOnlyList<string>? NewRecoveryCodes { get; private set; }

    /// <summary>Set only in the response that created it.</summary>
    public NewAccessToken? NewToken { get; private set; }

    private Guid AccountId => User.AccountIdOf()!.Value;

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostPasswordAsync(CancellationToken ct)
    {
        ClearOtherForms(nameof(Password));
        if (!AccountsApi.MayResetWithoutPassword(HttpContext, time))
        {
            if (string.IsNullOrEmpty(Password.Current))
            {
                ModelState.AddModelError($"{nameof(Password)}.{nameof(PasswordForm.Current)}", "Enter your current password.");
            }
            else if (!await store.VerifyPasswordAsync(AccountId, Password.Current, ct))
            {
                ModelState.AddModelError($"{nameof(Password)}.{nameof(PasswordForm.Current)}", "The current password is wrong.");
            }
        }

        if (AccountStore.ValidatePassword(Password.New) is { } error)
        {
            ModelState.AddModelError($"{nameof(Password)}.{nameof(PasswordForm.New)}", error);
        }

        if (!ModelState.IsValid)
        {
            Password = new PasswordForm();
            await LoadAsync(ct);
            return Page();
        }

        var account = await store.ChangePasswordAsync(AccountId, Password.New!, ct);
        if (account is null)
        {
            return Forbid();
        }

        await AccountSignIn.RenewAsync(HttpContext, account);
        return RedirectToPage(new { status = "password-changed" });
    }

    public async Task<IActionResult> OnPostRecoveryCodesAsync(CancellationToken ct)
    {
        ClearOtherForms(nameof(Confirm));
        if (string.IsNullOrEmpty(Confirm.Password) || !await store.VerifyPasswordAsync(AccountId, Confirm.Password, ct))
        {
            ModelState.AddModelError($"{nameof(Confirm)}.{nameof(ConfirmForm.Password)}", "The password is wrong.");
        }
        else
        {
            NewRecoveryCodes = await store.ReplaceRecoveryCodesAsync(AccountId, ct);
        }

        Confirm = new ConfirmForm();
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostCreateTokenAsync(CancellationToken ct)
    {
        ClearOtherForms(nameof(Token));
        var key = $"{nameof(Token)}.{nameof(TokenForm.Name)}";
        if (PersonalAccessTokens.ValidateName(Token.Name) is { } error)
        {
            ModelState.AddModelError(key, error);
        }
        else
        {
            NewToken = await tokens.CreateAsync(AccountId, Token.Name!, ct);
            if (NewToken is null)
            {
                ModelState.AddModelError(key, $"You have {PersonalAccessTokens.MaxLiveTokens} tokens already; revoke one first.");
            }
            else
            {
                Token = new TokenForm();
                ModelState.Clear();
            }
        }

        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeTokenAsync(Guid id, CancellationToken ct)
    {
        await tokens.RevokeAsync(AccountId, id, ct);
        return RedirectToPage(new { status = "token-revoked" });
    }

    public async Task<IActionResult> OnPostSignOutEverywhereAsync(CancellationToken ct)
    {
        await store.SignOutEverywhereAsync(AccountId, ct);
        await AccountSignIn.SignOutAsync(HttpContext);
        return RedirectToPage("/Account/SignIn", new { status = "signed-out-everywhere" });
    }

    // All three forms bind on every POST; only the submitted one's errors belong on the page.
    private void ClearOtherForms(string submitted)
    {
        foreach (var key in ModelState.Keys.Where(k => !k.StartsWith(submitted + ".", StringComparison.Ordinal)).ToList())
        {
            ModelState.Remove(key);
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        RecoverySession = AccountsApi.MayResetWithoutPassword(HttpContext, time);
        UnusedRecoveryCodes = await store.CountUnusedRecoveryCodesAsync(AccountId, ct);
        Tokens = await tokens.ListAsync(AccountId, ct);
        MentionsEnabled = (await store.FindAsync(AccountId, ct))?.MentionsEnabled ?? true;
    }

    public async Task<IActionResult> OnPostMentionsAsync(CancellationToken ct)
    {
        await store.SetMentionsEnabledAsync(AccountId, Mentions, ct);
        return RedirectToPage(new { status = Mentions ? "mentions-on" : "mentions-off" });
    }

    public sealed class PasswordForm
    {
        [DataType(DataType.Password)]
        public string? Current { get; set; }

        [DataType(DataType.Password)]
        public string? New { get; set; }
    }

    public sealed class ConfirmForm
    {
        [DataType(DataType.Password)]
        public string? Password { get; set; }
    }

    public sealed class TokenForm
    {
        public string? Name { get; set; }
    }
}
