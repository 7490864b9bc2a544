using System.Security.Claims;

namespace ESoviet.Web.Accounts;

/// <summary>The claims a signed-in principal carries, whether from the session cookie or a personal access token.</summary>
public static class AccountClaims
{
    public const string AccountId = "esoviet:account";
    public const string Handle = "esoviet:handle";
    public const string SecurityStamp = "esoviet:stamp";

    public static ClaimsPrincipal Create(Guid accountId, string handle, Guid securityStamp, string authenticationType) =>
        new(new ClaimsIdentity(
            [
                new Claim(AccountId, accountId.ToString()),
                new Claim(Handle, handle),
                new Claim(SecurityStamp, securityStamp.ToString()),
            ],
            authenticationType, Handle, null));

    public static Guid? AccountIdOf(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(AccountId), out var id) ? id : null;

    public static string? HandleOf(this ClaimsPrincipal user) => user.FindFirstValue(Handle);
}
