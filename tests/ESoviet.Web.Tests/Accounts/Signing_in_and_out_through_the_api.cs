using System.Net;
using System.Net.Http.Json;
using ESoviet.Testing;

namespace ESoviet.Web.Tests.Accounts;

public sealed class Signing_in_and_out_through_the_api(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task The_right_password_starts_an_http_only_session_that_session_reports()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("anna"));
        using var client = app.CreateClient();

        using var response = await client.PostJsonAsync("/api/session", new { handle = account.Handle, password = ApiClient.DefaultPassword });

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("esoviet_session=", StringComparison.Ordinal));
        cookie.Should().Contain("httponly").And.Contain("samesite=lax").And.NotContain("expires=",
            "without 'remember me' the cookie ends with the browser");
        var session = await client.GetFromJsonAsync<SessionDto>("/api/session");
        session!.SignedIn.Should().BeTrue();
        session.Handle.Should().Be(account.Handle);
        session.CsrfToken.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task Handles_are_matched_ignoring_case()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("Boris"));

        using var client = await app.SignInAsync(account.Handle.ToUpperInvariant());

        (await client.GetFromJsonAsync<SessionDto>("/api/session"))!.Handle.Should().Be(account.Handle);
    }

    [Fact]
    public async Task Remember_me_keeps_the_cookie_for_fourteen_days()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("clara"));
        using var client = app.CreateClient();

        using var response = await client.PostJsonAsync("/api/session", new { handle = account.Handle, password = ApiClient.DefaultPassword, remember = true });

        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("esoviet_session=", StringComparison.Ordinal));
        var expires = DateTimeOffset.Parse(cookie.Split("expires=")[1].Split(';')[0], System.Globalization.CultureInfo.InvariantCulture);
        expires.Should().BeCloseTo(DateTimeOffset.UtcNow.AddDays(14), TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task An_unknown_handle_and_a_wrong_password_get_the_same_401()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("dora"));
        using var client = app.CreateClient();

        using var wrongPassword = await client.PostJsonAsync("/api/session", new { handle = account.Handle, password = "not the password at all" });
        using var unknownHandle = await client.PostJsonAsync("/api/session", new { handle = ApiClient.NewHandle("nobody"), password = "not the password at all" });

        wrongPassword.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        unknownHandle.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var first = await wrongPassword.ReadProblemAsync();
        var second = await unknownHandle.ReadProblemAsync();
        first.Title.Should().Be("Handle or password is wrong");
        second.Should().BeEquivalentTo(first);
        wrongPassword.Headers.Contains("Set-Cookie").Should().BeFalse();
        (await client.GetFromJsonAsync<SessionDto>("/api/session"))!.SignedIn.Should().BeFalse();
    }

    [Fact]
    public async Task Missing_fields_are_a_validation_problem_naming_them()
    {
        using var client = app.CreateClient();

        using var response = await client.PostJsonAsync("/api/session", new { handle = "", password = "" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = await response.ReadProblemAsync();
        problem.Errors.Keys.Should().BeEquivalentTo("handle", "password");
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("emil"));
        using var client = await app.SignInAsync(account.Handle);

        using var response = await client.DeleteAsync("/api/session");

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await client.GetFromJsonAsync<SessionDto>("/api/session"))!.SignedIn.Should().BeFalse();
        using var tokens = await client.GetAsync("/api/account/tokens");
        tokens.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_signed_out_api_request_is_a_401_problem_not_a_redirect()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/api/account/tokens");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await response.ReadProblemAsync()).Status.Should().Be(401);
    }

    [Fact]
    public async Task A_signed_out_page_request_redirects_to_the_sign_in_page()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/account");

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().Should().StartWith("/signin?returnUrl=%2Faccount");
    }

    [Fact]
    public async Task A_forged_cookie_is_ignored()
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Add("Cookie", "esoviet_session=CfDJ8notarealticket");

        var session = await client.GetFromJsonAsync<SessionDto>("/api/session");

        session!.SignedIn.Should().BeFalse();
    }

    private sealed record SessionDto(bool SignedIn, string? Handle, string CsrfToken);
}
