using System.Net;
using System.Net.Http.Headers;
using ESoviet.Testing;
using ESoviet.Web.Accounts;
using ESoviet.Web.Membership;
using ESoviet.Web.Tests.Membership;
using ESoviet.Web.Tests.Voting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ESoviet.Web.Tests.Security;

/// <summary>
/// The app for the hostile-input tests, with founding open: every request under test gets an organization of its own
/// (<see cref="Target"/>). One more organization, made here, is where outsiders are members.
/// </summary>
public class HostileFixture : AppFixture, IAsyncLifetime
{
    protected override string DatabasePrefix => "hostile";

    /// <summary>An organization whose members are outsiders to every <see cref="Target"/>.</summary>
    public Guid OtherOrganizationId { get; private set; }

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.UseSetting("ESoviet:AllowFoundingAfterFirst", "true");

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        var (founder, slug) = await this.FoundAsync();
        founder.Dispose();
        OtherOrganizationId = await this.OrganizationIdAsync(slug);
    }

    /// <summary>
    /// Every endpoint a program can call: each route under /api and the live hub's negotiate, one key per method,
    /// read from the running app's route table (so a feature merged later shows up here without anyone listing it).
    /// Keys look like <c>POST /api/orgs/{slug}/threads/{threadId}</c>: parameters without their constraints.
    /// </summary>
    public IReadOnlyList<string> ApiEndpoints()
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var path = "/" + string.Join("/", endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
            {
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternSeparatorPart separator => separator.Content,
                _ => "?",
            }))));
            if (!path.StartsWith("/api/", StringComparison.Ordinal) && path != "/hubs/live/negotiate") continue;
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods;
            if (methods is null or { Count: 0 }) methods = ["ANY"];
            foreach (var method in methods) keys.Add($"{method} {path}");
        }
        return keys.ToList();
    }
}

/// <summary>Who knocks: every kind of caller the authorization rules must tell apart.</summary>
public enum Principal
{
    Anonymous,

    /// <summary>A member's personal access token, revoked before use.</summary>
    RevokedToken,

    /// <summary>A member of another organization (bearer token).</summary>
    Outsider,

    /// <summary>Someone expelled by an adopted membership review (bearer token).</summary>
    Expelled,

    /// <summary>Invited and accepted, not yet admitted (bearer token).</summary>
    Candidate,

    /// <summary>A full member, with a bearer token. The same account that wrote the thread, proposal, … under test.</summary>
    Member,

    /// <summary>The same member through the browser session cookie (and its antiforgery token).</summary>
    MemberCookie,
}

/// <summary>Someone seeded for a test: handle, bearer client, account and token ids.</summary>
public sealed record Caller(string Handle, HttpClient Client, Guid AccountId, Guid TokenId) : IDisposable
{
    public void Dispose() => Client.Dispose();
}

/// <summary>
/// People written straight through the event store, as the domain writes them (no password hashing per person, no
/// vote to expel someone), each with a personal access token and a bearer client.
/// </summary>
public static class HostilePeople
{
    public static async Task<Caller> SeedAsync(this AppFixture app, Guid org, MemberStatus status, string prefix, bool revokeToken = false)
    {
        var accounts = app.Services.GetRequiredService<AccountStore>();
        var tokens = app.Services.GetRequiredService<PersonalAccessTokens>();
        var store = app.Services.GetRequiredService<EventStore.EventStore>();
        var handle = ApiClient.NewHandle(prefix);
        var account = new NewAccount(Guid.NewGuid(), handle, SeededMembers.SharedHash.Value, Guid.NewGuid(), []);
        await using (var session = store.OpenSession(new EventStore.EventMetadata(org.ToString(), "seed")))
        {
            session.Enlist((connection, ct) => accounts.InsertAsync(connection, account, ct));
            var events = new List<object> { new CandidateAdmitted(org, handle, Guid.NewGuid(), "seed") };
            if (status is MemberStatus.Member or MemberStatus.Expelled) events.Add(new MemberAdmitted(org, handle, ["seed"], false));
            if (status == MemberStatus.Expelled) events.Add(new ESoviet.Web.Voting.MemberExpelled(org, handle, Guid.NewGuid()));
            session.StartStream(MembershipState.StreamId(org, handle), "membership", events.ToArray());
            await session.SaveChangesAsync();
        }
        var token = await tokens.CreateAsync(account.Id, "hostile", CancellationToken.None);
        if (revokeToken) (await tokens.RevokeAsync(account.Id, token!.Id, CancellationToken.None)).Should().BeTrue();
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.Token);
        return new Caller(handle, client, account.Id, token.Id);
    }

    /// <summary>A browser signed in as <paramref name="person"/>: session cookie plus X-CSRF-TOKEN.</summary>
    public static Task<HttpClient> BrowserAsync(this AppFixture app, Caller person) => app.SignInAsync(person.Handle);

    public static async Task<long> EventsByAsync(this AppFixture app, string actor) =>
        await app.ScalarAsync<long>("SELECT count(*) FROM es.events WHERE actor = $1", actor);

    public static async Task ExpectAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
