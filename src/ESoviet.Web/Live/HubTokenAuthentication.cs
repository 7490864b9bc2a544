using System.Text.Encodings.Web;
using ESoviet.Web.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ESoviet.Web.Live;

/// <summary>
/// A personal access token in the <c>access_token</c> query parameter, on the hub's path only: browsers cannot set an
/// Authorization header on a WebSocket, so SignalR clients send the token there (JwtBearer's OnMessageReceived does the
/// same). Everywhere else a token in the query string is ignored. Failure messages go to the log: they never contain the token.
/// </summary>
public sealed class HubTokenAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, PersonalAccessTokens tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ESoviet.HubToken";
    public const string QueryParameter = "access_token";

    /// <summary>True for a hub request carrying a query token and no Authorization header (which would win).</summary>
    public static bool Applies(HttpContext context) =>
        context.Request.Path.StartsWithSegments(LiveOptions.HubPath)
        && context.Request.Headers.Authorization.Count == 0
        && context.Request.Query.ContainsKey(QueryParameter);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Applies(Context)) return AuthenticateResult.NoResult();
        var principal = await tokens.AuthenticateAsync(Request.Query[QueryParameter].ToString(), Context.RequestAborted);
        return principal is null
            ? AuthenticateResult.Fail("The access_token is malformed, unknown or revoked.")
            : AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
