using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using ESoviet.Web.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ESoviet.Web.Accounts;

/// <summary>Authentication for accounts: the session cookie for browsers, personal access tokens for programs.</summary>
public static class AccountsSetup
{
    /// <summary>The session cookie's authentication scheme.</summary>
    public const string CookieScheme = "ESoviet.Session";

    /// <summary>The personal-access-token (Authorization: Bearer) scheme.</summary>
    public const string TokenScheme = "ESoviet.Token";

    /// <summary>The default scheme: the token scheme when an Authorization header is present, else the cookie.</summary>
    public const string DefaultScheme = "ESoviet.SessionOrToken";

    /// <summary>The header cookie-authenticated API writes carry their antiforgery token in.</summary>
    public const string AntiforgeryHeader = "X-CSRF-TOKEN";

    /// <summary>
    /// Authorization policy: signed in with the session cookie, not a personal access token. For actions a stolen
    /// token must not be able to take (minting tokens, changing the password), so it cannot entrench itself.
    /// </summary>
    public const string CookieSessionPolicy = "CookieSession";

    /// <summary>Rate-limit policy for password sign-in (per client address); see <see cref="SignInProtectionOptions"/>.</summary>
    public const string SignInRateLimit = "sign-in";

    /// <summary>Rate-limit policy for recovery-code sign-in, a bucket apart from <see cref="SignInRateLimit"/>.</summary>
    public const string RecoveryRateLimit = "sign-in-recovery";

    /// <summary>Rate-limit policy for writing texts and files (per member); see <see cref="FloodProtectionOptions"/>.</summary>
    public const string PostingRateLimit = "posting";

    /// <summary>Rate-limit policy for casting and changing votes (per member).</summary>
    public const string VotingRateLimit = "voting";

    /// <summary>Rate-limit policy for issuing invitations (per member).</summary>
    public const string InvitationRateLimit = "invitations";

    public const string SessionCookieName = "esoviet_session";
    public const string AntiforgeryCookieName = "esoviet_csrf";
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromDays(14);

    public static WebApplicationBuilder AddAccounts(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SignInProtectionOptions>().BindConfiguration(SignInProtectionOptions.SectionName);
        services.AddOptions<FloodProtectionOptions>().BindConfiguration(FloodProtectionOptions.SectionName);
        services.AddSingleton<AccountStore>();
        services.AddSingleton<PersonalAccessTokens>();
        services.AddSingleton<PasswordSignIn>();

        // One key ring in PostgreSQL for every node; the fixed application name makes the keys' purpose strings
        // independent of the install path, which otherwise differs between nodes and releases.
        services.AddDataProtection().SetApplicationName("ESoviet");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(
            options => options.XmlRepository = new DataProtectionKeys(sp.GetRequiredService<NpgsqlDataSource>())));

        services.AddAuthentication(DefaultScheme)
            .AddPolicyScheme(DefaultScheme, null, options => options.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count > 0 ? TokenScheme : CookieScheme)
            .AddCookie(CookieScheme, ConfigureCookie)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthentication>(TokenScheme, null);

        services.AddAuthorizationBuilder()
            .AddPolicy(CookieSessionPolicy, policy => policy
                .RequireAuthenticatedUser()
                .RequireAssertion(context => context.User.IsCookieSession()));

        services.AddAntiforgery(options =>
        {
            options.HeaderName = AntiforgeryHeader;
            options.Cookie.Name = AntiforgeryCookieName;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;

            // SecurityHeaders sends DENY on every response already.
            options.SuppressXFrameOptionsHeader = true;
        });

