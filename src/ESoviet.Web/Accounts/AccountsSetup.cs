namespace ESoviet.Web.Accounts;

/// <summary>Authentication for accounts: the session cookie for browsers, personal access tokens for programs.</summary>
public static class AccountsSetup
{
    /// <summary>The session cookie's authentication scheme.</summary>
    public const string CookieScheme = "ESoviet.Session";

    /// <summary>The personal-access-token (Authorization: Bearer) scheme.</summary>
    public const string TokenScheme = "ESoviet.Token";

    /// <summary>The header cookie-authenticated API writes carry their antiforgery token in.</summary>
    public const string AntiforgeryHeader = "X-CSRF-TOKEN";
}
