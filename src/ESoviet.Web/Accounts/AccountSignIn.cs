using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace ESoviet.Web.Accounts;

/// <summary>Starts and ends the browser session (the cookie); every sign-in path, API or page, ends here.</summary>
public static class AccountSignIn
{
    /// <summary>
    /// Issues the session cookie for <paramref name="account"/>. By default the cookie lasts until the browser
    /// closes (a shared or seized device keeps nothing); <paramref name="persistent"/> keeps it for the sliding
    /// 14 days. Also sets <see cref="HttpContext.User"/>, so an antiforgery token generated later in the same
    /// request already belongs to the signed-in account.
    /// </summary>
    public static async Task SignInAsync(HttpContext context, Account account, bool persistent = false)
    {
        var principal = AccountClaims.Create(account.Id, account.Handle, account.SecurityStamp, AccountsSetup.CookieScheme);
        await SignInAsync(context, principal, persistent);
    }

    /// <summary>As <see cref="SignInAsync(HttpContext, Account, bool)"/>, marking the session as started with a recovery code.</summary>
    internal static async Task SignInWithRecoveryCodeAsync(HttpContext context, Account account, DateTimeOffset now)
    {
        var recovered = new Claim(AccountClaims.RecoveredAt, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        var principal = AccountClaims.Create(account.Id, account.Handle, account.SecurityStamp, AccountsSetup.CookieScheme, [recovered]);
        await SignInAsync(context, principal, persistent: false);
    }

    /// <summary>Re-issues the current session's cookie with a new security stamp, keeping it persistent or not as it was.</summary>
    internal static async Task RenewAsync(HttpContext context, Account account)
    {
        var current = await context.AuthenticateAsync(AccountsSetup.CookieScheme);
        var persistent = current.Properties?.IsPersistent ?? false;
        await SignInAsync(context, account, persistent);
    }

    public static Task SignOutAsync(HttpContext context)
    {
        context.User = new ClaimsPrincipal(new ClaimsIdentity());
        return context.SignOutAsync(AccountsSetup.CookieScheme);
    }

    private static async Task SignInAsync(HttpContext context, ClaimsPrincipal principal, bool persistent)
    {
        await context.SignInAsync(AccountsSetup.CookieScheme, principal, new AuthenticationProperties { IsPersistent = persistent });
        context.User = principal;
    }
}
