using ESoviet.EventStore;
using ESoviet.Web.Accounts;
using ESoviet.Web.Membership;
using Microsoft.Extensions.DependencyInjection;

namespace ESoviet.Testing;

/// <summary>A member written straight through the event store, with a personal access token.</summary>
public sealed record SeededMember(string Handle, Guid AccountId, string Token);

/// <summary>
/// Many members at once, for tests that need an electorate: accounts share one precomputed password hash (hashing
/// hundreds of passwords would dominate the test) and membership is written through the event store as the domain
/// writes it (admitted as a candidate, then as a member vouched for by <c>invitedBy</c>), one commit per member.
/// </summary>
public static class SeededMembers
{
    /// <summary>The hash of <see cref="ApiClient.DefaultPassword"/>, computed once.</summary>
    public static readonly Lazy<string> SharedHash = new(() => AccountStore.HashPassword(ApiClient.DefaultPassword));

    public static async Task<List<SeededMember>> SeedFullMembersAsync(this AppFixture app, Guid org, int count, string invitedBy, string tokenName)
    {
        var accounts = app.Services.GetRequiredService<AccountStore>();
        var tokens = app.Services.GetRequiredService<PersonalAccessTokens>();
        var store = app.Services.GetRequiredService<EventStore.EventStore>();
        var members = new List<SeededMember>();
        for (var i = 0; i < count; i++)
        {
            var handle = ApiClient.NewHandle("elector");
            var account = new NewAccount(Guid.NewGuid(), handle, SharedHash.Value, Guid.NewGuid(), []);
            await using (var session = store.OpenSession(new EventMetadata(org.ToString(), invitedBy)))
            {
                session.Enlist((connection, ct) => accounts.InsertAsync(connection, account, ct));
                session.StartStream(MembershipState.StreamId(org, handle), "membership",
                    new CandidateAdmitted(org, handle, Guid.NewGuid(), invitedBy), new MemberAdmitted(org, handle, [invitedBy], false));
                await session.SaveChangesAsync();
            }
            var token = await tokens.CreateAsync(account.Id, tokenName, CancellationToken.None);
            members.Add(new SeededMember(handle, account.Id, token!.Token));
        }
        return members;
    }
}
