using System.Globalization;
using System.Security.Claims;

namespace ESoviet.Web.Accounts;

/// <summary>The claims a signed-in principal carries, whether from the session cookie or a personal access token.</summary>
public static class AccountClaims
{
    public const string AccountId = "esoviet:account";
    public const string Handle = "esoviet:handle";
    public const string SecurityStamp = "esoviet:stamp";

    /// <summary>On a session started with a recovery code: when (Unix seconds), so the password can be reset without the old one for a while.</summary>
    public const string RecoveredAt = "esoviet:recovered";

    /// <summary>On a personal-access-token principal: the token's id.</summary>
    public const string TokenId = "esoviet:token";

    // The antiforgery system ties its tokens to "sub" when present, and otherwise to a hash of every claim; with
    // "sub" a page's token stays valid when the security stamp rotates under it (a password change).
    private const string Subject = "sub";

    public static ClaimsPrincipal Create(Guid accountId, string handle, Guid securityStamp, string authenticationType) =>
        Create(accountId, handle, securityStamp, authenticationType, []);

    internal static ClaimsPrincipal Create(Guid accountId, string handle, Guid securityStamp, string authenticationType, IEnumerable<Claim> extra) =>
        new(new ClaimsIdentity(
            [
                new Claim(Subject, accountId.ToString()),
                new Claim(AccountId, accountId.ToString()),
                new Claim(Handle, handle),
                new Claim(SecurityStamp, securityStamp.ToString()),
                .. extra,
            ],
            authenticationType, Handle, null));

    public static Guid? AccountIdOf(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(AccountId), out var id) ? id : null;

    public static string? HandleOf(this ClaimsPrincipal user) => user.FindFirstValue(Handle);

    /// <summary>True when the request was authenticated by the session cookie (a browser), not a personal access token.</summary>
    public static bool IsCookieSession(this ClaimsPrincipal user) =>
        user.Identity is { IsAuthenticated: true, AuthenticationType: AccountsSetup.CookieScheme };

    internal static DateTimeOffset? RecoveredAtOf(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(RecoveredAt), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}
