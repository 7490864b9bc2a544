namespace ESoviet.Verify.Tests;

using System.Net;
using System.Text.Json;
using ESoviet.Testing;
using ESoviet.Web.Membership;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

/// <summary>The app with a clock the test moves (discussion must last 48 hours before a vote) and founding open.</summary>
public sealed class VotingFlowFixture : AppFixture
{
    public TestClock Clock { get; } = new();

    protected override string DatabasePrefix => "verifyflow";

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.UseSetting("ESoviet:AllowFoundingAfterFirst", "true");
}

/// <summary>
/// Not events appended by hand: proposals drafted, discussed, opened, voted on and closed through the API by the
/// voting feature itself, then checked by the independent verifier. Server and verifier must agree on every count.
/// </summary>
public sealed class Checking_a_ledger_the_voting_feature_wrote(VotingFlowFixture app) : IClassFixture<VotingFlowFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("esoviet-flow-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Votes_cast_and_closed_through_the_api_recount_exactly_live_and_sealed()
    {
        var slug = "org-" + Guid.NewGuid().ToString("N")[..8];
        using var founder = await SignUpAsync("/api/orgs", new { name = "Flow Co-op", slug, handle = ApiClient.NewHandle("founder"), password = ApiClient.DefaultPassword });
        var m1 = await AdmitAsync(founder, slug);
        var m2 = await AdmitAsync(founder, slug);
        using var _ = m1;
        using var __ = m2;
        var thread = (await ExpectAsync(await founder.PostJsonAsync($"/api/orgs/{slug}/threads", new { title = "Bread", markdown = "What should we bake?" }), HttpStatusCode.Created))
            .GetProperty("threadId").GetGuid();

        // A charter change, voted live: from now on roll calls are revealed at close.
        var change = await ProposeAsync(founder, slug, thread, "charter_change", Charter.Default with { RollCallReveal = RollCallReveal.AtClose });
        await VoteAsync(founder, slug, change, "for");
        await VoteAsync(m1, slug, change, "for");
        await VoteAsync(m2, slug, change, "against");
        await ClosedAsync(founder, slug, change);

        // A policy under the new charter: sealed votes, one of them changed. For 1, Against 1, Abstain 1: rejected.
        var policy = await ProposeAsync(founder, slug, thread, "policy", null);
        await VoteAsync(founder, slug, policy, "for");
        await VoteAsync(m1, slug, policy, "for");
        await VoteAsync(m1, slug, policy, "against");
        await VoteAsync(m2, slug, policy, "abstain");
        await ClosedAsync(founder, slug, policy);

        await app.Services.GetRequiredService<ESoviet.EventStore.Projections.ProjectionDaemon>().WaitForNonStaleAsync(TimeSpan.FromSeconds(30));
        var export = await founder.GetStringAsync($"/api/orgs/{slug}/ledger");
        var path = Path.Combine(_folder, "ledger.jsonl");
        await File.WriteAllTextAsync(path, export);
        var output = new StringWriter();

        var exit = Cli.Run([path], output, new StringWriter());

        exit.Should().Be(0, output.ToString());
        output.ToString().Should().Contain("proposals recounted: 2")
            .And.Contain($"{change}  charter_change    electorate 3  for 2  against 1  abstain 0  -> adopted")
            .And.Contain($"{policy}  policy            electorate 3  for 1  against 1  abstain 1  -> rejected  (sealed roll call)");
        export.Should().Contain("\"type\":\"charter_amended\"").And.Contain("\"type\":\"votes_revealed\"");
    }

    private async Task<HttpClient> SignUpAsync(string path, object body)
    {
        var client = app.CreateClient();
        await ExpectAsync(await client.PostJsonAsync(path, body), path == "/api/orgs" ? HttpStatusCode.Created : HttpStatusCode.OK);
        await client.UseCsrfTokenAsync();
        return client;
    }

    private async Task<HttpClient> AdmitAsync(HttpClient founder, string slug)
    {
        var token = (await ExpectAsync(await founder.PostAsync($"/api/orgs/{slug}/invitations"), HttpStatusCode.Created)).GetProperty("token").GetString();
        var handle = ApiClient.NewHandle("member");
        var member = await SignUpAsync("/api/invitations/accept", new { token, handle, password = ApiClient.DefaultPassword });
        await ExpectAsync(await founder.PostAsync($"/api/orgs/{slug}/members/{handle}/vouches"), HttpStatusCode.OK);
        return member;
    }

    private async Task<Guid> ProposeAsync(HttpClient author, string slug, Guid thread, string kind, Charter? newCharter)
    {
        var text = new { title = "Bake rye on Fridays", problem = "No rye.", action = "Bake it.", analysis = "Flour is cheap.", alternatives = "Buy it.", plan = "Next Friday." };
        var id = (await ExpectAsync(await author.PostJsonAsync($"/api/orgs/{slug}/proposals", new { threadId = thread, kind, text, newCharter }), HttpStatusCode.Created))
            .GetProperty("proposalId").GetGuid();
        await ExpectAsync(await author.PostAsync($"/api/orgs/{slug}/proposals/{id}/submit"), HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromHours(Charter.Default.MinimumDiscussionHours + 1));
        await ExpectAsync(await author.PostAsync($"/api/orgs/{slug}/proposals/{id}/open-voting"), HttpStatusCode.OK);
        return id;
    }

    private static async Task VoteAsync(HttpClient voter, string slug, Guid proposal, string choice) =>
        await ExpectAsync(await voter.PutJsonAsync($"/api/orgs/{slug}/proposals/{proposal}/votes/mine", new { choice }), HttpStatusCode.OK);

    /// <summary>Every elector has voted, so the vote closes early; wait for it.</summary>
    private static async Task ClosedAsync(HttpClient client, string slug, Guid proposal)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var phase = (await ExpectAsync(await client.GetAsync($"/api/orgs/{slug}/proposals/{proposal}"), HttpStatusCode.OK)).GetProperty("phase").GetString();
            if (phase == "closed") return;
            DateTime.UtcNow.Should().BeBefore(deadline, "the vote closes once every elector has voted");
            await Task.Delay(50);
        }
    }

    private static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.Should().Be(expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: {body}");
            return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
        }
    }
}
