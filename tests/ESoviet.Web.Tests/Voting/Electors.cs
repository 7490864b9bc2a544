using System.Net.Http.Headers;
using ESoviet.EventStore;
using ESoviet.Testing;
using ESoviet.Web.Accounts;
using ESoviet.Web.Membership;
using ESoviet.Web.Tests.Membership;
using Microsoft.Extensions.DependencyInjection;

namespace ESoviet.Web.Tests.Voting;

/// <summary>
/// Many members at once, for vote tests: accounts share one precomputed password hash (hashing 200 passwords
/// would dominate the test), membership is written through the event store as the domain would write it,
/// and each member gets a personal access token and a bearer client.
/// </summary>
public static class Electors
{
    private static readonly Lazy<string> SharedHash = new(() => AccountStore.HashPassword(ApiClient.DefaultPassword));

    public static async Task<Guid> OrganizationIdAsync(this AppFixture app, string slug) =>
        await app.ScalarAsync<Guid>("SELECT id FROM organizations WHERE slug = $1", slug);

    public static async Task<List<Person>> SeedMembersAsync(this AppFixture app, string slug, int count, string invitedBy)
    {
        var org = await app.OrganizationIdAsync(slug);
        var accounts = app.Services.GetRequiredService<AccountStore>();
        var tokens = app.Services.GetRequiredService<PersonalAccessTokens>();
        var store = app.Services.GetRequiredService<EventStore.EventStore>();
        var people = new List<Person>();
        for (var i = 0; i < count; i++)
        {
            var handle = ApiClient.NewHandle("elector");
            var account = new NewAccount(Guid.NewGuid(), handle, SharedHash.Value, Guid.NewGuid(), []);
            await using var session = store.OpenSession(new EventMetadata(org.ToString(), invitedBy));
            session.Enlist((connection, ct) => accounts.InsertAsync(connection, account, ct));
            session.StartStream(MembershipState.StreamId(org, handle), "membership",
                new CandidateAdmitted(org, handle, Guid.NewGuid(), invitedBy), new MemberAdmitted(org, handle, [invitedBy], false));
            await session.SaveChangesAsync();
            var token = await tokens.CreateAsync(account.Id, "votes", CancellationToken.None);
            var client = new HttpClient { BaseAddress = app.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.Token);
            people.Add(new Person(handle, client));
        }
        return people;
    }
}
