using System.Net;
using ESoviet.Browser.Tests.Deliberation;
using ESoviet.Testing;

namespace ESoviet.Browser.Tests.Voting;

/// <summary>
/// Proposals made through the API, for the neighbours a page under test is seen among; the proposal under test
/// itself always goes through the pages.
/// </summary>
public static class Proposals
{
    public static async Task<Guid> DraftAsync(this Member who, string slug, Guid thread, string title, string kind = "policy", object? newCharter = null)
    {
        var text = new
        {
            title,
            problem = $"Why “{title}” is needed.",
            action = title + ".",
            analysis = "It is within what the organization can do now.",
            alternatives = "Doing nothing.",
            plan = "The proposer carries it out within a month.",
        };
        using var response = await who.Api.PostJsonAsync($"/api/orgs/{slug}/proposals", new { threadId = thread, kind, text, newCharter });
        await ExpectAsync(response, HttpStatusCode.Created);
        return (await response.ReadJsonAsync()).GetProperty("proposalId").GetGuid();
    }

    public static Task SubmitAsync(this Member who, string slug, Guid proposal) => PostAsync(who, $"/api/orgs/{slug}/proposals/{proposal}/submit");

    public static Task WithdrawAsync(this Member who, string slug, Guid proposal) => PostAsync(who, $"/api/orgs/{slug}/proposals/{proposal}/withdraw");

    public static Task OpenVotingAsync(this Member who, string slug, Guid proposal) => PostAsync(who, $"/api/orgs/{slug}/proposals/{proposal}/open-voting");

    private static async Task PostAsync(Member who, string path)
    {
        using var response = await who.Api.PostAsync(path);
        await ExpectAsync(response, HttpStatusCode.OK);
    }

    private static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
            throw new InvalidOperationException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
