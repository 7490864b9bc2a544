using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ESoviet.Testing;

namespace ESoviet.Web.Tests.Accounts;

public sealed partial class Signing_in_with_the_pages(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task The_form_signs_in_and_returns_to_the_page_asked_for()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("anna"));
        using var client = app.CreateClient();

        using var response = await PostFormAsync(client, "/signin?returnUrl=%2Faccount",
            ("Input.Handle", account.Handle), ("Input.Password", ApiClient.DefaultPassword), ("ReturnUrl", "/account"));

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().Should().Be("/account");
        var home = await client.GetStringAsync("/");
        home.Should().Contain($">{account.Handle}</li>").And.Contain(">Sign out</button>").And.NotContain(">Sign in</a>");
    }

    [Fact]
    public async Task A_wrong_password_shows_the_message_in_place_and_keeps_only_the_handle()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("boris"));
        using var client = app.CreateClient();

        using var response = await PostFormAsync(client, "/signin",
            ("Input.Handle", account.Handle), ("Input.Password", "definitely wrong password"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync();
        html.Should().Contain("Handle or password is wrong.")
            .And.Contain($"value=\"{account.Handle}\"")
            .And.NotContain("definitely wrong password");
        (await client.GetStringAsync("/")).Should().Contain(">Sign in</a>");
    }

    [Fact]
    public async Task Empty_fields_get_their_errors_beside_them()
    {
        using var client = app.CreateClient();

        using var response = await PostFormAsync(client, "/signin", ("Input.Handle", ""), ("Input.Password", ""));

        var html = await response.Content.ReadAsStringAsync();
        html.Should().MatchRegex("data-valmsg-for=\"Input.Handle\"[^>]*>Enter your handle.</span>")
            .And.MatchRegex("data-valmsg-for=\"Input.Password\"[^>]*>Enter your password.</span>");
    }

    [Theory]
    [InlineData("//evil.example/phish")]
    [InlineData("https://evil.example/")]
    [InlineData("/\\evil.example")]
    public async Task A_return_url_to_another_site_goes_home_instead(string returnUrl)
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("clara"));
        using var client = app.CreateClient();

        using var response = await PostFormAsync(client, "/signin",
            ("Input.Handle", account.Handle), ("Input.Password", ApiClient.DefaultPassword), ("ReturnUrl", returnUrl));

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().Should().Be("/");
    }

    [Fact]
    public async Task A_form_post_without_the_antiforgery_token_is_refused()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("dora"));
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/signin", new FormUrlEncodedContent(
            [new("Input.Handle", account.Handle), new("Input.Password", ApiClient.DefaultPassword)]));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : []).Should().NotContain(c => c.StartsWith("esoviet_session=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_sign_out_button_ends_the_session()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("emil"));
        using var client = await app.SignInAsync(account.Handle);

        using var response = await PostFormAsync(client, "/", "/signout");

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().Should().Be("/signin?status=signed-out");
        (await client.GetFromJsonAsync<JsonElement>("/api/session")).GetProperty("signedIn").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task A_recovery_code_signs_in_and_the_settings_ask_for_a_new_password()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("fritz"));
        using var client = app.CreateClient();

        using var response = await PostFormAsync(client, "/signin/recovery", ("Input.Handle", account.Handle), ("Input.Code", account.RecoveryCodes[2]));

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().Should().Be("/account");
        var settings = await client.GetStringAsync("/account");
        settings.Should().Contain("You signed in with a recovery code").And.Contain("9 unused recovery codes left")
            .And.NotContain("name=\"Password.Current\"");
    }

    [Fact]
    public async Task A_token_made_on_the_settings_page_is_shown_once()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("greta"));
        using var client = await app.SignInAsync(account.Handle);

        using var response = await PostFormAsync(client, "/account", "/account?handler=CreateToken", ("Token.Name", "agenda script"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync();
        var token = TokenPattern().Match(html).Value;
        token.Should().NotBeEmpty();
        html.Should().Contain("It will not be shown again");
        var again = await client.GetStringAsync("/account");
        again.Should().Contain("agenda script").And.NotContain(token);
        using var bot = app.CreateTokenClient(token);
        (await bot.GetFromJsonAsync<JsonElement>("/api/session")).GetProperty("handle").GetString().Should().Be(account.Handle);
    }

    [Fact]
    public async Task New_recovery_codes_are_shown_once_after_the_password()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("hanna"));
        using var client = await app.SignInAsync(account.Handle);

        using var refused = await PostFormAsync(client, "/account", "/account?handler=RecoveryCodes", ("Confirm.Password", "not my password"));
        using var response = await PostFormAsync(client, "/account", "/account?handler=RecoveryCodes", ("Confirm.Password", ApiClient.DefaultPassword));

        (await refused.Content.ReadAsStringAsync()).Should().Contain("The password is wrong.").And.NotContain("Store these codes now");
        var html = await response.Content.ReadAsStringAsync();
        html.Should().Contain("Store these codes now. They will not be shown again.");
        CodePattern().Matches(html).Should().HaveCount(10);
        CodePattern().Matches(await client.GetStringAsync("/account")).Should().BeEmpty();
    }

    [Fact]
    public async Task Changing_the_password_on_the_page_keeps_this_session()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("ida"));
        using var client = await app.SignInAsync(account.Handle);
        using var other = await app.SignInAsync(account.Handle);

        using var tooShort = await PostFormAsync(client, "/account", "/account?handler=Password",
            ("Password.Current", ApiClient.DefaultPassword), ("Password.New", "short"));
        using var response = await PostFormAsync(client, "/account", "/account?handler=Password",
            ("Password.Current", ApiClient.DefaultPassword), ("Password.New", "a brand new long password"));

        (await tooShort.Content.ReadAsStringAsync()).Should().Contain("A password needs at least 12 characters.");
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await client.GetStringAsync(response.Headers.Location!)).Should().Contain("Your password is changed.");
        (await other.GetAsync("/account")).StatusCode.Should().Be(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Sign_out_everywhere_on_the_page_ends_every_session()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("jonas"));
        using var client = await app.SignInAsync(account.Handle);
        using var other = await app.SignInAsync(account.Handle);

        using var response = await PostFormAsync(client, "/account", "/account?handler=SignOutEverywhere");

        response.Headers.Location!.ToString().Should().Be("/signin?status=signed-out-everywhere");
        (await client.GetAsync("/account")).StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await other.GetAsync("/account")).StatusCode.Should().Be(HttpStatusCode.Redirect);
    }

    private static Task<HttpResponseMessage> PostFormAsync(HttpClient client, string page, params (string Name, string Value)[] fields) =>
        PostFormAsync(client, page, page, fields);

    /// <summary>Loads <paramref name="page"/> for its antiforgery token, then posts the fields to <paramref name="action"/>, as a browser would.</summary>
    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string page, string action, params (string Name, string Value)[] fields)
    {
        var html = await client.GetStringAsync(page);
        var token = FormTokenPattern().Match(html).Groups[1].Value;
        token.Should().NotBeEmpty($"{page} should have a form with an antiforgery token");
        var form = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).Append(new("__RequestVerificationToken", token));
        return await client.PostAsync(action, new FormUrlEncodedContent(form));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex FormTokenPattern();

    [GeneratedRegex("esv_[A-Za-z0-9_-]{43}")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("<code>[a-z2-9]{5}-[a-z2-9]{5}</code>")]
    private static partial Regex CodePattern();
}
