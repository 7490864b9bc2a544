using System.Net;
using ESoviet.Browser.Tests.Deliberation;
using ESoviet.Testing;
using Microsoft.Playwright;

namespace ESoviet.Browser.Tests.Voting;

/// <summary>
/// The proposal form's harder half: a charter change typed as fractions, refused field by field (both what does not
/// parse and what the charter itself forbids) with every message beside its field and nothing typed lost; and a
/// candidate, who may read everything, told in place why they can neither propose nor vote.
/// </summary>
public sealed class Proposing_a_charter_change_in_a_browser(VotingApp app, BrowserFixture browser)
    : IClassFixture<VotingApp>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Errors_stand_beside_their_fields_the_draft_shows_the_charter_side_by_side_and_a_candidate_cannot_propose_or_vote()
    {
        var founderHandle = ApiClient.NewHandle("founder");
        var (founder, slug) = await app.FoundAsync(founderHandle);
        using var _ = founder;
        var (thread, _) = await founder.StartThreadAsync(slug, new { title = "How we vote", markdown = "Should votes stay visible while a vote is open?" });
        var candidateHandle = ApiClient.NewHandle("candidate");
        using var candidate = await JoinAsync(founder, slug, candidateHandle);

        await using var session = await browser.NewSessionAsync(app.BaseAddress);
        var page = session.Page;
        await page.SignInAsync(founderHandle);
        await page.GotoAsync($"/o/{slug}/proposals/new");
        await page.GetByLabel("Thread").SelectOptionAsync(thread.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();

        // The charter's own fields appear only once "Charter change" is chosen.
        var quorum = page.GetByLabel("Quorum numerator");
        await Assertions.Expect(quorum).ToBeHiddenAsync();
        await page.GetByRole(AriaRole.Radio, new() { Name = "Charter change" }).CheckAsync();
        await Assertions.Expect(quorum).ToHaveValueAsync("1");
        await Assertions.Expect(page.GetByLabel("Quorum denominator")).ToHaveValueAsync("2");
        await Assertions.Expect(page.GetByLabel("Voting period")).ToHaveValueAsync("72");

        await page.GetByLabel("Title").FillAsync("Seal roll-call votes until the close");
        await page.GetByLabel("The problem, and why a solution is necessary").FillAsync("Early votes sway later ones: members wait to see how others vote.");
        await page.GetByLabel("Proposed action").FillAsync("Reveal each vote only when voting closes, and raise the quorum to two thirds.");
        await page.GetByLabel("Is it practicable?").FillAsync("ESoviet supports it: votes are sealed by hash and opened at the close.");
        await page.GetByLabel("Implementation plan").FillAsync("Takes effect for every vote opened after adoption.");
        await quorum.FillAsync("two");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the draft" }).ClickAsync();

        await Assertions.Expect(page.Locator("#f-newCharter-quorum-error")).ToHaveTextAsync("Enter a whole number, such as 2.");
        await Assertions.Expect(page.Locator("#f-alternatives-error")).ToContainTextAsync("alternatives");
        await Assertions.Expect(page.GetByLabel("Alternatives considered")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator(".error-summary")).ToContainTextAsync("Enter a whole number");
        await Assertions.Expect(page.GetByLabel("Title")).ToHaveValueAsync("Seal roll-call votes until the close");
        await Assertions.Expect(page.GetByRole(AriaRole.Radio, new() { Name = "Charter change" })).ToBeCheckedAsync();

        // What parses but the charter forbids is refused beside its field too.
        await page.GetByLabel("Alternatives considered").FillAsync("Hiding only the running tally; it still shows who voted how.");
        await quorum.FillAsync("2");
        await page.GetByLabel("Quorum denominator").FillAsync("3");
        await page.GetByLabel("Voting period").FillAsync("0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the draft" }).ClickAsync();
        await Assertions.Expect(page.Locator("#f-newCharter-votingPeriodHours-error")).ToContainTextAsync("1 to 720 hours");
        await Assertions.Expect(page.Locator("#f-newCharter-quorum-error")).ToHaveCountAsync(0);
        await ShootAsync(page, "new-errors");

        await page.GetByLabel("Voting period").FillAsync("72");
        await page.GetByLabel("At close: votes are sealed until voting closes").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the draft" }).ClickAsync();

        var table = page.GetByRole(AriaRole.Table, new() { Name = "The charter it proposes, rule by rule (2 changed)" });
        await Assertions.Expect(table).ToBeVisibleAsync();
        await Assertions.Expect(table.GetByRole(AriaRole.Row, new() { Name = "Quorum" })).ToContainTextAsync("two thirds (2/3)");
        await Assertions.Expect(table.GetByRole(AriaRole.Row, new() { Name = "Roll call shown" })).ToContainTextAsync("when the vote closes");
        await page.GetByRole(AriaRole.Button, new() { Name = "Put to discussion" }).ClickAsync();
        await Assertions.Expect(page.Locator(".phase__title")).ToContainTextAsync("In discussion until");
        await ShootAsync(page, "charter-change");
        var proposalUrl = new Uri(page.Url).AbsolutePath;

        // The candidate reads it all, but is told why they cannot propose, and later why they cannot vote.
        await using var candidateSession = await browser.NewSessionAsync(app.BaseAddress);
        var other = candidateSession.Page;
        await other.SignInAsync(candidateHandle);
        await other.GotoAsync($"/o/{slug}/proposals");
        await Assertions.Expect(other.GetByRole(AriaRole.Link, new() { Name = "Propose" })).ToHaveCountAsync(0);
        await other.GotoAsync($"/o/{slug}/proposals/new?thread={thread}");
        await Assertions.Expect(other.GetByRole(AriaRole.Heading, new() { Name = "Only members propose" })).ToBeVisibleAsync();

        app.Clock.Advance(TimeSpan.FromHours(48));
        await page.ReloadAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Open voting" }).ClickAsync();
        await Assertions.Expect(page.Locator(".phase__title")).ToContainTextAsync("Voting closes in");
        await other.GotoAsync(proposalUrl);
        await Assertions.Expect(other.Locator("#vote")).ToContainTextAsync("Candidates do not vote.");
        await Assertions.Expect(other.Locator("form[data-vote-form]")).ToHaveCountAsync(0);
        await Assertions.Expect(other.Locator(".count")).ToContainTextAsync("a supermajority: at least two thirds (2/3)");

        // A draft the founder thinks better of is discarded after one more question.
        var second = await founder.DraftAsync(slug, thread, "Let candidates vote");
        await page.GotoAsync($"/o/{slug}/proposals/{second}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Discard the draft" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Discard the draft?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Discard the draft" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The draft is discarded.");
        await Assertions.Expect(page.Locator(".phase__title")).ToHaveTextAsync("Withdrawn");
        // ... and stays as private as it was while a draft.
        (await other.GotoAsync($"/o/{slug}/proposals/{second}"))!.Status.Should().Be((int)HttpStatusCode.NotFound);
        await other.GotoAsync($"/o/{slug}/proposals");
        await Assertions.Expect(other.Locator(".proposal-list")).Not.ToContainTextAsync("Let candidates vote");

        session.Errors.Should().BeEmpty();
        candidateSession.Errors.Should().ContainSingle().Which.Should().Contain("404", "only the discarded draft was refused");
    }

    /// <summary>Accepts an invitation and stays a candidate: nobody vouches.</summary>
    private async Task<Member> JoinAsync(Member inviter, string slug, string handle)
    {
        using var issued = await inviter.Api.PostAsync($"/api/orgs/{slug}/invitations");
        issued.StatusCode.Should().Be(HttpStatusCode.Created);
        var token = (await issued.ReadJsonAsync()).GetProperty("token").GetString();
        var client = app.CreateClient();
        using var accepted = await client.PostJsonAsync("/api/invitations/accept", new { token, handle, password = ApiClient.DefaultPassword });
        accepted.StatusCode.Should().Be(HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());
        await client.UseCsrfTokenAsync();
        return new Member(handle, client);
    }

    private static async Task ShootAsync(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("ESOVIET_SCREENSHOTS");
        if (string.IsNullOrEmpty(folder)) return;
        Directory.CreateDirectory(folder);
        foreach (var width in new[] { 1280, 375 })
        {
            await page.SetViewportSizeAsync(width, width > 600 ? 900 : 812);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"voting-{name}-{width}.png"), FullPage = true });
        }
        await page.SetViewportSizeAsync(1280, 800);
    }
}
