using ESoviet.Testing;
using Microsoft.Playwright;

namespace ESoviet.Browser.Tests;

public sealed class Home_page_in_a_browser(AppFixture app, BrowserFixture browser)
    : IClassFixture<AppFixture>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Explains_ESoviet_without_console_errors()
    {
        await using var session = await browser.NewSessionAsync(app.BaseAddress);

        var response = await session.Page.GotoAsync("/", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });

        response!.Status.Should().Be(200);
        (await session.Page.TitleAsync()).Should().Contain("ESoviet");
        (await session.Page.Locator("h1").InnerTextAsync()).Should().Be("Decide together, in the open");
        (await session.Page.Locator("header .site-name").InnerTextAsync()).Should().Be("ESoviet");
        (await session.Page.Locator("main").InnerTextAsync()).Should().Contain("roll-call").And.Contain("ledger");
        session.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task Is_styled_by_its_own_stylesheet()
    {
        await using var session = await browser.NewSessionAsync(app.BaseAddress);

        await session.Page.GotoAsync("/", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });

        // A stylesheet blocked by the CSP or missing would leave the browser's default serif font and block skip link.
        var fontFamily = await session.Page.Locator("body").EvaluateAsync<string>("e => getComputedStyle(e).fontFamily");
        fontFamily.Should().StartWith("system-ui");
        session.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task Skip_link_is_the_first_stop_for_the_keyboard()
    {
        await using var session = await browser.NewSessionAsync(app.BaseAddress);
        await session.Page.GotoAsync("/");

        await session.Page.Keyboard.PressAsync("Tab");

        (await session.Page.EvaluateAsync<string>("() => document.activeElement.textContent")).Should().Be("Skip to content");
        (await session.Page.Locator(".skip-link").IsVisibleAsync()).Should().BeTrue();
    }

    [Fact]
    public async Task Fits_a_phone_screen_without_sideways_scrolling()
    {
        await using var session = await browser.NewSessionAsync(app.BaseAddress, new ViewportSize { Width = 360, Height = 740 });

        await session.Page.GotoAsync("/", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });

        var overflow = await session.Page.EvaluateAsync<int>(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        overflow.Should().Be(0);
    }
}
