using System.Net;
using System.Text.Json;
using ESoviet.Testing;
using ESoviet.Web.Tests.Membership;

namespace ESoviet.Web.Tests.Live;

/// <summary>Thread and organization topics: contributions arrive with their stored, sanitized HTML and their place in the thread.</summary>
public sealed class Following_a_debate_live(LiveApp app) : IClassFixture<LiveApp>
{
    [Fact]
    public async Task A_reply_reaches_the_thread_and_the_organization_with_its_stored_html_author_and_place()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug, "boris");
        await using var live = await app.ConnectAsync(boris);
        await live.InvokeAsync("Subscribe", $"org:{slug}");

        var thread = await anna.StartThreadAsync(slug, "Night shifts");
        var started = await live.NextEventAsync("thread_started");
        started.GetProperty("topic").GetString().Should().Be($"org:{slug}");
        started.Data().GetProperty("threadId").GetGuid().Should().Be(thread);
        started.Data().GetProperty("title").GetString().Should().Be("Night shifts");
        await live.NextEventAsync("contribution_posted");

        await live.InvokeAsync("Subscribe", $"thread:{thread}");
        var reply = await anna.ReplyAsync(slug, thread, "Hello **world** <script>alert(1)</script>");
        var inThread = await live.NextEventAsync("contribution_posted");
        var inOrg = await live.NextEventAsync("contribution_posted");
        inThread.GetProperty("topic").GetString().Should().Be($"thread:{thread}");
        inOrg.GetProperty("topic").GetString().Should().Be($"org:{slug}");
        inOrg.Seq().Should().Be(inThread.Seq());

        var data = inThread.Data();
        data.GetProperty("contributionId").GetGuid().Should().Be(reply);
        data.GetProperty("threadId").GetGuid().Should().Be(thread);
        data.GetProperty("author").GetString().Should().Be(anna.Handle);
        data.GetProperty("parentId").ValueKind.Should().Be(JsonValueKind.Null);
        data.GetProperty("position").GetInt32().Should().Be(1);
        data.GetProperty("depth").GetInt32().Should().Be(0);
        data.GetProperty("retracted").GetBoolean().Should().BeFalse();
        var html = data.GetProperty("html").GetString()!;
        html.Should().Contain("<strong>world</strong>").And.NotContain("<script");
        html.Should().Be(await app.ScalarAsync<string>("SELECT html FROM contributions WHERE id = $1", reply), "the stored rendering, not a new one");

        var answer = await boris.ReplyAsync(slug, thread, "Agreed.", parentId: reply);
        var nested = (await live.NextEventAsync("contribution_posted")).Data();
        nested.GetProperty("contributionId").GetGuid().Should().Be(answer);
        nested.GetProperty("parentId").GetGuid().Should().Be(reply);
        nested.GetProperty("depth").GetInt32().Should().Be(1);
        nested.GetProperty("position").GetInt32().Should().Be(2);
    }

    [Fact]
    public async Task Edits_and_retractions_arrive_and_a_retracted_text_never_leaves_the_database_again()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug, "boris");
        var thread = await anna.StartThreadAsync(slug);
        await using var live = await app.ConnectAsync(boris);
        var topic = $"thread:{thread}";
        await live.InvokeAsync("Subscribe", topic);

        var reply = await anna.ReplyAsync(slug, thread, "First thought");
        var posted = await live.NextEventAsync("contribution_posted", contribution: reply);
        using (var edit = await anna.Client.PutJsonAsync($"/api/orgs/{slug}/contributions/{reply}", new { markdown = "Second *thought*" }))
            edit.StatusCode.Should().Be(HttpStatusCode.OK, await edit.Content.ReadAsStringAsync());
        var edited = (await live.NextEventAsync("contribution_edited")).Data();
        edited.GetProperty("contributionId").GetGuid().Should().Be(reply);
        edited.GetProperty("html").GetString().Should().Contain("<em>thought</em>");
        edited.GetProperty("version").GetInt32().Should().Be(2);
        edited.GetProperty("editedAt").ValueKind.Should().Be(JsonValueKind.String);

        await anna.Client.PostAsync($"/api/orgs/{slug}/contributions/{reply}/retract");
        var retracted = await live.NextEventAsync("contribution_retracted");
        retracted.Data().GetProperty("contributionId").GetGuid().Should().Be(reply);

        var (history, _) = await live.CatchUpAllAsync(topic, posted.Seq() - 1);
        history.Select(e => e.Type()).Should().Equal("contribution_posted", "contribution_edited", "contribution_retracted");
        foreach (var e in history.Take(2))
        {
            e.Data().GetProperty("retracted").GetBoolean().Should().BeTrue();
            e.Data().GetProperty("html").GetString().Should().BeEmpty();
        }
        string.Join("", history.Select(e => e.GetRawText())).Should().NotContain("thought");
    }
}
