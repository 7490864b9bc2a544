using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ESoviet.Testing;
using ESoviet.Web.Accounts;

namespace ESoviet.Web.Tests.Accounts;

public sealed class Cross_site_requests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task A_cookie_write_without_the_csrf_header_is_refused_and_changes_nothing()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("anna"));
        using var client = await app.SignInAsync(account.Handle);
        client.DefaultRequestHeaders.Remove(AccountsSetup.AntiforgeryHeader);

        using var response = await client.PostJsonAsync("/api/account/tokens", new { name = "sneaky" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.ReadProblemAsync()).Title.Should().Be("Antiforgery token missing or invalid");
        (await client.GetFromJsonAsync<JsonElement>("/api/account/tokens")).GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task A_cookie_write_with_another_accounts_csrf_token_is_refused()
    {
        var anna = await app.CreateAccountAsync(ApiClient.NewHandle("anna"));
        var boris = await app.CreateAccountAsync(ApiClient.NewHandle("boris"));
        using var annaClient = await app.SignInAsync(anna.Handle);
        using var borisClient = await app.SignInAsync(boris.Handle);
        annaClient.DefaultRequestHeaders.Remove(AccountsSetup.AntiforgeryHeader);
        annaClient.DefaultRequestHeaders.Add(AccountsSetup.AntiforgeryHeader, borisClient.DefaultRequestHeaders.GetValues(AccountsSetup.AntiforgeryHeader));

        using var response = await annaClient.PostJsonAsync("/api/account/tokens", new { name = "sneaky" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_cookie_write_with_the_csrf_header_is_accepted()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("clara"));
        using var client = await app.SignInAsync(account.Handle);

        using var response = await client.PostJsonAsync("/api/account/tokens", new { name = "laptop script" });

        response.StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_cookie_write_from_another_origin_is_refused_even_with_the_token()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("dora"));
        using var client = await app.SignInAsync(account.Handle);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/account/tokens") { Content = JsonContent.Create(new { name = "evil" }) };
        request.Headers.Add("Origin", "https://evil.example");

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.ReadProblemAsync()).Title.Should().Be("Cross-site request refused");
        (await client.GetFromJsonAsync<JsonElement>("/api/account/tokens")).GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task A_write_from_the_sites_own_origin_is_accepted()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("emil"));
        using var client = await app.SignInAsync(account.Handle);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/account/tokens") { Content = JsonContent.Create(new { name = "own" }) };
        request.Headers.Add("Origin", app.BaseAddress.GetLeftPart(UriPartial.Authority));

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_signed_out_sign_in_from_another_origin_is_refused()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("fritz"));
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/session")
        {
            Content = JsonContent.Create(new { handle = account.Handle, password = ApiClient.DefaultPassword }),
        };
        request.Headers.Add("Origin", "null");

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        response.Headers.Contains("Set-Cookie").Should().BeFalse();
    }

    [Fact]
    public async Task A_cross_site_fetch_without_origin_is_refused()
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/session") { Content = JsonContent.Create(new { handle = "x", password = "y" }) };
        request.Headers.Add("Sec-Fetch-Site", "cross-site");

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_bearer_write_needs_no_csrf_token_even_beside_a_session_cookie()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("greta"));
        using var client = await app.SignInAsync(account.Handle);
        var token = await client.CreateTokenAsync();
        client.DefaultRequestHeaders.Remove(AccountsSetup.AntiforgeryHeader);
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);

        // The bearer token, not the cookie, authenticates this request: no antiforgery token is asked for.
        using var response = await client.DeleteAsync("/api/session");

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Pages_expose_the_csrf_token_in_a_meta_tag()
    {
        using var client = app.CreateClient();

        var html = await client.GetStringAsync("/");

        html.Should().MatchRegex("<meta name=\"csrf-token\" content=\"[A-Za-z0-9_-]{20,}\">");
    }
}
