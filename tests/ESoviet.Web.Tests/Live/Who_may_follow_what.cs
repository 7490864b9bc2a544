using System.Net;
using ESoviet.Testing;
using ESoviet.Web.Tests.Membership;

namespace ESoviet.Web.Tests.Live;

/// <summary>A topic is followed by those who may read it, as on the pages, and by nobody else; and only while they still may.</summary>
public sealed class Who_may_follow_what(LiveApp app) : IClassFixture<LiveApp>
{
    [Fact]
    public async Task Signed_out_visitors_outsiders_and_malformed_topics_are_refused_and_join_nothing()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        var thread = await anna.StartThreadAsync(slug);
        var proposal = await anna.DraftAsync(slug, thread);
        await anna.PostOkAsync($"/api/orgs/{slug}/proposals/{proposal}/submit");
        string[] topics = [$"org:{slug}", $"thread:{thread}", $"proposal:{proposal}"];

        await using var anonymous = await SignalRClient.ConnectAsync(app.BaseAddress);
        var (olga, _) = await app.FoundAsync();
        using var __ = olga;
        await using var outsider = await app.ConnectAsync(olga);
        foreach (var client in new[] { anonymous, outsider })
        {
            foreach (var topic in topics)
            {
                await client.ShouldBeRefusedAsync(topic);
                var catchUp = async () => await client.InvokeAsync("CatchUp", topic, 0L);
                await catchUp.Should().ThrowAsync<HubErrorException>();
            }
        }
        foreach (var topic in new[] { $"thread:{Guid.NewGuid()}", $"proposal:{Guid.NewGuid()}", "org:no-such-org", "thread:42", "room:lobby", "", "org:" + slug + "/x" })
            await outsider.ShouldBeRefusedAsync(topic);

        await anna.ReplyAsync(slug, thread, "Only for members");
        await anna.PostOkAsync($"/api/orgs/{slug}/proposals/{proposal}/withdraw");
        (await anonymous.DrainAsync(Live.Quiet)).Should().BeEmpty();
        (await outsider.DrainAsync(TimeSpan.Zero)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_candidate_follows_threads_and_submitted_proposals_but_never_someone_else_s_draft()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        using var candidate = await app.JoinAsync(await anna.InviteAsync(slug));
        var thread = await anna.StartThreadAsync(slug);
        var draft = await anna.DraftAsync(slug, thread);

        await using var theirs = await app.ConnectAsync(candidate);
        await using var author = await app.ConnectAsync(anna);
        await theirs.InvokeAsync("Subscribe", $"thread:{thread}");
        await theirs.InvokeAsync("Subscribe", $"org:{slug}");
        await theirs.ShouldBeRefusedAsync($"proposal:{draft}");
        await author.InvokeAsync("Subscribe", $"proposal:{draft}");
        await author.InvokeAsync("Subscribe", $"org:{slug}");
        await author.DrainAsync(Live.Quiet);
        await theirs.DrainAsync(TimeSpan.Zero);

        // A draft carries no organization until it is submitted: no feed carries it, not even to its author.
        await anna.DraftAsync(slug, thread);
        (await author.DrainAsync(Live.Quiet)).Should().BeEmpty();
        (await theirs.DrainAsync(TimeSpan.Zero)).Should().BeEmpty();
        var (history, _) = await author.CatchUpAllAsync($"org:{slug}", 0);
        history.Select(e => e.Type()).Should().NotContain("proposal_drafted");

        await anna.PostOkAsync($"/api/orgs/{slug}/proposals/{draft}/submit");
        (await author.NextEventAsync("proposal_submitted")).GetProperty("topic").GetString().Should().Be($"proposal:{draft}");
        (await theirs.NextEventAsync("proposal_submitted")).GetProperty("topic").GetString().Should().Be($"org:{slug}");
        await theirs.InvokeAsync("Subscribe", $"proposal:{draft}");
        var (proposalHistory, _) = await theirs.CatchUpAllAsync($"proposal:{draft}", 0);
        proposalHistory.Select(e => e.Type()).Should().Equal("proposal_submitted");
    }

    [Fact]
    public async Task A_member_who_leaves_stops_receiving_at_once_and_cannot_follow_again()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug, "boris");
        var thread = await anna.StartThreadAsync(slug);
        await using var live = await app.ConnectAsync(boris);
        await live.InvokeAsync("Subscribe", $"thread:{thread}");
        await live.InvokeAsync("Subscribe", $"org:{slug}");
        // The thread was started a moment ago: its events may still be on their way to this new subscriber.
        await live.DrainAsync(Live.Quiet);

        await boris.LeaveAsync(slug);
        var ended = new[] { await live.NextAsync("ended", TimeSpan.FromSeconds(5)), await live.NextAsync("ended", TimeSpan.FromSeconds(5)) };
        ended.Select(e => e.GetProperty("topic").GetString()).Should().BeEquivalentTo($"thread:{thread}", $"org:{slug}");

        await anna.ReplyAsync(slug, thread, "Said after boris left");
        (await live.DrainAsync(Live.Quiet)).Should().BeEmpty();
        await live.ShouldBeRefusedAsync($"thread:{thread}");
        var catchUp = async () => await live.InvokeAsync("CatchUp", $"thread:{thread}", 0L);
        await catchUp.Should().ThrowAsync<HubErrorException>();
    }

    [Fact]
    public async Task Signing_out_everywhere_ends_the_live_connections_of_that_account()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        var thread = await anna.StartThreadAsync(slug);
        await using var live = await app.ConnectAsync(anna);
        await live.InvokeAsync("Subscribe", $"thread:{thread}");

        using (var response = await anna.Client.PostAsync("/api/account/sign-out-everywhere"))
            response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        var closed = await Task.WhenAny(live.Closed.Task, Task.Delay(TimeSpan.FromSeconds(10)));
        closed.Should().Be(live.Closed.Task, "the token it connected with is revoked, and access is checked again every second here");
    }
}
