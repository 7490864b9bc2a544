using System.Net.Http.Headers;
using ESoviet.Testing;
using ESoviet.Web.Tests.Membership;

namespace ESoviet.Web.Tests.Voting;

/// <summary>Many members at once, for vote tests (<see cref="SeededMembers"/>), each with a bearer client.</summary>
public static class Electors
{
    public static async Task<Guid> OrganizationIdAsync(this AppFixture app, string slug) =>
        await app.ScalarAsync<Guid>("SELECT id FROM organizations WHERE slug = $1", slug);

    public static async Task<List<Person>> SeedMembersAsync(this AppFixture app, string slug, int count, string invitedBy)
    {
        var members = await app.SeedFullMembersAsync(await app.OrganizationIdAsync(slug), count, invitedBy, "votes");
        return members.Select(member =>
        {
            var client = new HttpClient { BaseAddress = app.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", member.Token);
            return new Person(member.Handle, client);
        }).ToList();
    }
}
