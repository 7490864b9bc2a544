using System.Text.RegularExpressions;
using ESoviet.Browser.Tests.Deliberation;
using ESoviet.Browser.Tests.Voting;
using ESoviet.Testing;
using Microsoft.Playwright;

namespace ESoviet.Browser.Tests.Live;

/// <summary>
/// Two people with the same page open: what one does appears on the other's page without a reload, in place, marked
/// for a moment and announced to screen readers; the live script comes from this site (the CSP allows nothing else).
/// Set ESOVIET_SCREENSHOTS to a folder to keep a picture of each page just after an update arrived.
/// </summary>
public sealed partial class Watching_live_in_the_browser(VotingApp app, BrowserFixture browser)
    : IClassFixture<VotingApp>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_vote_cast_in_one_browser_appears_in_the_other_s_roll_call_and_count_and_the_close_in_its_banner()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug);
        using var chen = await app.AdmitAsync(anna, slug);
        var (thread, _) = await anna.StartThreadAsync(slug, new { title = "Night shifts", markdown = "Nowhere to eat at six." });
        var proposal = await anna.DraftAsync(slug, thread, "Open a canteen in the union hall");
        await anna.SubmitAsync(slug, proposal);
        app.Clock.Advance(TimeSpan.FromHours(48));
        await anna.OpenVotingAsync(slug, proposal);

        await using var annaBrowser = await browser.NewSessionAsync(app.BaseAddress);
        await using var borisBrowser = await browser.NewSessionAsync(app.BaseAddress);
        var watching = annaBrowser.Page;
        var voting = borisBrowser.Page;
        await watching.SignInAsync(anna.Handle);
        await voting.SignInAsync(boris.Handle);
        await watching.GotoAsync($"/o/{slug}/proposals/{proposal}");
        await voting.GotoAsync($"/o/{slug}/proposals/{proposal}");
        await Assertions.Expect(watching.Locator(".live-status")).ToHaveTextAsync(LiveNow());
        await watching.EvaluateAsync("() => { window.notReloaded = true; }");

        var panel = voting.Locator("#vote");
        await panel.GetByRole(AriaRole.Radio, new() { Name = "Against", Exact = true }).CheckAsync();
        await panel.GetByLabel("Reason").FillAsync("The hall is booked in the mornings.");
        await panel.GetByRole(AriaRole.Button, new() { Name = "Cast my vote" }).ClickAsync();

        var row = watching.Locator($"#roll-call tr[data-voter='{boris.Handle.ToLowerInvariant()}']");
        await Assertions.Expect(row).ToContainTextAsync("Against");
        await Assertions.Expect(row).ToContainTextAsync("The hall is booked in the mornings.");
        await Assertions.Expect(watching.Locator(".tally__row--against .tally__number")).ToHaveTextAsync("1");
        await Assertions.Expect(watching.Locator(".quorum__text")).ToContainTextAsync("1 of 3 electors have voted");
        await Assertions.Expect(watching.Locator("#roll-call li[data-voter]")).ToHaveCountAsync(2);
        await Assertions.Expect(watching.Locator("#live-announcer")).ToHaveTextAsync($"{boris.Handle} voted; 1 of 3 voted");
        await Screens.SaveAsync(watching, "live-vote");

        // A vote through the API reaches both pages alike; the voter's own row says "(you)" on the voter's page.
        using (var response = await chen.Api.PutJsonAsync($"/api/orgs/{slug}/proposals/{proposal}/votes/mine", new { choice = "for" }))
            response.EnsureSuccessStatusCode();
        await Assertions.Expect(watching.Locator(".tally__row--for .tally__number")).ToHaveTextAsync("1");
        await Assertions.Expect(voting.Locator(".tally__row--for .tally__number")).ToHaveTextAsync("1");
        await Assertions.Expect(voting.Locator($"#roll-call tr[data-voter='{boris.Handle.ToLowerInvariant()}'] th")).ToHaveTextAsync($"{boris.Handle} (you)");
        await Assertions.Expect(watching.Locator(".quorum__text")).ToContainTextAsync("2 of 3 electors have voted");
        (await watching.EvaluateAsync<bool>("() => window.notReloaded === true")).Should().BeTrue("the page was updated in place");

        // The deadline passes: the closer counts, and the banner changes on both pages.
        app.Clock.Advance(TimeSpan.FromHours(73));
        await Assertions.Expect(watching.Locator("#phase")).ToContainTextAsync("Rejected", new() { Timeout = 15_000 });
        await Assertions.Expect(voting.Locator("#phase")).ToContainTextAsync("Rejected", new() { Timeout = 15_000 });
        await Assertions.Expect(watching.Locator("#count")).ToContainTextAsync("Outcome: Rejected");

        annaBrowser.Errors.Should().BeEmpty();
        borisBrowser.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task A_reply_appears_in_place_in_an_open_thread_with_its_sanitized_text()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug);
        var (thread, opening) = await anna.StartThreadAsync(slug, new { title = "Where to meet", markdown = "The hall or the café?" });
        var first = await anna.ReplyAsync(slug, thread, new { markdown = "I lean towards the hall.", parentId = opening });

        await using var session = await browser.NewSessionAsync(app.BaseAddress);
        var page = session.Page;
        await page.SignInAsync(anna.Handle);
        await page.GotoAsync($"/o/{slug}/threads/{thread}");
        await Assertions.Expect(page.Locator(".live-status")).ToHaveTextAsync(LiveNow());
        await Assertions.Expect(page.Locator("#replies-title")).ToHaveTextAsync("1 reply");

        var answer = await boris.ReplyAsync(slug, thread, new
        {
            markdown = "The **café**: it opens at six. <img src=x onerror=\"document.title='pwned'\"> <script>document.title='pwned'</script>",
            parentId = first,
        });
        var article = page.Locator($"#c-{answer}");
        await Assertions.Expect(article).ToContainTextAsync("The café: it opens at six.");
        await Assertions.Expect(article.Locator("strong")).ToHaveTextAsync("café");
        await Assertions.Expect(article.Locator(".contribution__author")).ToHaveTextAsync(boris.Handle);
        await Assertions.Expect(page.Locator($"#c-{first} ~ ol.replies > li > #c-{answer}")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#replies-title")).ToHaveTextAsync("2 replies");
        await Assertions.Expect(page.Locator("#live-announcer")).ToHaveTextAsync($"New reply from {boris.Handle}");
        await Screens.SaveAsync(page, "live-reply");
        (await article.Locator("script, img[onerror]").CountAsync()).Should().Be(0);
        (await page.TitleAsync()).Should().NotBe("pwned");

        // Its author sees their edit link only on their own page; anna, the reader here, gets Reply and Link.
        await Assertions.Expect(article.Locator(".contribution__actions a")).ToHaveTextAsync([$"Reply to {boris.Handle}", $"Link to this contribution by {boris.Handle}"]);

        using (var retract = await boris.Api.PostAsync($"/api/orgs/{slug}/contributions/{answer}/retract", null))
            retract.EnsureSuccessStatusCode();
        await Assertions.Expect(article.Locator(".contribution__retracted")).ToHaveTextAsync("Retracted by the author.");
        await Assertions.Expect(article).Not.ToContainTextAsync("café");
        session.Errors.Should().BeEmpty();
    }


    [GeneratedRegex("^Live")]
    private static partial Regex LiveNow();
}
