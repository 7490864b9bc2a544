using System.Text.RegularExpressions;
using ESoviet.Testing;
using Microsoft.Playwright;

namespace ESoviet.Browser.Tests.Deliberation;

/// <summary>
/// The deliberation pages with JavaScript switched off, driven from the keyboard where it matters: everything works
/// through plain links and forms, the preview included.
/// </summary>
public sealed partial class Debating_without_javascript(DeliberationApp app, BrowserFixture browser)
    : IClassFixture<DeliberationApp>, IClassFixture<BrowserFixture>
{
    private async Task<BrowserSession> NoScriptSessionAsync(ViewportSize? viewport = null)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            JavaScriptEnabled = false,
            ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 800 },
        });
        return await BrowserSession.OpenAsync(context);
    }

    [Fact]
    public async Task The_list_and_the_thread_work_and_a_reply_is_previewed_and_posted_through_the_form()
    {
        var (anna, slug) = await app.FoundAsync(ApiClient.NewHandle("anna"));
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug, ApiClient.NewHandle("boris"));
        var (threadId, openingId) = await anna.StartThreadAsync(slug, new { title = "Canteen prices", tags = new[] { "canteen" }, markdown = "Prices went up again." });
        await using var session = await NoScriptSessionAsync();
        var page = session.Page;
        await page.SignInAsync(boris.Handle);

        await page.GotoAsync($"/o/{slug}/threads?tag=canteen");
        await Assertions.Expect(page.Locator(".tag[aria-current=page]")).ToHaveTextAsync("#canteen");
        var title = page.GetByRole(AriaRole.Link, new() { Name = "Canteen prices" });
        await title.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/threads/{threadId}$"));

        // The reply form at the end of the thread: preview first (rendered on the server, with the privacy warning).
        var text = page.GetByLabel("Your reply");
        await text.FillAsync("Ask at the counter, or ring *Tomasz* on 07700 900123.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Reply to the thread");
        await Assertions.Expect(page.Locator(".preview em")).ToHaveTextAsync("Tomasz");
        await Assertions.Expect(page.Locator(".privacy")).ToContainTextAsync("looks like a phone number");
        await Assertions.Expect(page.GetByLabel("Your reply")).ToHaveValueAsync("Ask at the counter, or ring *Tomasz* on 07700 900123.");

        await page.GetByLabel("Your reply").FillAsync("Ask at the counter, or ring *Tomasz*.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Post reply" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/threads/{threadId}#c-[0-9a-f-]{{36}}$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your reply is posted.");
        await Assertions.Expect(page.Locator(".thread__replies article")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".thread__replies article em")).ToHaveTextAsync("Tomasz");

        // Replying to a contribution from its own link, and an empty reply explained beside the field.
        await page.Locator($"#c-{openingId}").GetByRole(AriaRole.Link, new() { Name = $"Reply to {anna.Handle}" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Post reply" }).ClickAsync();
        await Assertions.Expect(page.Locator("#compose-markdown-error")).ToHaveTextAsync("Write something: the text is empty.");
        await Assertions.Expect(page.GetByLabel("Your reply")).ToHaveAttributeAsync("aria-invalid", "true");
        await page.GetByLabel("Your reply").FillAsync("A second reply, to the opening.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Post reply" }).ClickAsync();
        await Assertions.Expect(page.Locator(".thread__replies article")).ToHaveCountAsync(2);
        // The refused post answered 400 with the form again, which Chromium notes; nothing else may have gone wrong.
        session.Errors.Should().ContainSingle().Which.Should().Contain("status of 400");
    }

    [Fact]
    public async Task Retracting_asks_first_then_leaves_a_marker_and_the_history_for_members()
    {
        var (anna, slug) = await app.FoundAsync(ApiClient.NewHandle("anna"));
        using var _ = anna;
        var (threadId, openingId) = await anna.StartThreadAsync(slug, new { title = "A hasty idea", markdown = "Let us occupy the pelican office." });
        await using var session = await NoScriptSessionAsync();
        var page = session.Page;
        await page.SignInAsync(anna.Handle);
        await page.GotoAsync($"/o/{slug}/threads/{threadId}");

        await page.Locator($"#c-{openingId}").GetByRole(AriaRole.Link, new() { Name = "Retract" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Retract your contribution?");
        await page.GetByRole(AriaRole.Link, new() { Name = "Keep it" }).ClickAsync();
        await Assertions.Expect(page.Locator($"#c-{openingId} .contribution__body")).ToContainTextAsync("pelican office");

        await page.Locator($"#c-{openingId}").GetByRole(AriaRole.Link, new() { Name = "Retract" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Retract it" }).ClickAsync();
        var retracted = page.Locator($"#c-{openingId}");
        await Assertions.Expect(retracted).ToContainTextAsync("Retracted by the author.");
        (await retracted.InnerTextAsync()).Should().NotContain("pelican");
        await retracted.GetByRole(AriaRole.Link, new() { Name = "See its history" }).ClickAsync();
        await Assertions.Expect(page.Locator(".version__body")).ToHaveTextAsync("Let us occupy the pelican office.");
        session.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task An_edit_keeps_the_files_unless_unticked_and_saving_no_change_makes_no_new_version()
    {
        var (anna, slug) = await app.FoundAsync(ApiClient.NewHandle("anna"));
        using var _ = anna;
        var photo = await anna.UploadAsync(slug, Pictures.Png(20, 10, (x, _) => ((byte)(x * 12), 90, 90)), "yard-3.png", "image/png");
        var (threadId, openingId) = await anna.StartThreadAsync(slug, new { title = "Lamps in yard 3", markdown = "Two lamps are out.", attachments = new[] { photo } });
        await using var session = await NoScriptSessionAsync();
        var page = session.Page;
        await page.SignInAsync(anna.Handle);
        await page.GotoAsync($"/o/{slug}/c/{openingId}/edit");

        var kept = page.GetByLabel("yard-3.png");
        await Assertions.Expect(kept).ToBeCheckedAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Assertions.Expect(page.Locator("#compose-markdown-error")).ToHaveTextAsync("The text is unchanged.");
        await Assertions.Expect(page.GetByLabel("yard-3.png")).ToBeCheckedAsync();

        await page.GetByLabel("yard-3.png").UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/threads/{threadId}#c-{openingId}$"));
        await Assertions.Expect(page.Locator($"#c-{openingId} .attachments")).ToHaveCountAsync(0);
        await page.Locator($"#c-{openingId}").GetByRole(AriaRole.Link, new() { Name = "edited" }).ClickAsync();
        await Assertions.Expect(page.Locator("section.version")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("section.version").Last.Locator(".version__files")).ToHaveTextAsync("Files: yard-3.png");
        session.Errors.Should().ContainSingle().Which.Should().Contain("status of 400");
    }

    [Fact]
    public async Task Replies_nest_four_levels_deep_and_deeper_ones_name_whom_they_answer()
    {
        var (anna, slug) = await app.FoundAsync(ApiClient.NewHandle("anna"));
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug, ApiClient.NewHandle("boris"));
        var (threadId, openingId) = await anna.StartThreadAsync(slug, new { title = "A long exchange", markdown = "Opening." });
        var chain = new List<Guid>();
        var parent = openingId;
        for (var i = 1; i <= 6; i++)
        {
            var who = i % 2 == 1 ? boris : anna;
            parent = await who.ReplyAsync(slug, threadId, new { parentId = parent, markdown = $"Reply at depth {i}." });
            chain.Add(parent);
        }
        var toThread = await boris.ReplyAsync(slug, threadId, new { markdown = "A reply to the whole thread." });
        await using var session = await NoScriptSessionAsync(new ViewportSize { Width = 360, Height = 740 });
        var page = session.Page;
        await page.SignInAsync(anna.Handle);
        await page.GotoAsync($"/o/{slug}/threads/{threadId}");

        async Task<int> ListsAbove(Guid id) =>
            await page.Locator($"#c-{id}").EvaluateAsync<int>("a => { let n = 0; for (let e = a; e; e = e.parentElement) if (e.matches('ol.replies')) n++; return n; }");
        (await ListsAbove(chain[0])).Should().Be(1);
        (await ListsAbove(chain[3])).Should().Be(4);
        (await ListsAbove(chain[4])).Should().Be(4, "depth 5 is shown at the deepest indent");
        (await ListsAbove(chain[5])).Should().Be(4);
        (await ListsAbove(toThread)).Should().Be(1);
        (await page.Locator($"#c-{chain[3]} .contribution__context").CountAsync()).Should().Be(0);
        var context = page.Locator($"#c-{chain[4]} .contribution__context");
        await Assertions.Expect(context).ToHaveTextAsync($"in reply to @{anna.Handle}");
        (await context.GetByRole(AriaRole.Link).GetAttributeAsync("href")).Should().Be($"#c-{chain[3]}");

        // Reading order: every reply after what it answers, the reply to the thread last.
        var order = await page.Locator("article.contribution").EvaluateAllAsync<string[]>("all => all.map(a => a.id)");
        order.Should().Equal([$"c-{openingId}", .. chain.Select(id => $"c-{id}"), $"c-{toThread}"]);
        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")).Should().Be(0);
        session.Errors.Should().BeEmpty();
    }
}
