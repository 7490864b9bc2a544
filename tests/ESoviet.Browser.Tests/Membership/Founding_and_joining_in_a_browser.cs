using System.Text.RegularExpressions;
using ESoviet.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;

namespace ESoviet.Browser.Tests.Membership;

/// <summary>
/// Founding, inviting, joining and vouching through the pages, two people in two browser contexts. Set
/// ESOVIET_SCREENSHOTS to a folder to keep a screenshot of each page, at desktop and phone width.
/// </summary>
public sealed partial class Founding_and_joining_in_a_browser(Founding_and_joining_in_a_browser.OpenInstance app, BrowserFixture browser)
    : IClassFixture<Founding_and_joining_in_a_browser.OpenInstance>, IClassFixture<BrowserFixture>
{
    private const string Password = "a long enough password";

    [Fact]
    public async Task A_founder_invites_a_second_person_who_joins_is_vouched_in_and_sees_the_members()
    {
        var slug = "org-" + Guid.NewGuid().ToString("N")[..8];
        var founderHandle = ApiClient.NewHandle("founder");
        var joinerHandle = ApiClient.NewHandle("joiner");
        await using var founder = await browser.NewSessionAsync(app.BaseAddress);
        await using var joiner = await browser.NewSessionAsync(app.BaseAddress);
        var page = founder.Page;

        // The founder founds from the home page.
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { NameRegex = FoundLink() }).First.ClickAsync();
        await Screens.SaveAtWidthAsync(page, "membership-found");
        await page.GetByLabel("Name").FillAsync("Dockside Tenants");
        await page.GetByLabel("Web address").FillAsync(slug);
        await page.GetByLabel("Handle").FillAsync(founderHandle);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByLabel("Password again").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Found the organization" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Dockside Tenants is founded");
        (await page.Locator(".secret__codes li").CountAsync()).Should().Be(10);
        await Screens.SaveAtWidthAsync(page, "membership-founded");
        await page.GetByRole(AriaRole.Link, new() { NameRegex = GoToLink() }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/o/{slug}$"));
        await Screens.SaveAtWidthAsync(page, "membership-org-overview");

        // ... issues an invitation and copies the link.
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Dockside Tenants" }).GetByRole(AriaRole.Link, new() { Name = "Invitations" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create an invitation link" }).ClickAsync();
        var link = await page.GetByLabel("Invitation link", new() { Exact = true }).InputValueAsync();
        link.Should().StartWith(app.BaseAddress.ToString().TrimEnd('/') + "/join/");
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy link" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Last).ToContainTextAsync("copied");
        await Screens.SaveAtWidthAsync(page, "membership-invitation-issued");

        // The second person opens it in another browser, makes an account and becomes a candidate.
        var other = joiner.Page;
        await other.GotoAsync(link);
        await Assertions.Expect(other.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Join Dockside Tenants");
        await Screens.SaveAtWidthAsync(other, "membership-join");
        await other.GetByLabel("Handle").FillAsync(joinerHandle);
        await other.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await other.GetByLabel("Password again").FillAsync(Password);
        await other.GetByRole(AriaRole.Button, new() { Name = "Join Dockside Tenants" }).ClickAsync();
        await Assertions.Expect(other.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Welcome to Dockside Tenants");
        await other.GetByRole(AriaRole.Link, new() { NameRegex = GoToLink() }).ClickAsync();
        await Assertions.Expect(other.GetByRole(AriaRole.Heading, new() { Name = "You are a candidate" })).ToBeVisibleAsync();
        await Screens.SaveAtWidthAsync(other, "membership-candidate-overview");

        // The founder sees the candidate and vouches: with fewer than five members, one vouch admits.
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Dockside Tenants" }).GetByRole(AriaRole.Link, new() { Name = "Members" }).ClickAsync();
        await Screens.SaveAtWidthAsync(page, "membership-members-with-candidate");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Vouch for {joinerHandle}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"You vouched for {joinerHandle}, who is now a member.");

        // The newcomer is now a member and sees the member list with who vouched for them.
        await other.GetByRole(AriaRole.Navigation, new() { Name = "Dockside Tenants" }).GetByRole(AriaRole.Link, new() { Name = "Members" }).ClickAsync();
        var members = other.GetByRole(AriaRole.Region, new() { Name = "Members" }).Locator(".person");
        await Assertions.Expect(members).ToHaveCountAsync(2);
        await Assertions.Expect(members.Filter(new() { Has = other.Locator(".person__name").GetByText($"{joinerHandle} (you)") }))
            .ToContainTextAsync($"vouched for by {founderHandle}");
        await Assertions.Expect(members.Filter(new() { Has = other.Locator(".person__name").GetByText(founderHandle, new() { Exact = true }) }))
            .ToContainTextAsync("Founded the organization");
        await Assertions.Expect(other.GetByRole(AriaRole.Link, new() { Name = "Invitations" })).ToBeVisibleAsync();
        await Screens.SaveAtWidthAsync(other, "membership-members");

        founder.Errors.Should().BeEmpty();
        joiner.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task Every_membership_page_fits_a_phone_and_reads_without_console_errors()
    {
        var slug = "org-" + Guid.NewGuid().ToString("N")[..8];
        await using var session = await browser.NewSessionAsync(app.BaseAddress, Screens.Phone);
        var page = session.Page;

        await page.GotoAsync("/found");
        await FitsAsync(page, "found");
        await page.GetByLabel("Name").FillAsync("The Long-Named Federation of Harbour, Dock and Warehouse Workers");
        await page.GetByLabel("Web address").FillAsync(slug);
        await page.GetByLabel("Handle").FillAsync(ApiClient.NewHandle("founder-with-long-name"));
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByLabel("Password again").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Found the organization" }).ClickAsync();
        await FitsAsync(page, "founded");

        foreach (var path in new[] { "", "/members", "/invitations", "/charter", "/leave" })
        {
            await page.GotoAsync($"/o/{slug}{path}");
            await FitsAsync(page, "org" + path.Replace('/', '-'));
        }
        await page.GotoAsync($"/o/{slug}/invitations");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create an invitation link" }).ClickAsync();
        await FitsAsync(page, "invitation-issued");
        await page.GotoAsync("/");
        await FitsAsync(page, "home-signed-in");
        session.Errors.Should().BeEmpty();

        await page.GotoAsync("/join/not-a-real-token");
        await FitsAsync(page, "join-invalid");
        // Chromium reports the 404 of the page itself as a console error; nothing else may fail.
        session.Errors.Should().ContainSingle().Which.Should().Contain("404").And.Contain("/join/not-a-real-token");
    }

    [Fact]
    public async Task Field_errors_appear_beside_their_fields_and_keep_what_was_typed()
    {
        await using var session = await browser.NewSessionAsync(app.BaseAddress);
        var page = session.Page;

        await page.GotoAsync("/found");
        await page.GetByLabel("Name").FillAsync("Good name");
        await page.GetByLabel("Web address").FillAsync("Bad Address!");
        await page.GetByLabel("Handle").FillAsync(ApiClient.NewHandle("founder"));
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("short");
        await page.GetByLabel("Password again").FillAsync("short");
        await page.GetByRole(AriaRole.Button, new() { Name = "Found the organization" }).ClickAsync();

        await Assertions.Expect(page.Locator("[data-valmsg-for='Input.Slug']")).ToContainTextAsync("The web address is");
        await Assertions.Expect(page.Locator("[data-valmsg-for='Input.Password']")).ToContainTextAsync("at least 12 characters");
        (await page.GetByLabel("Name").InputValueAsync()).Should().Be("Good name");
        await Screens.SaveAtWidthAsync(page, "membership-found-errors");
        session.Errors.Should().BeEmpty();
    }

    private static async Task FitsAsync(IPage page, string name)
    {
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        overflow.Should().Be(0, $"{name} ({page.Url}) must not scroll sideways on a phone");
        await Screens.SaveAtWidthAsync(page, "membership-" + name);
    }


    [GeneratedRegex("found", RegexOptions.IgnoreCase)]
    private static partial Regex FoundLink();

    [GeneratedRegex("^I have kept my codes")]
    private static partial Regex GoToLink();

    /// <summary>Founding stays open after the first organization, so every test founds its own.</summary>
    public sealed class OpenInstance : AppFixture
    {
        protected override string DatabasePrefix => "membership_browser";

        protected override void ConfigureWebHost(IWebHostBuilder builder) =>
            builder.UseSetting("ESoviet:AllowFoundingAfterFirst", "true");
    }
}