        services.AddRateLimiter(ConfigureRateLimits);
        return builder;
    }

    /// <summary>After routing (the rate limiter and authorization read the endpoint), before the endpoints.</summary>
    public static WebApplication UseAccounts(this WebApplication app)
    {
        app.UseAuthentication();

        // A revoked, expired or malformed token is refused outright, also where anonymous callers are welcome:
        // treating it as anonymous would let a program believe its dead token still works (the hub does the same).
        app.Use((context, next) =>
            ApiEndpoints.IsApiRequest(context) && context.Request.Headers.Authorization.Count > 0 && context.User.Identity?.IsAuthenticated != true
                ? context.ChallengeAsync()
                : next(context));
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    private static void ConfigureCookie(CookieAuthenticationOptions options)
    {
        options.Cookie.Name = SessionCookieName;
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Lax;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.ExpireTimeSpan = SessionLifetime;
        options.SlidingExpiration = true;
        options.LoginPath = "/signin";
        options.LogoutPath = "/signout";
        options.ReturnUrlParameter = "returnUrl";
        options.Events = new CookieAuthenticationEvents
        {
            OnValidatePrincipal = ValidateSecurityStampAsync,

            // Programs get a status (the /api error handling turns it into a problem document), people the sign-in page.
            OnRedirectToLogin = context =>
            {
                if (ApiEndpoints.IsApiRequest(context.HttpContext))
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                }
                else
                {
                    // Relative: behind a proxy that does not forward the host, an absolute URL would point at the proxy's view of us.
                    context.Response.Redirect(Uri.TryCreate(context.RedirectUri, UriKind.Absolute, out var absolute)
                        ? absolute.PathAndQuery
                        : context.RedirectUri);
                }

                return Task.CompletedTask;
            },
            OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            },
        };
    }

    // On every cookie request, so a password change or "sign out everywhere" ends other sessions at once rather
    // than at some revalidation interval: one indexed primary-key read per request is cheap next to that.
    private static async Task ValidateSecurityStampAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var accountId = principal?.AccountIdOf();
        var stamp = principal?.FindFirst(AccountClaims.SecurityStamp)?.Value;
        Guid? current = null;
        if (accountId is not null)
        {
            var store = context.HttpContext.RequestServices.GetRequiredService<AccountStore>();
            current = await store.FindSecurityStampAsync(accountId.Value, context.HttpContext.RequestAborted);
        }

        if (current is null || !string.Equals(current.Value.ToString(), stamp, StringComparison.Ordinal))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
        }
    }

    private static void ConfigureRateLimits(RateLimiterOptions options)
    {
        options.AddPolicy(SignInRateLimit, context =>
        {
            var limits = context.RequestServices.GetRequiredService<IOptionsMonitor<SignInProtectionOptions>>().CurrentValue;
            return PerClient(context, limits.PermitsPerWindow, limits.RateLimitWindow);
        });
        options.AddPolicy(RecoveryRateLimit, context =>
        {
            var limits = context.RequestServices.GetRequiredService<IOptionsMonitor<SignInProtectionOptions>>().CurrentValue;
            return PerClient(context, limits.RecoveryPermitsPerWindow, limits.RecoveryRateLimitWindow);
        });
        options.AddPolicy(PostingRateLimit, context => PerMember(context, limits => (limits.PostsPerWindow, limits.Window)));
        options.AddPolicy(VotingRateLimit, context => PerMember(context, limits => (limits.VotesPerWindow, limits.Window)));
        options.AddPolicy(InvitationRateLimit, context => PerMember(context, limits => (limits.InvitationsPerWindow, limits.InvitationWindow)));
        options.OnRejected = (rejected, ct) =>
        {
            var context = rejected.HttpContext;
            var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
            var seconds = (int)Math.Ceiling(Math.Max(1, retryAfter.TotalSeconds));
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            var policy = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
            var detail = policy is SignInRateLimit or RecoveryRateLimit
                ? $"Too many sign-in attempts from this address. Try again in {seconds} seconds."
                : $"Too many requests of this kind from your account. Try again in {seconds} seconds.";

            // Pages fall through to the status code pages (the error page); /api answers a problem document.
            return ApiEndpoints.IsApiRequest(context)
                ? new ValueTask(TypedResults.Problem(
                    statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Too many attempts",
                    detail: detail).ExecuteAsync(context))
                : ValueTask.CompletedTask;
        };
    }

    // Only writes are counted: showing the sign-in form costs nothing and guesses nothing. The address is a key in
    // memory for one window, never stored or logged. IPv6 clients are grouped by /64, which one subscriber usually holds whole.
    private static RateLimitPartition<string> PerClient(HttpContext context, int permits, TimeSpan window)
    {
        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        {
            return RateLimitPartition.GetNoLimiter("read");
        }

        return RateLimitPartition.GetFixedWindowLimiter(ClientKey(context.Connection.RemoteIpAddress), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, permits),
            Window = window,
            QueueLimit = 0,
        });
    }

    // Per account when signed in (the same allowance through cookie, token and page), else per client address. Reads
    // are never counted. The account id is a key in memory for one window, like the address above.
    private static RateLimitPartition<string> PerMember(HttpContext context, Func<FloodProtectionOptions, (int Permits, TimeSpan Window)> pick)
    {
        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        {
            return RateLimitPartition.GetNoLimiter("read");
        }

        var (permits, window) = pick(context.RequestServices.GetRequiredService<IOptionsMonitor<FloodProtectionOptions>>().CurrentValue);
        var key = context.User.AccountIdOf() is { } account ? "account:" + account : "client:" + ClientKey(context.Connection.RemoteIpAddress);
        return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, permits),
            Window = window,
            QueueLimit = 0,
        });
    }

    private static string ClientKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new IPAddress(bytes) + "/64";
        }

        return address.ToString();
    }
}
