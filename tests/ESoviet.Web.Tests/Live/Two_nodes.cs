using System.Diagnostics;
using System.Net;
using ESoviet.Testing;
using ESoviet.Web.Tests.Membership;
using ESoviet.Web.Tests.Voting;
using Xunit.Abstractions;

namespace ESoviet.Web.Tests.Live;

/// <summary>
/// Two app nodes over one database, as behind a load balancer: the test's host and a second app process. Each runs its
/// own feed and pushes to its own clients, so an event committed through one reaches browsers connected to the other,
/// with PostgreSQL's NOTIFY as the only go-between.
/// </summary>
public sealed class Two_nodes(LiveApp app, ITestOutputHelper output) : IClassFixture<LiveApp>
{
    [Fact]
    public async Task A_vote_cast_through_node_a_reaches_a_client_on_node_b_within_a_second()
    {
        await using var nodeB = await AppProcess.StartAsync(app.ConnectionString);
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        var electors = await app.SeedMembersAsync(slug, 20, anna.Handle);
        var proposal = await app.OpenVoteAsync(anna, slug);
        await using var onB = await SignalRClient.ConnectAsync(nodeB.Address, accessToken: await anna.Client.CreateTokenAsync("node b"));
        await onB.InvokeAsync("Subscribe", $"proposal:{proposal}");

        var latencies = new List<double>();
        foreach (var elector in electors)
        {
            var clock = Stopwatch.StartNew();
            await elector.VoteAsync(slug, proposal, "for");
            var pushed = await onB.NextEventAsync("vote_cast", TimeSpan.FromSeconds(5));
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            pushed.Data().GetProperty("row").GetProperty("voter").GetString().Should().Be(elector.Handle);
        }
        latencies.Sort();
        output.WriteLine($"vote on A (HTTP response included) to push on B: median {latencies[latencies.Count / 2]:F0} ms, max {latencies[^1]:F0} ms");
        latencies[^1].Should().BeLessThan(1000);
        foreach (var e in electors) e.Dispose();
    }

    [Fact]
    public async Task A_reply_posted_through_node_b_reaches_a_client_on_node_a()
    {
        await using var nodeB = await AppProcess.StartAsync(app.ConnectionString);
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        var thread = await anna.StartThreadAsync(slug);
        await using var onA = await app.ConnectAsync(anna);
        await onA.InvokeAsync("Subscribe", $"thread:{thread}");

        using var viaB = new HttpClient { BaseAddress = nodeB.Address };
        viaB.DefaultRequestHeaders.Authorization = new("Bearer", await anna.Client.CreateTokenAsync("node b"));
        using var posted = await viaB.PostJsonAsync($"/api/orgs/{slug}/threads/{thread}/contributions", new { markdown = "Written on node B" });
        posted.StatusCode.Should().Be(HttpStatusCode.Created);
        var reply = (await posted.ReadJsonAsync()).GetProperty("contributionId").GetGuid();

        // The thread's opening post, committed just before the subscription, may be pushed first: wait for the reply.
        var pushed = await onA.NextEventAsync("contribution_posted", TimeSpan.FromSeconds(2), contribution: reply);
        pushed.Data().GetProperty("html").GetString().Should().Contain("Written on node B");
    }
}
