using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using ESoviet.Testing;
using ESoviet.Web.Membership;
using ESoviet.Web.Tests.Membership;
using Microsoft.AspNetCore.Hosting;

namespace ESoviet.Web.Tests.Security;

/// <summary>The production shape of the per-member write limits, made small enough to reach in a test.</summary>
public sealed class FloodFixture : HostileFixture
{
    public const int Posts = 6;
    public const int Votes = 8;
    public const int Invitations = 3;

    protected override string DatabasePrefix => "flood";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ESoviet:RateLimits:PostsPerWindow", Posts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("ESoviet:RateLimits:VotesPerWindow", Votes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("ESoviet:RateLimits:InvitationsPerWindow", Invitations.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("ESoviet:RateLimits:Window", "00:10:00");
        builder.UseSetting("ESoviet:RateLimits:InvitationWindow", "00:10:00");
    }
}

/// <summary>
/// One member writing as fast as a script can: past their allowance they get 429 with Retry-After and nothing is
/// written, while other members go on as before. The sign-in limit per client address is proven by
/// <c>Accounts.Sign_in_rate_limit</c>.
/// </summary>
public sealed class Flooding(FloodFixture app) : IClassFixture<FloodFixture>
{
    /// <summary>The bound docs/security.md states: another member's vote during a flood, median of five.</summary>
    public static readonly TimeSpan MedianVoteBound = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Posting_past_a_members_allowance_answers_429_with_retry_after_and_writes_nothing_while_others_still_post()
    {
        using var target = await Target.CreateAsync(app);
        using var flooder = await target.SeedAsync(MemberStatus.Candidate, "flooder");
        using var other = await target.SeedAsync(MemberStatus.Candidate, "other");
        for (var i = 0; i < FloodFixture.Posts; i++)
            await (await flooder.Client.PostJsonAsync($"/api/orgs/{target.Slug}/threads", new { title = $"Spam {i}", markdown = "Buy now" })).ExpectAsync(HttpStatusCode.Created);
        var before = await target.EventCountAsync();

        using var thread = await flooder.Client.PostJsonAsync($"/api/orgs/{target.Slug}/threads", new { title = "Spam", markdown = "Buy now" });
        using var upload = await flooder.Client.PostAsync($"/api/orgs/{target.Slug}/attachments", ApiSurface.TextFile("spam.txt", "Buy now"));

        await ShouldBeLimitedAsync(thread);
        await ShouldBeLimitedAsync(upload);
        (await target.EventCountAsync()).Should().Be(before);
        (await other.Client.PostJsonAsync($"/api/orgs/{target.Slug}/threads", new { title = "Real", markdown = "A real question" }))
            .StatusCode.Should().Be(HttpStatusCode.Created, "the allowance is per member");
    }

    [Fact]
    public async Task The_allowance_is_the_members_whether_they_write_with_a_token_or_the_browser()
    {
        using var target = await Target.CreateAsync(app);
        using var flooder = await target.SeedAsync(MemberStatus.Candidate, "flooder");
        using var browser = await app.BrowserAsync(flooder);
        for (var i = 0; i < FloodFixture.Posts; i++)
        {
            var client = i % 2 == 0 ? flooder.Client : browser;
            await (await client.PostJsonAsync($"/api/orgs/{target.Slug}/threads", new { title = $"Spam {i}", markdown = "Buy now" })).ExpectAsync(HttpStatusCode.Created);
        }

        await ShouldBeLimitedAsync(await browser.PostJsonAsync($"/api/orgs/{target.Slug}/threads", new { title = "Spam", markdown = "Buy now" }));
        await ShouldBeLimitedAsync(await flooder.Client.PostJsonAsync($"/api/orgs/{target.Slug}/threads", new { title = "Spam", markdown = "Buy now" }));
    }

    [Fact]
    public async Task Issuing_invitations_past_the_allowance_answers_429_and_issues_none()
    {
        using var target = await Target.CreateAsync(app);
        using var member = await target.SeedAsync(MemberStatus.Member, "inviter");
        for (var i = 0; i < FloodFixture.Invitations; i++)
            await (await member.Client.PostAsync($"/api/orgs/{target.Slug}/invitations")).ExpectAsync(HttpStatusCode.Created);
        var before = await target.EventCountAsync();

        await ShouldBeLimitedAsync(await member.Client.PostAsync($"/api/orgs/{target.Slug}/invitations"));

        (await target.EventCountAsync()).Should().Be(before);
        (await target.Member.Client.PostAsync($"/api/orgs/{target.Slug}/invitations")).StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_flood_of_votes_from_one_member_is_refused_past_the_allowance_and_does_not_hold_up_another_members_vote()
    {
        using var target = await Target.CreateAsync(app);
        using var flooder = await target.SeedAsync(MemberStatus.Member, "flooder");
        using var voter = await target.SeedAsync(MemberStatus.Member, "voter");
        var proposal = await target.ProposalAsync(ProposalStage.Voting);
        var url = $"/api/orgs/{target.Slug}/proposals/{proposal}/votes/mine";

        // 200 votes at once from one member, while another member votes five times, one after the other.
        var flood = Task.WhenAll(Enumerable.Range(0, 200).Select(i => flooder.Client.PutAsJsonAsync(url, new { choice = i % 2 == 0 ? "for" : "against" })));
        var latencies = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            using var vote = await voter.Client.PutAsJsonAsync(url, new { choice = i % 2 == 0 ? "for" : "abstain" });
            latencies.Add(watch.Elapsed);
            vote.StatusCode.Should().Be(HttpStatusCode.OK, await vote.Content.ReadAsStringAsync());
        }
        var floodResponses = await flood;

        floodResponses.Count(r => r.StatusCode == HttpStatusCode.OK).Should().Be(FloodFixture.Votes);
        floodResponses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests).Should().Be(200 - FloodFixture.Votes);
        await ShouldBeLimitedAsync(floodResponses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        (await app.ScalarAsync<long>("SELECT count(*) FROM es.events WHERE type = 'vote_cast' AND actor = $1", flooder.Handle)).Should().Be(FloodFixture.Votes);
        var median = latencies.Order().ElementAt(latencies.Count / 2);
        Console.WriteLine($"Another member's votes during a 200-request flood: {string.Join(", ", latencies.Select(l => $"{l.TotalMilliseconds:F0} ms"))}");
        median.Should().BeLessThan(MedianVoteBound);
        foreach (var response in floodResponses) response.Dispose();
    }

    private static async Task ShouldBeLimitedAsync(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.TooManyRequests, await response.Content.ReadAsStringAsync());
        response.Headers.RetryAfter!.Delta!.Value.TotalSeconds.Should().BeInRange(1, 600);
        var problem = await response.ReadProblemAsync();
        problem.Status.Should().Be(429);
        problem.Detail.Should().Contain("your account");
    }
}
