using System.Globalization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ESoviet.Web.Accounts;

/// <summary>
/// <c>/api/session</c> (sign in and out, the antiforgery token) and <c>/api/account</c> (password, recovery codes,
/// personal access tokens). Account management needs the session cookie: a personal access token cannot mint
/// tokens or change credentials, so a stolen one cannot entrench itself.
/// </summary>
public static class AccountsApi
{
    public const string WrongHandleOrCode = "Handle or recovery code is wrong";

    /// <summary>How long after signing in with a recovery code the password may be replaced without the old one.</summary>
    public static readonly TimeSpan RecoveryWindow = TimeSpan.FromHours(1);

    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder api)
    {
        var session = api.MapGroup("/session").WithTags("Session");
        session.MapGet("", GetSession);
        session.MapPost("", SignIn).RequireRateLimiting(AccountsSetup.SignInRateLimit);
        session.MapDelete("", (Delegate)SignOut); // the cast: a lone HttpContext parameter would bind as a RequestDelegate and drop the result
        session.MapPost("/recovery", SignInWithRecoveryCode).RequireRateLimiting(AccountsSetup.RecoveryRateLimit);

        var account = api.MapGroup("/account").WithTags("Account").RequireAuthorization(AccountsSetup.CookieSessionPolicy);
        account.MapPost("/password", ChangePassword).RequireRateLimiting(AccountsSetup.SignInRateLimit);
        account.MapPost("/recovery-codes", ReplaceRecoveryCodes).RequireRateLimiting(AccountsSetup.SignInRateLimit);
        account.MapGet("/tokens", ListTokens);
        account.MapPost("/tokens", CreateToken);
        account.MapDelete("/tokens/{id:guid}", RevokeToken);
        account.MapPost("/sign-out-everywhere", SignOutEverywhere);
        account.MapPut("/mentions", SetMentions);
        return api;
    }

    public sealed record SessionResponse(bool SignedIn, string? Handle, string CsrfToken);

    public sealed record SignInRequest(string? Handle, string? Password, bool Remember = false);

    public sealed record RecoverySignInRequest(string? Handle, string? Code);

    public sealed record RecoverySignInResponse(int RemainingRecoveryCodes);

    public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

    public sealed record PasswordRequest(string? Password);

    public sealed record RecoveryCodesResponse(IReadOnlyList<string> Codes);

    public sealed record CreateTokenRequest(string? Name);

    public sealed record TokenResponse(Guid Id, string Name, DateTimeOffset CreatedAt, DateOnly? LastUsedOn, bool Revoked);

    public sealed record NewTokenResponse(Guid Id, string Name, string Token, DateTimeOffset CreatedAt);

    /// <summary>Who is signed in, and the antiforgery token a cookie-authenticated script sends in X-CSRF-TOKEN.</summary>
    private static Ok<SessionResponse> GetSession(HttpContext context, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var signedIn = context.User.Identity?.IsAuthenticated == true;
        return TypedResults.Ok(new SessionResponse(signedIn, signedIn ? context.User.HandleOf() : null, tokens.RequestToken!));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> SignIn(
        SignInRequest request, HttpContext context, PasswordSignIn signIn, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Handle)) errors["handle"] = ["Enter your handle."];
        if (string.IsNullOrEmpty(request.Password)) errors["password"] = ["Enter your password."];
        else if (request.Password.Length > 1024) errors["password"] = ["A password has at most 1024 characters."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var attempt = await signIn.AttemptAsync(request.Handle!.Trim(), request.Password!, ct);
        if (attempt.Account is null)
        {
            return Refused(context, PasswordSignIn.WrongHandleOrPassword, attempt.RetryAfter);
        }

        await AccountSignIn.SignInAsync(context, attempt.Account, request.Remember);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> SignOut(HttpContext context)
    {
        await AccountSignIn.SignOutAsync(context);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<RecoverySignInResponse>, ValidationProblem, ProblemHttpResult>> SignInWithRecoveryCode(
        RecoverySignInRequest request, HttpContext context, AccountStore store, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Handle)) errors["handle"] = ["Enter your handle."];
        if (string.IsNullOrWhiteSpace(request.Code)) errors["code"] = ["Enter one of your recovery codes."];
        else if (request.Code.Length > 64) errors["code"] = ["A recovery code looks like k7m2q-9xw4d."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var account = Handles.IsValid(request.Handle!.Trim())
            ? await store.UseRecoveryCodeAsync(request.Handle.Trim(), request.Code!, ct)
            : null;
        if (account is null)
        {
            return Refused(context, WrongHandleOrCode, null);
        }

        await AccountSignIn.SignInWithRecoveryCodeAsync(context, account, time.GetUtcNow());
        return TypedResults.Ok(new RecoverySignInResponse(await store.CountUnusedRecoveryCodesAsync(account.Id, ct)));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ChangePassword(
        ChangePasswordRequest request, HttpContext context, AccountStore store, TimeProvider time, CancellationToken ct)
    {
        var accountId = context.User.AccountIdOf()!.Value;
        var errors = new Dictionary<string, string[]>();
        if (AccountStore.ValidatePassword(request.NewPassword) is { } newPasswordError) errors["newPassword"] = [newPasswordError];
        if (!MayResetWithoutPassword(context, time))
        {
            if (string.IsNullOrEmpty(request.CurrentPassword)) errors["currentPassword"] = ["Enter your current password."];
            else if (!await store.VerifyPasswordAsync(accountId, request.CurrentPassword, ct)) errors["currentPassword"] = ["The current password is wrong."];
        }

        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var account = await store.ChangePasswordAsync(accountId, request.NewPassword!, ct);
        if (account is null) return AccountGone();

        // Every other session dies with the old stamp; this one carries on with the new one.
        await AccountSignIn.RenewAsync(context, account);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<RecoveryCodesResponse>, ValidationProblem>> ReplaceRecoveryCodes(
        PasswordRequest request, HttpContext context, AccountStore store, CancellationToken ct)
    {
        var accountId = context.User.AccountIdOf()!.Value;
        if (string.IsNullOrEmpty(request.Password) || !await store.VerifyPasswordAsync(accountId, request.Password, ct))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["password"] = ["The password is wrong."] });
        }

        var codes = await store.ReplaceRecoveryCodesAsync(accountId, ct);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new RecoveryCodesResponse(codes));
    }

    private static async Task<Ok<TokenResponse[]>> ListTokens(HttpContext context, PersonalAccessTokens tokens, CancellationToken ct)
    {
        var list = await tokens.ListAsync(context.User.AccountIdOf()!.Value, ct);
        return TypedResults.Ok(list.Select(t => new TokenResponse(t.Id, t.Name, t.CreatedAt, t.LastUsedOn, t.RevokedAt is not null)).ToArray());
    }

    private static async Task<Results<Created<NewTokenResponse>, ValidationProblem>> CreateToken(
        CreateTokenRequest request, HttpContext context, PersonalAccessTokens tokens, CancellationToken ct)
    {
        if (PersonalAccessTokens.ValidateName(request.Name) is { } nameError)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [nameError] });
        }

        var created = await tokens.CreateAsync(context.User.AccountIdOf()!.Value, request.Name!, ct);
        if (created is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["name"] = [$"You have {PersonalAccessTokens.MaxLiveTokens} tokens already; revoke one first."],
            });
        }

        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created(
            $"/api/account/tokens/{created.Id}",
            new NewTokenResponse(created.Id, created.Name, created.Token, created.CreatedAt));
    }

    private static async Task<Results<NoContent, NotFound>> RevokeToken(Guid id, HttpContext context, PersonalAccessTokens tokens, CancellationToken ct) =>
        await tokens.RevokeAsync(context.User.AccountIdOf()!.Value, id, ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    /// <summary>Body of <c>PUT /api/account/mentions</c>.</summary>
    public sealed record MentionsRequest(bool? Enabled);

    private static async Task<Results<NoContent, ValidationProblem>> SetMentions(HttpContext context, AccountStore store, MentionsRequest body, CancellationToken ct)
    {
        // Required: an empty body must not switch notifications off as if false had been sent.
        if (body.Enabled is not { } enabled)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["enabled"] = ["Say true or false."] }, title: "The request is not valid.");
        await store.SetMentionsEnabledAsync(context.User.AccountIdOf()!.Value, enabled, ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> SignOutEverywhere(HttpContext context, AccountStore store, CancellationToken ct)
    {
        await store.SignOutEverywhereAsync(context.User.AccountIdOf()!.Value, ct);
        await AccountSignIn.SignOutAsync(context);
        return TypedResults.NoContent();
    }

    internal static bool MayResetWithoutPassword(HttpContext context, TimeProvider time) =>
        context.User.RecoveredAtOf() is { } recoveredAt && time.GetUtcNow() - recoveredAt < RecoveryWindow;

    internal static string RetryAfterSeconds(TimeSpan wait) =>
        ((int)Math.Ceiling(Math.Max(1, wait.TotalSeconds))).ToString(CultureInfo.InvariantCulture);

    private static ProblemHttpResult Refused(HttpContext context, string title, TimeSpan? retryAfter)
    {
        if (retryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds(wait);
        }

        return TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: title,
            detail: retryAfter is null
                ? null
                : "Too many wrong attempts for this handle. Wait before trying again, or sign in with a recovery code.");
    }

    private static ProblemHttpResult AccountGone() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "This account no longer exists");
}
