using System.Text.RegularExpressions;
using ESoviet.Testing;
using Microsoft.Playwright;

namespace ESoviet.Browser.Tests.Deliberation;

/// <summary>
/// Two members deliberate through the pages in Chromium, with the page scripts on: a structured thread, a reply with
/// a photo, an edit, its history and search.
/// </summary>
public sealed partial class Debating_in_the_browser(DeliberationApp app, BrowserFixture browser)
    : IClassFixture<DeliberationApp>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_structured_thread_a_reply_with_a_photo_an_edit_its_history_and_search()
    {
        var (anna, slug) = await app.FoundAsync(ApiClient.NewHandle("anna"));
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug, ApiClient.NewHandle("boris"));
        await using var annaSession = await browser.NewSessionAsync(app.BaseAddress);
        await using var borisSession = await browser.NewSessionAsync(app.BaseAddress);
        var page = annaSession.Page;

        // Anna starts a thread whose opening must be structured.
        await page.SignInAsync(anna.Handle);
        await page.GotoAsync($"/o/{slug}");
        await page.GetByRole(AriaRole.Navigation, new() { Name = $"Organization {slug}" }).GetByRole(AriaRole.Link, new() { Name = "Threads" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Start a thread" }).ClickAsync();
        await page.GetByLabel("Title").FillAsync("Rent strike in block C");
        await page.GetByLabel("Tags").FillAsync("housing, #Action");
        await page.GetByLabel("Require a structured opening").CheckAsync();
        await page.GetByLabel("Why", new() { Exact = true }).FillAsync("Rents in block C rise by 20% in May.");
        await page.GetByLabel("To whom", new() { Exact = true }).FillAsync("Every member living in block C.");
        await page.GetByLabel("Source", new() { Exact = true }).FillAsync("The landlord’s letter of 2 March.");
        await page.GetByLabel("Analysis", new() { Exact = true }).FillAsync("We rent most flats in the block, so a strike would hurt.");
        await page.GetByLabel("Opening post").FillAsync("We should **withhold rent** together until the rise is withdrawn.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start the thread" }).ClickAsync();

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Rent strike in block C");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your thread is started.");
        var opening = page.Locator("article.contribution--opening");
        await Assertions.Expect(opening.Locator(".structure")).ToContainTextAsync("The landlord’s letter of 2 March.");
        await Assertions.Expect(opening.Locator(".contribution__body strong")).ToHaveTextAsync("withhold rent");
        await Assertions.Expect(page.Locator(".thread__head .tags")).ToContainTextAsync("#action");

        // Boris sees it as new, and replies to the opening post with a photo of the notice.
        var reader = borisSession.Page;
        await reader.SignInAsync(boris.Handle);
        await reader.GotoAsync($"/o/{slug}/threads");
        var item = reader.Locator(".thread-item", new() { HasText = "Rent strike in block C" });
        await Assertions.Expect(item.Locator(".unread")).ToHaveTextAsync("New");
        await item.GetByRole(AriaRole.Link, new() { Name = "Rent strike in block C" }).ClickAsync();
        await reader.GetByRole(AriaRole.Link, new() { Name = $"Reply to {anna.Handle}" }).ClickAsync();
        await Assertions.Expect(reader.Locator("h1")).ToHaveTextAsync($"Reply to {anna.Handle}");
        await reader.GetByLabel("Your reply").FillAsync("Agreed. Here is the notice on the door; the cormorant logo is theirs.");
        await reader.GetByLabel("Attach files").SetInputFilesAsync(new FilePayload
        {
            Name = "notice.png",
            MimeType = "image/png",
            Buffer = Pictures.Png(48, 32, (x, y) => ((byte)(x * 5), (byte)(y * 7), 160)),
        });
        await reader.GetByRole(AriaRole.Button, new() { Name = "Post reply" }).ClickAsync();

        await Assertions.Expect(reader).ToHaveURLAsync(ContributionAnchor());
        var replyId = new Uri(reader.Url).Fragment.TrimStart('#');
        var reply = reader.Locator($"article#{replyId}");
        await Assertions.Expect(reply).ToContainTextAsync("cormorant logo");
        await Assertions.Expect(reader.Locator($".thread__replies > .replies > .replies__item > article#{replyId}")).ToHaveCountAsync(1);
        var image = reply.GetByRole(AriaRole.Img, new() { Name = "notice.png" });
        await Assertions.Expect(image).ToBeVisibleAsync();
        (await image.EvaluateAsync<int>("img => img.complete ? img.naturalWidth : -1")).Should().Be(48, "the image is served by the attachments endpoint");

        // Anna edits her opening post; the thread shows it as edited, and the history shows both versions.
        await page.ReloadAsync();
        await opening.GetByRole(AriaRole.Link, new() { Name = "Edit" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Your text")).ToHaveValueAsync("We should **withhold rent** together until the rise is withdrawn.");
        await page.GetByLabel("Your text").FillAsync("We should **withhold rent** together from May until the rise is withdrawn.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your changes are saved.");
        await Assertions.Expect(opening.Locator(".contribution__body")).ToContainTextAsync("from May");

        await opening.GetByRole(AriaRole.Link, new() { Name = "edited" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("History");
        await Assertions.Expect(page.Locator("section.version")).ToHaveCountAsync(2);
        (await page.Locator("section.version").First.Locator(".version__body").EvaluateAsync<string>(
            "body => [...body.querySelectorAll('ins')].map(i => i.textContent).join('')")).Should().Contain("from May");
        await Assertions.Expect(page.Locator("section.version").Last.Locator(".version__body")).ToHaveTextAsync("We should **withhold rent** together until the rise is withdrawn.");
        await Assertions.Expect(page.Locator("section.version").Last.Locator(".structure")).ToContainTextAsync("The landlord’s letter of 2 March.");

        // Search finds Boris's reply by a word in it, and the hit leads to it.
        await page.GetByRole(AriaRole.Navigation, new() { Name = $"Organization {slug}" }).GetByRole(AriaRole.Link, new() { Name = "Search" }).ClickAsync();
        await page.GetByRole(AriaRole.Search).GetByLabel("Search the threads").FillAsync("cormorant");
        await page.GetByRole(AriaRole.Search).GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var hit = page.Locator(".hit");
        await Assertions.Expect(hit).ToHaveCountAsync(1);
        await Assertions.Expect(hit.Locator("mark")).ToHaveTextAsync("cormorant");
        await Assertions.Expect(hit).ToContainTextAsync(boris.Handle);
        await hit.GetByRole(AriaRole.Link, new() { Name = "Rent strike in block C" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"#{replyId}$"));

        annaSession.Errors.Should().BeEmpty();
        borisSession.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task The_live_preview_renders_as_you_type_and_warns_about_contact_details_without_blocking()
    {
        var (anna, slug) = await app.FoundAsync(ApiClient.NewHandle("anna"));
        using var _ = anna;
        await using var session = await browser.NewSessionAsync(app.BaseAddress);
        var page = session.Page;
        await page.SignInAsync(anna.Handle);
        await page.GotoAsync($"/o/{slug}/threads/new");

        await Assertions.Expect(page.Locator("[data-compose-preview]")).ToBeHiddenAsync();
        await page.GetByLabel("Title").FillAsync("Meeting point");
        await page.GetByLabel("Opening post").PressSequentiallyAsync("Meet at *the cafe*; call me on +44 20 7946 0958.");
        await page.GetByLabel("Source", new() { Exact = true }).FillAsync("Ask anna.k@example.org");

        var preview = page.Locator("[data-compose-preview]");
        await Assertions.Expect(preview.Locator("em")).ToHaveTextAsync("the cafe");
        var warnings = page.Locator("[data-compose-warnings]");
        await Assertions.Expect(warnings).ToBeVisibleAsync();
        await Assertions.Expect(warnings).ToContainTextAsync("“+44 20 7946 0958” looks like a phone number.");
        await Assertions.Expect(warnings).ToContainTextAsync("In “Source”: “anna.k@example.org” looks like an e-mail address.");
        await Assertions.Expect(warnings).ToContainTextAsync("permanent archive");

        // A warning, not a refusal: posting still works.
        await page.GetByRole(AriaRole.Button, new() { Name = "Start the thread" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Meeting point");
        session.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task Saving_over_a_newer_version_is_refused_and_shows_it_then_a_second_save_replaces_it()
    {
        var (anna, slug) = await app.FoundAsync(ApiClient.NewHandle("anna"));
        using var _ = anna;
        var (threadId, openingId) = await anna.StartThreadAsync(slug, new { title = "Budget 2027", markdown = "Draft one." });
        await using var session = await browser.NewSessionAsync(app.BaseAddress);
        var page = session.Page;
        await page.SignInAsync(anna.Handle);
        await page.GotoAsync($"/o/{slug}/c/{openingId}/edit");

        // Meanwhile, on another device, Anna saves a second draft.
        (await anna.Api.PutJsonAsync($"/api/orgs/{slug}/contributions/{openingId}", new { markdown = "Draft two, from my phone." })).EnsureSuccessStatusCode();

        await page.GetByLabel("Your text").FillAsync("Draft three, from the laptop.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        var conflict = page.Locator("section.conflict");
        await Assertions.Expect(conflict).ToContainTextAsync("This contribution changed while you were editing");
        await Assertions.Expect(conflict.Locator(".contribution__body")).ToHaveTextAsync("Draft two, from my phone.");
        await Assertions.Expect(page.GetByLabel("Your text")).ToHaveValueAsync("Draft three, from the laptop.");

        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/threads/{threadId}#c-{openingId}$"));
        await Assertions.Expect(page.Locator($"#c-{openingId} .contribution__body")).ToHaveTextAsync("Draft three, from the laptop.");
        // The refused save answered 409 with the form again, which Chromium notes; nothing else may have gone wrong.
        session.Errors.Should().ContainSingle().Which.Should().Contain("status of 409");
    }

    [GeneratedRegex("/threads/[0-9a-f-]{36}#c-[0-9a-f-]{36}$")]
    private static partial Regex ContributionAnchor();
}
