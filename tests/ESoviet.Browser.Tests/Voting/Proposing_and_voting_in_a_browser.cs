using System.Net;
using System.Text.RegularExpressions;
using ESoviet.Browser.Tests.Deliberation;
using Microsoft.Playwright;

namespace ESoviet.Browser.Tests.Voting;

/// <summary>
/// A proposal from a thread to a binding outcome, through the pages only: drafted, discussed, amended, put to the
/// vote once the discussion time has passed, voted on by three members in three browsers (one changing their mind),
/// counted at the deadline, and the organization's ledger recounted by the verifier. Set ESOVIET_SCREENSHOTS to a
/// folder to keep screenshots of each stage at desktop and phone width.
/// </summary>
public sealed partial class Proposing_and_voting_in_a_browser(VotingApp app, BrowserFixture browser)
    : IClassFixture<VotingApp>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_member_proposes_in_a_thread_three_members_vote_one_changes_and_the_deadline_adopts_it()
    {
        // Plain handles read well in the screenshots; this fixture's database is this class's alone.
        var (anna, slug) = await app.FoundAsync("anna", name: "Harbour Street Tenants");
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug, "boris");
        using var chen = await app.AdmitAsync(anna, slug, "chen");
        using var dana = await app.AdmitAsync(anna, slug, "dana");
        var (thread, _) = await anna.StartThreadAsync(slug, new
        {
            title = "Night-shift members have no hot meal",
            markdown = "Several of us come off the night shift at six with nowhere open. Should the union do something about it?",
        });
        var suggestion = await boris.ReplyAsync(slug, thread, new
        {
            markdown = "Open it on **weekdays only** at first: we do not yet have cooks for the weekend.",
        });

        // Neighbours, so the list shows every group: one to be voted on later, one withdrawn, one of Anna's drafts.
        var (upkeep, _) = await chen.StartThreadAsync(slug, new { title = "Upkeep of the union hall", markdown = "What needs doing in the hall this year?" });
        var rota = await boris.DraftAsync(slug, upkeep, "Keep a weekend rota for the hall kitchen");
        await boris.SubmitAsync(slug, rota);
        var sundays = await dana.DraftAsync(slug, upkeep, "Move general meetings to Sunday afternoons");
        await dana.SubmitAsync(slug, sundays);
        await dana.WithdrawAsync(slug, sundays);
        await anna.DraftAsync(slug, upkeep, "Seal roll-call votes until the close", "charter_change", SealedCharter);

        await using var annaBrowser = await browser.NewSessionAsync(app.BaseAddress, Screens.Desktop);
        await using var borisBrowser = await browser.NewSessionAsync(app.BaseAddress, Screens.Desktop);
        // Chen's browser runs no script at all: voting must not need it.
        await using var chenBrowser = await BrowserSession.OpenAsync(await browser.Browser.NewContextAsync(new()
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = Screens.Desktop,
            JavaScriptEnabled = false,
        }));
        var page = annaBrowser.Page;
        await page.SignInAsync("anna");

        // Anna proposes from the thread.
        await page.GotoAsync($"/o/{slug}/threads/{thread}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Propose a policy" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Propose");
        await Assertions.Expect(page.GetByRole(AriaRole.Radio, new() { Name = "Policy" })).ToBeCheckedAsync();
        await page.GetByLabel("Title").FillAsync("Open a canteen in the union hall");
        await page.GetByLabel("The problem, and why a solution is necessary").FillAsync(
            "Members on the night shift finish at 6:00 and nothing nearby is open. Twelve of them said at the last meeting that they go without a hot meal most days.");
        await page.GetByLabel("Proposed action").FillAsync(
            "Open a canteen in the union hall from 5:30 to 8:00, serving one hot meal at cost price.");
        await page.GetByLabel("Is it practicable?").FillAsync(
            "The hall has a working kitchen that is empty in the mornings. Ingredients for 30 meals cost about €75 a day, covered by what members pay.");
        await page.GetByLabel("Alternatives considered").FillAsync(
            "- Vouchers for the café next door: it opens only at 8:00.\n- Doing nothing: the problem stays.");
        await page.GetByLabel("Implementation plan").FillAsync(
            "1. Agree the hours with the hall committee.\n2. Recruit a rota of volunteer cooks.\n3. Open in the second week after adoption.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the draft" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Open a canteen in the union hall");
        await Assertions.Expect(page.Locator(".phase")).ToContainTextAsync("Only you can see it");
        var proposalUrl = new Uri(page.Url).AbsolutePath;
        proposalUrl.Should().MatchRegex($"^/o/{slug}/proposals/[0-9a-f-]{{36}}$");

        // Nobody else sees a draft.
        var other = borisBrowser.Page;
        await other.SignInAsync("boris");
        (await other.GotoAsync(proposalUrl))!.Status.Should().Be((int)HttpStatusCode.NotFound);

        // Put to discussion: voting cannot open before the charter's 48 hours.
        await page.GetByRole(AriaRole.Button, new() { Name = "Put to discussion" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("open for discussion");
        await Assertions.Expect(page.Locator(".phase__title")).ToContainTextAsync("In discussion until");
        await Assertions.Expect(page.Locator(".proposer__blocker")).ToContainTextAsync("Voting can open in 2 days");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Open voting" })).ToHaveCountAsync(0);
        await Screens.CheckPhoneAndSaveAsync(page, "voting-proposal-discussion");

        // Boris offers his reply from the thread as an amendment.
        await other.GotoAsync(proposalUrl);
        await other.GetByLabel("Your contribution in the thread").SelectOptionAsync(suggestion.ToString());
        await other.GetByRole(AriaRole.Button, new() { Name = "Offer as amendment" }).ClickAsync();
        await Assertions.Expect(other.GetByRole(AriaRole.Status)).ToContainTextAsync("offered as an amendment");
        await Assertions.Expect(other.Locator(".amendment")).ToContainTextAsync("Waiting for an answer");

        // Anna must answer it before voting can open; she accepts and revises the text.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator(".amendment")).ToContainTextAsync("weekdays only");
        await page.GetByRole(AriaRole.Button, new() { Name = "Accept boris’s amendment" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Revise the proposal");
        await page.GetByLabel("Proposed action").FillAsync(
            "Open a canteen in the union hall on weekdays from 5:30 to 8:00, serving one hot meal at cost price.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save revision 2" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Revision 2 is saved");
        await Assertions.Expect(page.Locator(".amendment")).ToContainTextAsync("Accepted");

        await page.GetByRole(AriaRole.Link, new() { NameRegex = RevisionLink() }).ClickAsync();
        await Assertions.Expect(page.Locator(".version").First.Locator("ins")).ToContainTextAsync("weekdays");
        await Screens.CheckPhoneAndSaveAsync(page, "voting-proposal-revisions");
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the proposal" }).ClickAsync();

        // Two days later the proposer opens the vote.
        app.Clock.Advance(TimeSpan.FromHours(48));
        await page.ReloadAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Open voting" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Voting is open");
        await Assertions.Expect(page.Locator(".phase__title")).ToHaveTextAsync("Voting closes in 3 days");
        await Assertions.Expect(page.Locator(".count")).ToContainTextAsync("0 of 4 electors have voted");
        await Assertions.Expect(page.Locator(".count")).ToContainTextAsync("2 more votes needed");

        // Three members vote in three browsers. Anna: For (her browser counts the reason's characters as she types).
        await page.Locator("#vote").GetByLabel("Reason").FillAsync("I will run the first month myself.");
        await Assertions.Expect(page.Locator("#f-reason-count")).ToHaveTextAsync("466 of 500 characters left");
        await VoteAsync(page, "For", "I will run the first month myself.");
        await Assertions.Expect(page.Locator("#vote").GetByRole(AriaRole.Status)).ToHaveTextAsync("Your vote is recorded: For.");

        // Boris: Against, then changes his mind.
        await other.GotoAsync(proposalUrl);
        await VoteAsync(other, "Against", "Too early: we have no cooks yet.");
        await Assertions.Expect(other.Locator(".vote-panel__current")).ToContainTextAsync("You voted Against");
        await VoteAsync(other, "For", "Weekdays only is realistic. Convinced.");
        await Assertions.Expect(other.Locator(".vote-panel__current")).ToContainTextAsync("You voted For");

        // Chen: Against, sending the same form twice (a double submit or a retry): it counts once.
        var third = chenBrowser.Page;
        await third.SignInAsync("chen");
        await third.GotoAsync(proposalUrl);
        var form = third.Locator("form[data-vote-form]");
        var resend = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await form.Locator("input[name=__RequestVerificationToken]").InputValueAsync(),
            ["Vote.Key"] = await form.Locator("input[name='Vote.Key']").InputValueAsync(),
            ["Vote.Choice"] = "against",
            ["Vote.Reason"] = "The hall roof leaks; fix that first.",
        };
        var action = await form.GetAttributeAsync("action");
        await VoteAsync(third, "Against", resend["Vote.Reason"]);
        var again = await third.Context.APIRequest.PostAsync(action!, new() { Form = FormOf(third, resend), MaxRedirects = 0 });
        again.Status.Should().Be((int)HttpStatusCode.Found, "the repeated form is answered like the first");

        // The roll call and the tally as a member sees them.
        await third.ReloadAsync();
        await Assertions.Expect(third.Locator("#vote").GetByRole(AriaRole.Status)).ToContainTextAsync("was recorded once");
        var rows = third.Locator(".roll-call__table tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        await Assertions.Expect(Row(third, "anna")).ToContainTextAsync("For");
        await Assertions.Expect(Row(third, "boris")).ToContainTextAsync("For");
        await Assertions.Expect(Row(third, "boris")).ToContainTextAsync("Weekdays only is realistic");
        await Assertions.Expect(Row(third, "boris")).ToContainTextAsync("changed once");
        await Assertions.Expect(Row(third, "chen (you)")).ToContainTextAsync("Against");
        await Assertions.Expect(Row(third, "chen (you)")).Not.ToContainTextAsync("changed");
        await Assertions.Expect(third.Locator(".roll-call .handles")).ToHaveTextAsync("dana");
        await Assertions.Expect(third.Locator(".roll-call__table caption")).ToContainTextAsync("3 votes of 4 electors");
        var count = third.Locator(".count");
        await Assertions.Expect(count).ToContainTextAsync("3 of 4 electors have voted");
        await Assertions.Expect(count).ToContainTextAsync("Quorum needs 2 — met");
        await Assertions.Expect(count.Locator(".tally__row--for")).ToContainTextAsync("2");
        await Assertions.Expect(count.Locator(".tally__row--against")).ToContainTextAsync("1");
        await Assertions.Expect(count.Locator(".tally__row--abstain")).ToContainTextAsync("0");
        await Assertions.Expect(count.Locator(".projection")).ToContainTextAsync("would be adopted");
        await Assertions.Expect(count).ToContainTextAsync("a simple majority: more For than Against");
        await other.ReloadAsync();
        await Assertions.Expect(other.Locator(".roll-call__table tbody tr")).ToHaveCountAsync(3);
        await Screens.CheckPhoneAndSaveAsync(other, "voting-proposal-voting");
        await ShootElementAsync(other, "#roll-call", "roll-call");

        // Dana never votes; at the deadline the closer counts (it polls every half second).
        app.Clock.Advance(TimeSpan.FromHours(72));
        await page.GotoAsync(proposalUrl);
        await ReloadUntilAsync(page, ".phase__title", "Adopted on");
        await Assertions.Expect(page.Locator(".phase")).ToContainTextAsync("binds every member");
        await Assertions.Expect(page.Locator(".count .projection--final")).ToContainTextAsync("Outcome: Adopted, 2 For, 1 Against, 0 Abstain");
        await Assertions.Expect(page.Locator(".roll-call__missing-title")).ToHaveTextAsync("Did not vote (1)");
        await Assertions.Expect(page.Locator("form[data-vote-form]")).ToHaveCountAsync(0);
        await Screens.CheckPhoneAndSaveAsync(page, "voting-proposal-adopted");

        // The list, with a proposal in every phase: Boris's rota goes to the vote, Chen's roof repair is new.
        await boris.OpenVotingAsync(slug, rota);
        var roof = await chen.DraftAsync(slug, upkeep, "Ask the landlord to repair the hall roof before winter");
        await chen.SubmitAsync(slug, roof);
        await page.GotoAsync($"/o/{slug}/proposals");
        await Assertions.Expect(page.Locator(".proposal-group--voting")).ToContainTextAsync("Keep a weekend rota for the hall kitchen");
        await Assertions.Expect(page.Locator(".proposal-group--voting")).ToContainTextAsync("Voting closes in 3 days");
        await Assertions.Expect(page.Locator(".proposal-group--discussion")).ToContainTextAsync("Voting may open in 2 days");
        await Assertions.Expect(page.Locator(".proposal-group--drafts")).ToContainTextAsync("Seal roll-call votes until the close");
        await Assertions.Expect(page.Locator(".proposal-group--closed .proposal-item")).ToContainTextAsync(["Adopted"]);
        await Assertions.Expect(page.Locator(".proposal-group--withdrawn")).ToContainTextAsync("Move general meetings to Sunday afternoons");
        await Screens.CheckPhoneAndSaveAsync(page, "voting-proposals");

        annaBrowser.Errors.Should().BeEmpty();
        chenBrowser.Errors.Should().BeEmpty();
        // Boris's browser asked for the draft before it was his to see: that one 404 is expected.
        borisBrowser.Errors.Should().ContainSingle().Which.Should().Contain("404");

        // Anyone can recount: the organization's ledger, downloaded with a member's session, verifies.
        await app.WaitForSealingAsync();
        var ledger = Path.Combine(Path.GetTempPath(), $"esoviet-ledger-{slug}.jsonl");
        try
        {
            using (var response = await anna.Api.GetAsync($"/api/orgs/{slug}/ledger"))
            {
                response.StatusCode.Should().Be(HttpStatusCode.OK);
                await File.WriteAllBytesAsync(ledger, await response.Content.ReadAsByteArrayAsync());
            }
            var (exit, output) = await VerifierCli.RunAsync("dotnet", [await VerifierCli.LocateAsync(), ledger]);
            exit.Should().Be(0, output);
            output.Should().Contain("-> adopted");
        }
        finally
        {
            File.Delete(ledger);
        }
    }

    private static readonly object SealedCharter = new
    {
        quorum = new { numerator = 1, denominator = 2 },
        supermajority = new { numerator = 2, denominator = 3 },
        minimumDiscussionHours = 48,
        votingPeriodHours = 72,
        vouchesRequired = 2,
        vouchesRequiredWhileSmall = 1,
        smallOrganizationSize = 5,
        commitmentDays = 7,
        habitualBreachCount = 3,
        breachWindowDays = 365,
        maxConcurrentImplementations = 3,
        rollCallReveal = "at_close",
    };

    private static async Task VoteAsync(IPage page, string choice, string reason)
    {
        var panel = page.Locator("#vote");
        await panel.GetByRole(AriaRole.Radio, new() { Name = choice, Exact = true }).CheckAsync();
        await panel.GetByLabel("Reason").FillAsync(reason);
        await panel.GetByRole(AriaRole.Button, new() { NameRegex = VoteButton() }).ClickAsync();
        await Assertions.Expect(panel.GetByRole(AriaRole.Status)).ToContainTextAsync($"recorded: {choice}");
    }

    private static ILocator Row(IPage page, string member) =>
        page.Locator(".roll-call__table tbody tr").Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = member, Exact = true }) });

    private static IFormData FormOf(IPage page, Dictionary<string, string> fields)
    {
        var form = page.Context.APIRequest.CreateFormData();
        foreach (var (name, value) in fields) form.Set(name, value);
        return form;
    }

    /// <summary>Reloads until <paramref name="selector"/> shows <paramref name="text"/>, as a person waiting for a count would.</summary>
    private static async Task ReloadUntilAsync(IPage page, string selector, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var shown = await page.Locator(selector).TextContentAsync() ?? "";
            if (shown.Contains(text, StringComparison.Ordinal)) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{selector} still reads “{shown.Trim()}”, not “{text}”.");
            await Task.Delay(300);
            await page.ReloadAsync();
        }
    }


    /// <summary>One part of the page with a margin of the page around it, at desktop and phone width.</summary>
    private static async Task ShootElementAsync(IPage page, string selector, string name)
    {
        if (Screens.Folder is not { } folder) return;
        foreach (var size in new[] { Screens.Desktop, Screens.Phone })
        {
            await page.SetViewportSizeAsync(size.Width, size.Height);
            var box = await page.Locator(selector).BoundingBoxAsync() ?? throw new InvalidOperationException($"{selector} is not shown.");
            var margin = size.Width > 600 ? 24 : 12;
            // The box is in viewport coordinates; a full-page clip is in page coordinates.
            var scrolled = await page.EvaluateAsync<float>("() => window.scrollY");
            await page.ScreenshotAsync(new()
            {
                Path = Path.Combine(folder, $"voting-{name}-{size.Width}.png"),
                FullPage = true,
                Clip = new() { X = Math.Max(0, box.X - margin), Y = Math.Max(0, box.Y + scrolled - margin), Width = Math.Min(size.Width, box.Width + 2 * margin), Height = box.Height + 2 * margin },
            });
        }
        await page.SetViewportSizeAsync(Screens.Desktop.Width, Screens.Desktop.Height);
    }

    [GeneratedRegex("^revision 2")]
    private static partial Regex RevisionLink();

    [GeneratedRegex("^(Cast|Change) my vote$")]
    private static partial Regex VoteButton();
}
