using ESoviet.Testing;
using ESoviet.Web.Deliberation.Text;
using Microsoft.Playwright;

namespace ESoviet.Browser.Tests.Deliberation;

/// <summary>
/// Every payload of <see cref="HostileMarkdown.Payloads"/>, posted through the API as contributions (and a few as
/// titles, tags, structured fields and file names), then read in Chromium with a tripwire installed before any page
/// script: nothing may call it, open a dialog, or leave an active element or dangerous URL in a contribution.
/// </summary>
public sealed class Reading_hostile_contributions(DeliberationApp app, BrowserFixture browser)
    : IClassFixture<DeliberationApp>, IClassFixture<BrowserFixture>
{
    // Installed in every frame before the page's own scripts; alert, confirm and prompt report instead of blocking.
    private const string Tripwire = """
        window.__xssHits = [];
        window.__xss = (id) => { window.__xssHits.push(String(id)); };
        window.alert = (m) => window.__xss('alert:' + m);
        window.confirm = (m) => { window.__xss('confirm:' + m); return false; };
        window.prompt = (m) => { window.__xss('prompt:' + m); return null; };
        """;

    // Elements that must never come out of a contribution, attributes that run code, and URLs that do.
    private const string FindDanger = """
        () => {
          const banned = new Set(['script', 'iframe', 'object', 'embed', 'svg', 'math', 'form', 'style', 'base', 'meta',
                                  'link', 'frame', 'frameset', 'video', 'audio', 'source', 'noscript', 'template']);
          const urlAttributes = new Set(['href', 'src', 'action', 'formaction', 'data', 'poster', 'background', 'xlink:href', 'srcset']);
          const dangerous = (value) => /^(javascript|data|vbscript|file):/i.test(value.replace(/[\u0000-\u0020\u007f-\u009f\u200b-\u200d\ufeff]/g, ''));
          const found = [];
          const bodies = [...document.querySelectorAll('.contribution__body, .structure, .thread__head, .attachments')];
          for (const body of bodies) {
            for (const el of body.querySelectorAll('*')) {
              const tag = el.tagName.toLowerCase();
              const where = (el.closest('article') || body).id || body.className;
              if (banned.has(tag)) found.push(`${where}: <${tag}>`);
              for (const attr of el.attributes) {
                const name = attr.name.toLowerCase();
                if (name.startsWith('on')) found.push(`${where}: <${tag} ${name}>`);
                if (name === 'style' || name === 'srcdoc') found.push(`${where}: <${tag} ${name}>`);
                if (urlAttributes.has(name) && dangerous(attr.value)) found.push(`${where}: <${tag} ${name}="${attr.value}">`);
              }
              if ((tag === 'a' || tag === 'area') && el.href && dangerous(el.protocol)) found.push(`${where}: <a> resolving to ${el.protocol}`);
            }
          }
          return found;
        }
        """;

    [Fact]
    public async Task No_payload_runs_opens_a_dialog_or_leaves_an_active_element_in_the_page()
    {
        var (anna, slug) = await app.FoundAsync(ApiClient.NewHandle("anna"));
        using var _ = anna;
        var payloads = HostileMarkdown.Payloads;

        // A few threads of about twenty payloads each: the opening post is one, the rest replies nested under it.
        var threads = new List<Guid>();
        var perThread = 20;
        for (var start = 0; start < payloads.Count; start += perThread)
        {
            var title = $"Hostile {start + 1}–{Math.Min(start + perThread, payloads.Count)} {payloads[start]}";
            var file = await anna.UploadAsync(slug, Pictures.Png(4, 4, (_, _) => (200, 40, 40)),
                $"<img src=x onerror=window.__xss('file{start}')>.png", "image/png");
            var (threadId, openingId) = await anna.StartThreadAsync(slug, new
            {
                title = title.Length > 200 ? title[..200] : title,
                tags = new[] { "hostile" },
                markdown = payloads[start],
                structure = new { why = payloads[start], toWhom = "<script>window.__xss('towhom')</script>", source = payloads[^1], analysis = "<img src=x onerror=\"window.__xss('analysis')\">" },
                attachments = new[] { file },
            });
            threads.Add(threadId);
            var parent = openingId;
            for (var i = start + 1; i < Math.Min(start + perThread, payloads.Count); i++)
            {
                // Alternate between nesting deeper and answering the opening, so deep and flattened replies are both covered.
                var id = await anna.ReplyAsync(slug, threadId, new { parentId = i % 3 == 0 ? openingId : parent, markdown = payloads[i] });
                parent = id;
            }
        }

        await using var session = await browser.NewSessionAsync(app.BaseAddress);
        var page = session.Page;
        await session.Context.AddInitScriptAsync(Tripwire);
        var dialogs = new List<string>();
        page.Dialog += async (_, dialog) =>
        {
            lock (dialogs) dialogs.Add($"{dialog.Type}: {dialog.Message}");
            await dialog.DismissAsync();
        };
        await page.SignInAsync(anna.Handle);

        var rendered = 0;
        foreach (var threadId in threads)
        {
            await page.GotoAsync($"/o/{slug}/threads/{threadId}", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
            // Give anything deferred (animations, image errors, toggles, autofocus) a moment to fire.
            await page.WaitForTimeoutAsync(300);

            (await page.EvaluateAsync<string[]>("() => window.__xssHits")).Should().BeEmpty($"no payload may run in thread {threadId}");
            (await page.EvaluateAsync<string[]>(FindDanger)).Should().BeEmpty();
            rendered += await page.Locator(".contribution__body").CountAsync();
        }
        rendered.Should().Be(payloads.Count, "every payload is shown, as text or harmless markup");

        // Also where the titles and the hostile tag are listed, and where search quotes the text.
        await page.GotoAsync($"/o/{slug}/threads?tag=hostile", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        await page.GotoAsync($"/o/{slug}/search?q=script", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        (await page.Locator(".hit").CountAsync()).Should().BeGreaterThan(0);
        await page.WaitForTimeoutAsync(300);
        (await page.EvaluateAsync<string[]>("() => window.__xssHits")).Should().BeEmpty();

        lock (dialogs) dialogs.Should().BeEmpty();
        // Code spans and blocks keep the script as visible text: encoded, not dropped.
        await page.GotoAsync($"/o/{slug}/threads/{threads[2]}");
        await Assertions.Expect(page.Locator(".contribution__body code", new() { HasText = "<script>window.__xss('h46')</script>" })).ToHaveCountAsync(1);
        // The only console errors allowed are images from elsewhere, which the Content-Security-Policy refuses to load:
        // no inline script or style was even attempted.
        session.Errors.Where(e => !(e.Contains("Loading the image 'https://example.org/", StringComparison.Ordinal)
                                    && e.Contains("Content Security Policy directive: \"img-src", StringComparison.Ordinal)))
            .Should().BeEmpty();
    }
}
