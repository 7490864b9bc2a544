using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ESoviet.Web.Accounts;

/// <summary>
/// <c>Authorization: Bearer esv_…</c>. Only reached through the default policy scheme when the request carries an
/// Authorization header, so a bad header fails the request's authentication instead of falling back to a cookie.
/// </summary>
public sealed class TokenAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, PersonalAccessTokens tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string Bearer = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        // The failure messages go to the log: they must never contain the header itself.
        if (!header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("Only bearer personal access tokens are accepted.");
        }

        var principal = await tokens.AuthenticateAsync(header[Bearer.Length..].Trim(), Context.RequestAborted);
        return principal is null
            ? AuthenticateResult.Fail("The token is malformed, unknown or revoked.")
            : AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
