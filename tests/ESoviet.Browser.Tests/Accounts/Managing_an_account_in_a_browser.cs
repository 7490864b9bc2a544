using System.Text.RegularExpressions;
using ESoviet.Testing;
using Microsoft.Playwright;

namespace ESoviet.Browser.Tests.Accounts;

/// <summary>
/// Sign-in, settings and sign-out in Chromium, without any script of ours (the pages need none). Set
/// ESOVIET_SCREENSHOTS to a folder to keep a screenshot of each step, at desktop and phone width.
/// </summary>
public sealed partial class Managing_an_account_in_a_browser(AppFixture app, BrowserFixture browser)
    : IClassFixture<AppFixture>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Signing_in_shows_the_handle_in_the_nav_and_signing_out_removes_it()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("anna"));
        await using var session = await browser.NewSessionAsync(app.BaseAddress);
        var page = session.Page;

        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await Screens.SaveAtWidthAsync(page, "signin");
        await page.GetByLabel("Handle").FillAsync(account.Handle);
        await page.GetByLabel("Password").FillAsync(ApiClient.DefaultPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(page.Locator(".site-nav__handle")).ToHaveTextAsync(account.Handle);
        await Screens.SaveAtWidthAsync(page, "home-signed-in");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("You are signed out.");
        (await page.Locator(".site-nav__handle").CountAsync()).Should().Be(0);
        session.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task A_wrong_password_is_explained_beside_the_form()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("boris"));
        await using var session = await browser.NewSessionAsync(app.BaseAddress);
        var page = session.Page;

        await page.GotoAsync("/signin");
        await page.GetByLabel("Handle").FillAsync(account.Handle);
        await page.GetByLabel("Password").FillAsync("not the right one");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Handle or password is wrong.");
        (await page.GetByLabel("Handle").InputValueAsync()).Should().Be(account.Handle);
        (await page.GetByLabel("Password").InputValueAsync()).Should().BeEmpty();
        await Screens.SaveAtWidthAsync(page, "signin-wrong");
        session.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task The_settings_show_a_new_token_and_new_recovery_codes_once()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("clara"));
        await using var session = await browser.NewSessionAsync(app.BaseAddress);
        var page = session.Page;
        await SignInAsync(page, account.Handle);
        await page.GotoAsync("/account");
        await Screens.SaveAtWidthAsync(page, "account");

        await page.GetByLabel("New token’s name").FillAsync("minutes bot");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        var token = await page.Locator(".secret__token").InnerTextAsync();
        token.Should().MatchRegex("^esv_[A-Za-z0-9_-]{43}$");
        await Screens.SaveAtWidthAsync(page, "account-token");

        await page.GetByLabel("Your password").FillAsync(ApiClient.DefaultPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Make new recovery codes" }).ClickAsync();
        await Assertions.Expect(page.Locator(".secret__codes li")).ToHaveCountAsync(10);
        (await page.Locator("main").InnerTextAsync()).Should().NotContain(token, "a token is shown only in the response that made it");
        await Screens.SaveAtWidthAsync(page, "account-codes");

        await page.GotoAsync("/account");
        (await page.Locator(".secret").CountAsync()).Should().Be(0);
        await Assertions.Expect(page.Locator("table.tokens")).ToContainTextAsync("minutes bot");
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke minutes bot" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The token is revoked.");
        await Assertions.Expect(page.Locator("table.tokens")).ToContainTextAsync("Revoked");
        session.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task The_owner_locked_out_by_guesses_gets_in_with_a_recovery_code_and_sets_a_new_password()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("dora"));
        await using var session = await browser.NewSessionAsync(app.BaseAddress);
        var page = session.Page;
        await page.GotoAsync("/signin");
        for (var i = 0; i < 5; i++)
        {
            await page.GetByLabel("Handle").FillAsync(account.Handle);
            await page.GetByLabel("Password").FillAsync($"a wrong guess {i}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        }

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Too many wrong attempts");
        await Screens.SaveAtWidthAsync(page, "signin-locked");
        await page.GetByRole(AriaRole.Alert).GetByRole(AriaRole.Link, new() { Name = "sign in with a recovery code" }).ClickAsync();
        await page.GetByLabel("Handle").FillAsync(account.Handle);
        await page.GetByLabel("Recovery code").FillAsync(account.RecoveryCodes[0]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(AccountPath());
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("You signed in with a recovery code");
        await Screens.SaveAtWidthAsync(page, "account-recovered");
        await page.GetByLabel("New password").FillAsync("a fresh and long password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your password is changed.");
        session.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task The_pages_fit_a_phone_without_sideways_scrolling()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("a-long-handle-on-phones"));
        await using var session = await browser.NewSessionAsync(app.BaseAddress, Screens.Phone);
        var page = session.Page;

        await page.GotoAsync("/signin");
        (await OverflowAsync(page)).Should().Be(0);
        await Screens.SaveAtWidthAsync(page, "signin-phone");
        await SignInAsync(page, account.Handle);
        await page.GotoAsync("/account");
        await page.GetByLabel("New token’s name").FillAsync("a token with a long descriptive name for the phone");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        await Assertions.Expect(page.Locator(".secret__token")).ToBeVisibleAsync();

        (await OverflowAsync(page)).Should().Be(0);
        await Screens.SaveAtWidthAsync(page, "account-phone");
        session.Errors.Should().BeEmpty();
    }

    private static async Task SignInAsync(IPage page, string handle)
    {
        await page.GotoAsync("/signin");
        await page.GetByLabel("Handle").FillAsync(handle);
        await page.GetByLabel("Password").FillAsync(ApiClient.DefaultPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator(".site-nav__handle")).ToHaveTextAsync(handle);
    }

    private static Task<int> OverflowAsync(IPage page) =>
        page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");


    [GeneratedRegex("/account$")]
    private static partial Regex AccountPath();
}
