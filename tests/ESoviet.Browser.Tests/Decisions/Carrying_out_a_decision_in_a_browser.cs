using System.Net;
using ESoviet.Browser.Tests.Deliberation;
using ESoviet.Browser.Tests.Voting;
using ESoviet.Testing;
using Microsoft.Playwright;

namespace ESoviet.Browser.Tests.Decisions;

/// <summary>
/// An adopted proposal becomes decision D-1 and is carried out through the pages: two members commit (one with a
/// dissent), a third refuses and is told plainly what the organization expects, the proposer plans two tasks, reports
/// progress, finishes the tasks and writes the self-criticism, and when the review time has passed the decision shows
/// done with its review. Set ESOVIET_SCREENSHOTS to a folder to keep screenshots.
/// </summary>
public sealed class Carrying_out_a_decision_in_a_browser(VotingApp app, BrowserFixture browser)
    : IClassFixture<VotingApp>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Members_commit_one_refuses_the_proposer_implements_and_the_reviewed_decision_shows_done()
    {
        var (anna, slug) = await app.FoundAsync("anna", name: "Harbour Street Tenants");
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug, "boris");
        using var chen = await app.AdmitAsync(anna, slug, "chen");
        using var dara = await app.AdmitAsync(anna, slug, "dara");
        var (thread, _) = await anna.StartThreadAsync(slug, new { title = "A canteen for the night shift", markdown = "Night-shift members have no hot meal." });
        var proposal = await anna.DraftAsync(slug, thread, "Open a canteen in the union hall");
        await anna.SubmitAsync(slug, proposal);
        app.Clock.Advance(TimeSpan.FromHours(48));
        await anna.OpenVotingAsync(slug, proposal);
        foreach (var (who, choice) in new[] { (anna, "for"), (boris, "for"), (chen, "against"), (dara, "for") })
        {
            using var vote = await who.Api.PutJsonAsync($"/api/orgs/{slug}/proposals/{proposal}/votes/mine", new { choice });
            vote.StatusCode.Should().Be(HttpStatusCode.OK);
        }
        await Conditions.WaitUntilAsync(async () => (await anna.Api.GetAsync($"/api/orgs/{slug}/decisions/1")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(20));

        // Boris finds the decision in the register and commits.
        await using var borisBrowser = await browser.NewSessionAsync(app.BaseAddress, Screens.Desktop);
        var page = borisBrowser.Page;
        await page.SignInAsync("boris");
        await page.GotoAsync($"/o/{slug}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Decisions", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".decision-item")).ToContainTextAsync("Awaiting commitments");
        await page.GetByRole(AriaRole.Link, new() { Name = "D-1 Open a canteen in the union hall" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Open a canteen in the union hall");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "The roll-call" })).ToHaveAttributeAsync("href", $"/o/{slug}/proposals/{proposal}#roll-call");
        await page.GetByRole(AriaRole.Button, new() { Name = "I will abide" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your commitment is recorded.");
        await Assertions.Expect(Row(page, "boris")).ToContainTextAsync("Will abide");

        // Chen voted against: he commits with a recorded dissent.
        await using var chenBrowser = await browser.NewSessionAsync(app.BaseAddress, Screens.Desktop);
        var chenPage = chenBrowser.Page;
        await chenPage.SignInAsync("chen");
        await chenPage.GotoAsync($"/o/{slug}/decisions/1");
        await chenPage.GetByLabel("Dissent (optional)").FillAsync("The strike fund should not pay for meals.");
        await chenPage.GetByRole(AriaRole.Button, new() { Name = "I will abide" }).ClickAsync();
        await Assertions.Expect(Row(chenPage, "chen")).ToContainTextAsync("Will abide, with a dissent");
        await Assertions.Expect(Row(chenPage, "chen")).ToContainTextAsync("The strike fund should not pay for meals.");

        // Dara refuses, and is told plainly what the organization expects.
        await using var daraBrowser = await browser.NewSessionAsync(app.BaseAddress, Screens.Desktop);
        var daraPage = daraBrowser.Page;
        await daraPage.SignInAsync("dara");
        await daraPage.GotoAsync($"/o/{slug}/decisions/1");
        await daraPage.GetByLabel("Why you refuse").FillAsync("I will not cook for the employer's shifts.");
        await daraPage.GetByRole(AriaRole.Button, new() { Name = "I refuse to abide" }).ClickAsync();
        await Assertions.Expect(daraPage.GetByRole(AriaRole.Alert)).ToContainTextAsync("expects a member who cannot abide by its decisions to leave");
        await Assertions.Expect(Row(daraPage, "dara")).ToContainTextAsync("Refused to abide");
        await Assertions.Expect(daraPage.GetByRole(AriaRole.Button, new() { Name = "I will abide" })).ToHaveCountAsync(0);

        // Anna, the proposer, implements: two tasks, a report, both tasks done, the self-criticism.
        await using var annaBrowser = await browser.NewSessionAsync(app.BaseAddress, Screens.Desktop);
        var annaPage = annaBrowser.Page;
        await annaPage.SignInAsync("anna");
        await annaPage.GotoAsync($"/o/{slug}/decisions/1");
        var due = DateTime.UtcNow.AddDays(20).ToString("yyyy-MM-dd");
        foreach (var title in new[] { "Book the hygiene course", "Draw up the cooks' rota" })
        {
            await annaPage.GetByLabel("Task", new() { Exact = true }).FillAsync(title);
            await annaPage.GetByLabel("Due on").FillAsync(due);
            await annaPage.GetByRole(AriaRole.Button, new() { Name = "Add the task" }).ClickAsync();
            await Assertions.Expect(annaPage.GetByRole(AriaRole.Status)).ToContainTextAsync("The task is planned.");
        }
        await Assertions.Expect(annaPage.Locator(".task")).ToHaveCountAsync(2);
        await annaPage.GetByLabel("Share done (%)").FillAsync("50");
        await annaPage.GetByLabel("What happened").FillAsync("The course is booked for Tuesday; six cooks have signed up.");
        await annaPage.GetByLabel("What is blocked (optional)").FillAsync("The hall keys for the night.");
        await annaPage.GetByRole(AriaRole.Button, new() { Name = "Post the report" }).ClickAsync();
        await Assertions.Expect(annaPage.Locator(".report")).ToContainTextAsync("50 % done");
        await Screens.CheckPhoneAndSaveAsync(annaPage, "decision-implementing");
        foreach (var title in new[] { "Book the hygiene course", "Draw up the cooks' rota" })
        {
            await annaPage.GetByLabel($"State of “{title}”").SelectOptionAsync("done");
            await annaPage.GetByRole(AriaRole.Button, new() { Name = $"Update “{title}”" }).ClickAsync();
            await Assertions.Expect(annaPage.GetByRole(AriaRole.Status)).ToContainTextAsync("The task is updated.");
        }
        await Assertions.Expect(annaPage.Locator(".task--done")).ToHaveCountAsync(2);
        await annaPage.GetByLabel("What worked").FillAsync("Volunteers came forward quickly once the rota was public.");
        await annaPage.GetByLabel("What did not work").FillAsync("I asked for the hall keys too late.");
        await annaPage.GetByLabel("What you would do differently").FillAsync("Settle access to the building before anything else.");
        await annaPage.GetByRole(AriaRole.Button, new() { Name = "Mark done and open the review" }).ClickAsync();
        await Assertions.Expect(annaPage.Locator(".decision-state").First).ToHaveTextAsync("In review");

        // The review's time passes: the decision is done, with its review attached.
        app.Clock.Advance(TimeSpan.FromHours(49));
        await Conditions.WaitUntilAsync(async () =>
            (await (await anna.Api.GetAsync($"/api/orgs/{slug}/decisions/1")).ReadJsonAsync()).GetProperty("phase").GetString() == "done",
            TimeSpan.FromSeconds(20));
        await page.GotoAsync($"/o/{slug}/decisions/1");
        await Assertions.Expect(page.Locator(".decision-state").First).ToHaveTextAsync("Done");
        await Assertions.Expect(page.Locator("#review")).ToContainTextAsync("I asked for the hall keys too late.");
        await Assertions.Expect(page.Locator("#review")).ToContainTextAsync("stays attached to the decision");
        await Screens.CheckPhoneAndSaveAsync(page, "decision-done");
        await page.GotoAsync($"/o/{slug}/decisions");
        await Assertions.Expect(page.Locator(".decision-item")).ToContainTextAsync("Done");
    }

    private static ILocator Row(IPage page, string member) => page.Locator("tr.commitment", new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = member }) });

}
