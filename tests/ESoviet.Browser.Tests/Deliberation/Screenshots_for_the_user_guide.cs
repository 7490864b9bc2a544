using ESoviet.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ESoviet.Browser.Tests.Deliberation;

/// <summary>A fresh organization of its own, with a clock the screenshots can spread over a few days.</summary>
public sealed class GuideApp : AppFixture
{
    public TestClock Clock { get; } = new();

    protected override string DatabasePrefix => "browser_guide";

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.UseSetting("ESoviet:AllowFoundingAfterFirst", "true");
}

/// <summary>
/// The deliberation screenshots of the user guide (docs/screenshots), at desktop and phone width, over a small
/// believable organization. Runs only when ESOVIET_SCREENSHOTS names a folder to write them to; otherwise it passes
/// without doing anything.
/// </summary>
public sealed class Screenshots_for_the_user_guide(GuideApp app, BrowserFixture browser)
    : IClassFixture<GuideApp>, IClassFixture<BrowserFixture>
{
    private static readonly int[] Widths = [1280, 375];

    [Fact]
    public async Task Takes_the_thread_list_a_thread_the_compose_form_a_history_and_search()
    {
        var folder = Environment.GetEnvironmentVariable("ESOVIET_SCREENSHOTS");
        if (string.IsNullOrEmpty(folder)) return;
        Directory.CreateDirectory(folder);

        var (slug, rentThread, opening, reply) = await SeedAsync();

        foreach (var width in Widths)
        {
            await using var session = await browser.NewSessionAsync(app.BaseAddress, new ViewportSize { Width = width, Height = width > 600 ? 900 : 812 });
            var page = session.Page;
            await page.SignInAsync("anna");

            await page.GotoAsync($"/o/{slug}/threads");
            await ShootAsync(page, folder, "threads");

            await page.GotoAsync($"/o/{slug}/threads/{rentThread}");
            await ShootAsync(page, folder, "thread");

            await page.GotoAsync($"/o/{slug}/threads/new");
            await page.GetByLabel("Title").FillAsync("Meeting point for Saturday’s leafleting");
            await page.GetByLabel("Tags").FillAsync("action");
            await page.GetByLabel("Why", new() { Exact = true }).FillAsync("We hand out the rent-strike leaflets at the depot gates on Saturday.");
            await page.GetByLabel("To whom", new() { Exact = true }).FillAsync("Everyone who signed up at the general meeting.");
            await page.GetByLabel("Opening post").FillAsync(
                "Meet at the **north gate** at 9:00. If you are late, call me on 07700 900123 or write to dara.k@example.org.\n\nBring:\n\n- the leaflets from the office\n- a warm coat");
            await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
            await Assertions.Expect(page.Locator("[data-compose-warnings]")).ToBeVisibleAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await ShootAsync(page, folder, "compose");

            await page.GotoAsync($"/o/{slug}/c/{opening}/history");
            await ShootAsync(page, folder, "history");

            await page.GotoAsync($"/o/{slug}/search?q=escrow");
            await ShootAsync(page, folder, "search");

            await page.GotoAsync($"/o/{slug}/threads/{rentThread}/reply?to={reply}");
            await ShootAsync(page, folder, "reply");

            await page.GotoAsync($"/o/{slug}/c/{opening}/retract");
            await ShootAsync(page, folder, "retract");

            await page.GotoAsync($"/o/{slug}/mentions");
            await ShootAsync(page, folder, "mentions");

            session.Errors.Where(e => !e.Contains("status of 400", StringComparison.Ordinal)).Should().BeEmpty();
        }
    }

    private static async Task ShootAsync(IPage page, string folder, string name)
    {
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        overflow.Should().Be(0, $"{name} must fit the width without sideways scrolling");
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(folder, $"{name}-{page.ViewportSize!.Width}.png"),
            FullPage = true,
        });
    }

    /// <summary>The Harbour Workers' Collective a few days into a rent dispute.</summary>
    private async Task<(string Slug, Guid RentThread, Guid Opening, Guid Reply)> SeedAsync()
    {
        const string slug = "harbour";
        var (anna, _) = await app.FoundAsync("anna", slug, "Harbour Workers’ Collective");
        var boris = await app.AdmitAsync(anna, slug, "boris");
        var chen = await app.AdmitAsync(anna, slug, "chen");
        var dara = await app.AdmitAsync(anna, slug, "dara");
        var emeka = await app.AdmitAsync(anna, slug, "emeka");
        void Later(double hours) => app.Clock.Advance(TimeSpan.FromHours(hours));

        var (minutes, minutesOpening) = await chen.StartThreadAsync(slug, new
        {
            title = "Minutes: general meeting, 14 November",
            tags = new[] { "minutes" },
            markdown = "Present: 11 members. Agreed to look into the rent rise in block C and to survey canteen prices. Next meeting in four weeks.",
        });
        Later(5);
        await anna.ReplyAsync(slug, minutes, new { parentId = minutesOpening, markdown = "Thanks, Chen. One correction: we were 12, Emeka came late." });
        Later(20);
        var (canteen, canteenOpening) = await emeka.StartThreadAsync(slug, new
        {
            title = "Canteen prices at the depot",
            tags = new[] { "canteen", "survey" },
            markdown = "The hot meal went from 4.20 to 5.10 in a year. I will put a short survey on the notice board; add questions here.",
        });
        Later(3);
        await dara.ReplyAsync(slug, canteen, new { parentId = canteenOpening, markdown = "Ask whether people would use a shared fridge instead." });
        Later(9);
        await boris.StartThreadAsync(slug, new
        {
            title = "Night shift safety: lighting in yard 3",
            tags = new[] { "safety", "action" },
            markdown = "Two of the four lamps in yard 3 have been out since October. Management says a contractor is coming.",
        });
        Later(14);

        var notice = await anna.UploadAsync(slug, Pictures.Notice(), "landlord-letter.png", "image/png");
        var structure = new
        {
            why = "Harbourside Estates announced a 20% rent rise for block C from 1 May.",
            toWhom = "Members living in block C, and everyone ready to support them.",
            source = "The landlord’s letter of 2 March (photo attached).",
            analysis = "Twelve of the fifteen flats are ours, so a strike would be felt.",
        };
        var (rent, opening) = await anna.StartThreadAsync(slug, new
        {
            title = "Rent rise in block C: do we withhold the increase?",
            tags = new[] { "housing", "action" },
            requiresStructure = true,
            markdown = "I propose we **withhold the increase**, not the whole rent, until the landlord negotiates.\n\nBefore we vote, three things to settle:\n\n1. which bank holds the money\n2. who speaks to the landlord\n3. what we do if someone gets an eviction notice",
            structure,
            attachments = new[] { notice },
        });
        Later(1.5);
        var b1 = await boris.ReplyAsync(slug, rent, new
        {
            parentId = opening,
            markdown = "Agreed on withholding only the increase: it keeps us on the right side of tenancy law. The credit union on Quay Street holds escrow accounts for community groups. I can ask what they need from us.",
        });
        Later(0.7);
        var a1 = await anna.ReplyAsync(slug, rent, new { parentId = b1, markdown = "Thank you @boris, please do. Could you also ask how long opening the account takes?" });
        Later(4);
        var b2 = await boris.ReplyAsync(slug, rent, new { parentId = a1, markdown = "They need minutes naming two signatories. Opening the escrow account takes about a week." });
        Later(1);
        await chen.ReplyAsync(slug, rent, new { parentId = b2, markdown = "Then we name the signatories in the decision itself, and the minutes follow from it." });
        Later(2);

        // Anna sharpens her proposal after the first replies: the history shows what changed.
        using (var edit = await anna.Api.PutJsonAsync($"/api/orgs/{slug}/contributions/{opening}", new
        {
            markdown = "I propose we **withhold the increase**, not the whole rent, and pay it into an escrow account at the Quay Street credit union until the landlord negotiates.\n\nBefore we vote, three things to settle:\n\n1. who signs for the account\n2. who speaks to the landlord\n3. what we do if someone gets an eviction notice",
            structure = structure with { analysis = "Twelve of the fifteen flats are ours, so a strike would be felt. Paying into escrow shows we are not refusing to pay." },
            attachments = new[] { notice },
        }))
        {
            edit.EnsureSuccessStatusCode();
        }

        // Anna reads the thread now; what follows is new to her.
        await using (var reading = await browser.NewSessionAsync(app.BaseAddress))
        {
            await reading.Page.SignInAsync("anna");
            await reading.Page.GotoAsync($"/o/{slug}/threads/{rent}");
            await reading.Page.GotoAsync($"/o/{slug}/threads/{minutes}");
        }
        Later(3);
        await dara.ReplyAsync(slug, rent, new
        {
            parentId = opening,
            markdown = "The union’s guide says a landlord cannot evict for withholding a disputed increase while the old rent is paid on time. I will bring it to the meeting.",
            structure = new { why = "The eviction risk in point 3.", source = "Tenants’ union legal guide, 2025 edition, chapter 4.", analysis = "Low risk, if everyone keeps paying the old rent on time." },
        });
        Later(1);
        var e1 = await emeka.ReplyAsync(slug, rent, new { markdown = "I can speak to the landlord’s office, but not alone. Who joins me? @anna, you know their manager." });
        Later(0.5);
        await chen.ReplyAsync(slug, rent, new { parentId = e1, markdown = "I will. Thursday after the early shift suits me." });

        foreach (var member in new[] { anna, boris, chen, dara, emeka }) member.Dispose();
        return (slug, rent, opening, b2);
    }
}
