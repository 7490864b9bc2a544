using System.Net;
using System.Text.Json;
using ESoviet.Testing;
using ESoviet.Web.Tests.Membership;
using static ESoviet.Testing.Conditions;

namespace ESoviet.Web.Tests.Decisions;

/// <summary>Proposals adopted through the API, for the decision tests: drafted, discussed, voted on by everyone, closed early.</summary>
public static class DecisionSteps
{
    public static readonly object Text = new
    {
        title = "Open a canteen",
        problem = "Members on night shifts have no hot meal.",
        action = "Open a canteen in the union hall.",
        analysis = "The hall has a kitchen; volunteers are ready.",
        alternatives = "Vouchers for the café next door.",
        plan = "Ask the hall committee, then recruit cooks.",
    };

    public static async Task<string> ThreadAsync(Person who, string slug)
    {
        using var response = await who.Client.PostJsonAsync($"/api/orgs/{slug}/threads", new { title = "Canteen", markdown = "Let us talk about a canteen." });
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        return (await response.ReadJsonAsync()).GetProperty("threadId").GetString()!;
    }

    /// <summary>Drafts and submits a policy; returns its id. Voting may open once the clock has moved 48 hours.</summary>
    public static async Task<string> SubmitAsync(Person proposer, string slug, object? extra = null, string title = "Open a canteen")
    {
        var thread = await ThreadAsync(proposer, slug);
        var text = new { title, problem = "A problem.", action = "An action.", analysis = "It can be done.", alternatives = "None better.", plan = "I will do it." };
        var body = extra is null
            ? (object)new { threadId = thread, kind = "policy", text }
            : Merge(new { threadId = thread, kind = "policy", text }, extra);
        using var drafted = await proposer.Client.PostJsonAsync($"/api/orgs/{slug}/proposals", body);
        drafted.StatusCode.Should().Be(HttpStatusCode.Created, await drafted.Content.ReadAsStringAsync());
        var id = (await drafted.ReadJsonAsync()).GetProperty("proposalId").GetString()!;
        (await proposer.Client.PostAsync($"/api/orgs/{slug}/proposals/{id}/submit")).StatusCode.Should().Be(HttpStatusCode.OK);
        return id;
    }

    public static async Task<HttpResponseMessage> OpenVotingAsync(Person proposer, string slug, string proposal) =>
        await proposer.Client.PostAsync($"/api/orgs/{slug}/proposals/{proposal}/open-voting");

    /// <summary>Every listed member votes (For unless named in <paramref name="against"/>); the last vote closes it early. Returns D-n.</summary>
    public static async Task<int> VoteThroughAsync(AppFixture app, string slug, string proposal, IEnumerable<Person> voters, params Person[] against)
    {
        foreach (var voter in voters)
        {
            var choice = against.Contains(voter) ? "against" : "for";
            using var response = await voter.Client.PutJsonAsync($"/api/orgs/{slug}/proposals/{proposal}/votes/mine", new { choice });
            response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }
        await WaitUntilAsync(async () => await app.ScalarAsync<long>("SELECT count(*) FROM decisions WHERE proposal_id = $1", Guid.Parse(proposal)) == 1);
        return await app.ScalarAsync<int>("SELECT number FROM decisions WHERE proposal_id = $1", Guid.Parse(proposal));
    }

    public static async Task<JsonElement> DecisionAsync(Person who, string slug, int number)
    {
        using var response = await who.Client.GetAsync($"/api/orgs/{slug}/decisions/{number}");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.ReadJsonAsync();
    }


    private static Dictionary<string, object?> Merge(object a, object b)
    {
        var result = new Dictionary<string, object?>();
        foreach (var source in new[] { a, b })
            foreach (var p in source.GetType().GetProperties()) result[p.Name] = p.GetValue(source);
        return result;
    }
}
