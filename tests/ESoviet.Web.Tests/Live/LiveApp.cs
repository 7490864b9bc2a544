using System.Net;
using System.Text.Json;
using ESoviet.Testing;
using ESoviet.Web.Tests.Membership;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ESoviet.Web.Tests.Live;

/// <summary>
/// The app with a clock the tests move, founding open to every test, and access re-checked every second instead of
/// every ten, so tests about lost access need not wait long.
/// </summary>
public sealed class LiveApp : AppFixture
{
    public TestClock Clock { get; } = new();

    protected override string DatabasePrefix => "live";

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ESoviet:AllowFoundingAfterFirst", "true");
        builder.UseSetting("ESoviet:Live:RecheckInterval", "00:00:01");
    }
}

/// <summary>Threads, proposals and votes through the API, and live connections for the people who make them.</summary>
public static class Live
{
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(700);

    public static readonly object Text = new
    {
        title = "Open a canteen",
        problem = "Members on night shifts have no hot meal.",
        action = "Open a canteen in the union hall.",
        analysis = "The hall has a kitchen; volunteers are ready.",
        alternatives = "Vouchers for the café next door.",
        plan = "Ask the hall committee, then recruit cooks.",
    };

    /// <summary>A live connection authenticated as <paramref name="who"/> with a fresh personal access token.</summary>
    public static async Task<SignalRClient> ConnectAsync(this AppFixture app, Person who, Uri? node = null)
    {
        var token = who.Client.DefaultRequestHeaders.Authorization?.Parameter ?? await who.Client.CreateTokenAsync("live");
        return await SignalRClient.ConnectAsync(node ?? app.BaseAddress, accessToken: token);
    }

    public static async Task<Guid> StartThreadAsync(this Person who, string slug, string title = "Canteen", string markdown = "Let us talk about a canteen.")
    {
        using var response = await who.Client.PostJsonAsync($"/api/orgs/{slug}/threads", new { title, markdown });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("threadId").GetGuid();
    }

    public static async Task<Guid> ReplyAsync(this Person who, string slug, Guid thread, string markdown, Guid? parentId = null)
    {
        using var response = await who.Client.PostJsonAsync($"/api/orgs/{slug}/threads/{thread}/contributions", new { markdown, parentId });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("contributionId").GetGuid();
    }

    public static async Task<Guid> DraftAsync(this Person who, string slug, Guid thread)
    {
        using var drafted = await who.Client.PostJsonAsync($"/api/orgs/{slug}/proposals", new { threadId = thread, kind = "policy", text = Text });
        drafted.StatusCode.Should().Be(HttpStatusCode.Created, await drafted.Content.ReadAsStringAsync());
        return (await drafted.ReadJsonAsync()).GetProperty("proposalId").GetGuid();
    }

    public static async Task PostOkAsync(this Person who, string path)
    {
        using var response = await who.Client.PostAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Drafts, submits, waits out the discussion on the test clock and opens voting.</summary>
    public static async Task<Guid> OpenVoteAsync(this LiveApp app, Person proposer, string slug)
    {
        var thread = await proposer.StartThreadAsync(slug);
        var id = await proposer.DraftAsync(slug, thread);
        await proposer.PostOkAsync($"/api/orgs/{slug}/proposals/{id}/submit");
        app.Clock.Advance(TimeSpan.FromHours(48));
        await proposer.PostOkAsync($"/api/orgs/{slug}/proposals/{id}/open-voting");
        return id;
    }

    public static async Task<JsonElement> VoteAsync(this Person voter, string slug, Guid proposal, string choice, string? reason = null)
    {
        using var response = await voter.Client.PutJsonAsync($"/api/orgs/{slug}/proposals/{proposal}/votes/mine", new { choice, reason });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    public static async Task<JsonElement> GetJsonAsync(this Person who, string path)
    {
        using var response = await who.Client.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    /// <summary>The next pushed event, or a timeout.</summary>
    public static Task<JsonElement> NextEventAsync(this SignalRClient client, TimeSpan? timeout = null) =>
        client.NextAsync("event", timeout ?? TimeSpan.FromSeconds(10));

    /// <summary>The next pushed event of <paramref name="type"/> (and about <paramref name="contribution"/>, if given), skipping others.</summary>
    /// <remarks>
    /// A subscriber may also receive events committed just before it subscribed, which the node's feed had not routed
    /// yet (a thread's opening post, say): tests that mean a particular event must say which.
    /// </remarks>
    public static async Task<JsonElement> NextEventAsync(this SignalRClient client, string type, TimeSpan? timeout = null, Guid? contribution = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var left = until - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"No '{type}' event in time.");
            var e = await client.NextEventAsync(left);
            if (e.GetProperty("type").GetString() == type
                && (contribution is null || e.GetProperty("data").GetProperty("contributionId").GetGuid() == contribution)) return e;
        }
    }

    /// <summary>Every event pushed within <paramref name="window"/> (none, for a client that should receive nothing).</summary>
    public static async Task<List<JsonElement>> DrainAsync(this SignalRClient client, TimeSpan window, string target = "event")
    {
        var received = new List<JsonElement>();
        using var cts = new CancellationTokenSource(window);
        try
        {
            while (true) received.Add(await client.On(target).ReadAsync(cts.Token));
        }
        catch (OperationCanceledException)
        {
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
        }
        return received;
    }

    /// <summary>Subscribe must fail with the hub's refusal.</summary>
    public static async Task ShouldBeRefusedAsync(this SignalRClient client, string topic)
    {
        var refused = async () => await client.InvokeAsync("Subscribe", topic);
        (await refused.Should().ThrowAsync<HubErrorException>()).Which.Message.Should().Contain("cannot follow this topic");
    }

    /// <summary>CatchUp until done: every event after <paramref name="afterSeq"/>.</summary>
    public static async Task<(List<JsonElement> Events, long UpTo)> CatchUpAllAsync(this SignalRClient client, string topic, long afterSeq)
    {
        var events = new List<JsonElement>();
        while (true)
        {
            var result = await client.InvokeAsync("CatchUp", topic, afterSeq);
            events.AddRange(result.GetProperty("events").EnumerateArray());
            afterSeq = result.GetProperty("upTo").GetInt64();
            if (!result.GetProperty("more").GetBoolean()) return (events, afterSeq);
        }
    }

    public static long Seq(this JsonElement e) => e.GetProperty("seq").GetInt64();

    public static string Type(this JsonElement e) => e.GetProperty("type").GetString()!;

    public static JsonElement Data(this JsonElement e) => e.GetProperty("data");
}
