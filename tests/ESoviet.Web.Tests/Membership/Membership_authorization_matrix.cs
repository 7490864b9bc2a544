using System.Net;
using System.Net.Http.Json;
using ESoviet.Testing;

namespace ESoviet.Web.Tests.Membership;

/// <summary>
/// Who may do what, endpoint by endpoint and page by page, for everyone who might ask. Every case builds its own
/// organizations, so each answer (each denial especially) is a test of its own.
/// </summary>
public sealed class Membership_authorization_matrix(MembershipFixture app) : IClassFixture<MembershipFixture>
{
    public enum Role
    {
        Anonymous,
        Candidate,
        Member,
        MemberOfAnotherOrganization,
        MemberWhoLeft,
    }

    private const int Redirect = 302;

    // (request, anonymous, candidate, member, member of another organization, member who left)
    private static readonly (string Request, int[] Expected)[] Api =
    [
        ("GET /api/session", [200, 200, 200, 200, 200]),
        ("POST /api/account/tokens", [401, 201, 201, 201, 201]),
        ("POST /api/orgs", [400, 201, 201, 201, 201]),
        ("GET /api/orgs", [401, 200, 200, 200, 200]),
        ("GET /api/orgs/{slug}", [401, 200, 200, 404, 404]),
        ("GET /api/orgs/{slug}/charter", [401, 200, 200, 404, 404]),
        ("GET /api/orgs/{slug}/members", [401, 200, 200, 404, 404]),
        ("POST /api/orgs/{slug}/members/{pending}/vouches", [401, 403, 200, 404, 404]),
        ("POST /api/orgs/{slug}/membership/leave", [401, 204, 204, 404, 404]),
        ("POST /api/orgs/{slug}/invitations", [401, 403, 201, 404, 404]),
        ("GET /api/orgs/{slug}/invitations", [401, 403, 200, 404, 404]),
        ("DELETE /api/orgs/{slug}/invitations/{invitation}", [401, 403, 204, 404, 404]),
        // Anonymous without handle and password: nothing to join with. Candidates and members are inside already;
        // a member of another organization joins; someone who left comes back.
        ("POST /api/invitations/accept", [400, 409, 409, 200, 200]),
    ];

    private static readonly (string Request, int[] Expected)[] Pages =
    [
        ("GET /o/{slug}", [Redirect, 200, 200, 404, 404]),
        ("GET /o/{slug}/members", [Redirect, 200, 200, 404, 404]),
        ("GET /o/{slug}/charter", [Redirect, 200, 200, 404, 404]),
        ("GET /o/{slug}/invitations", [Redirect, 403, 200, 404, 404]),
        ("GET /o/{slug}/leave", [Redirect, 200, 200, 404, 404]),
    ];

    public static TheoryData<string, Role, int> ApiCases => Expand(Api);

    public static TheoryData<string, Role, int> PageCases => Expand(Pages);

    [Theory]
    [MemberData(nameof(ApiCases))]
    public async Task Api_answers_each_role(string request, Role role, int expected)
    {
        using var world = await World.BuildAsync(app);
        var client = world.ClientFor(role);

        using var response = await client.SendAsync(world.Request(request));

        ((int)response.StatusCode).Should().Be(expected, await response.Content.ReadAsStringAsync());
        if (expected >= 400) response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Theory]
    [MemberData(nameof(PageCases))]
    public async Task Pages_answer_each_role(string request, Role role, int expected)
    {
        using var world = await World.BuildAsync(app);
        var client = world.ClientFor(role);

        using var response = await client.SendAsync(world.Request(request));

        ((int)response.StatusCode).Should().Be(expected);
        if (expected == Redirect) response.Headers.Location!.OriginalString.Should().StartWith("/signin?returnUrl=");
    }

    [Fact]
    public async Task A_non_member_cannot_tell_an_existing_organization_from_a_missing_one()
    {
        using var world = await World.BuildAsync(app);
        var outsider = world.ClientFor(Role.MemberOfAnotherOrganization);
        const string missing = "no-such-organization";

        using var apiExisting = await outsider.GetAsync($"/api/orgs/{world.Slug}/members");
        using var apiMissing = await outsider.GetAsync($"/api/orgs/{missing}/members");
        using var pageExisting = await outsider.GetAsync($"/o/{world.Slug}/members");
        using var pageMissing = await outsider.GetAsync($"/o/{missing}/members");

        apiExisting.StatusCode.Should().Be(HttpStatusCode.NotFound);
        apiMissing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        var existing = await apiExisting.ReadProblemAsync();
        var absent = await apiMissing.ReadProblemAsync();
        existing.Should().BeEquivalentTo(absent);
        pageExisting.StatusCode.Should().Be(HttpStatusCode.NotFound);
        WithoutAntiforgeryToken(await pageExisting.Content.ReadAsStringAsync())
            .Should().Be(WithoutAntiforgeryToken(await pageMissing.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task A_personal_access_token_of_an_outsider_gets_the_same_404()
    {
        using var world = await World.BuildAsync(app);
        using var bot = app.CreateTokenClient(await world.Outsider.Client.CreateTokenAsync());

        (await bot.GetAsync($"/api/orgs/{world.Slug}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await bot.PostAsync($"/api/orgs/{world.Slug}/invitations")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Anonymous_gets_the_same_401_for_an_existing_and_a_missing_organization()
    {
        using var world = await World.BuildAsync(app);
        using var anonymous = app.CreateClient();

        var existing = await (await anonymous.GetAsync($"/api/orgs/{world.Slug}")).ReadProblemAsync();
        var missing = await (await anonymous.GetAsync("/api/orgs/no-such-organization")).ReadProblemAsync();

        existing.Status.Should().Be(401);
        existing.Should().BeEquivalentTo(missing);
    }

    // Antiforgery tokens (data-protected, "CfDJ8…") are the one part of a page that differs on every response.
    private static string WithoutAntiforgeryToken(string html) =>
        System.Text.RegularExpressions.Regex.Replace(html, "CfDJ8[A-Za-z0-9_-]+", "");

    private static TheoryData<string, Role, int> Expand((string Request, int[] Expected)[] table)
    {
        var data = new TheoryData<string, Role, int>();
        foreach (var (request, expected) in table)
        {
            for (var role = 0; role < expected.Length; role++) data.Add(request, (Role)role, expected[role]);
        }
        return data;
    }

    /// <summary>
    /// An organization with a member (the founder), a candidate, a second candidate waiting for vouches, an open
    /// invitation, and someone who was admitted and left; plus another organization with its own member.
    /// </summary>
    private sealed class World : IDisposable
    {
        private readonly HttpClient anonymous;

        private World(AppFixture app) => anonymous = app.CreateClient();

        public string Slug { get; private set; } = "";

        public Person Member { get; private set; } = null!;

        public Person Candidate { get; private set; } = null!;

        public Person Pending { get; private set; } = null!;

        public Person Leaver { get; private set; } = null!;

        public Person Outsider { get; private set; } = null!;

        public Guid InvitationId { get; private set; }

        public string InvitationToken { get; private set; } = "";

        public static async Task<World> BuildAsync(AppFixture app)
        {
            var world = new World(app);
            (world.Member, world.Slug) = await app.FoundAsync();
            world.Leaver = await app.AdmitAsync(world.Member, world.Slug, "leaver");
            await world.Leaver.LeaveAsync(world.Slug);
            world.Candidate = await app.JoinAsync(await world.Member.InviteAsync(world.Slug), "candidate");
            world.Pending = await app.JoinAsync(await world.Member.InviteAsync(world.Slug), "pending");
            var invitation = await world.Member.IssueInvitationAsync(world.Slug);
            world.InvitationId = invitation.GetProperty("id").GetGuid();
            world.InvitationToken = invitation.GetProperty("token").GetString()!;
            (world.Outsider, _) = await app.FoundAsync();
            return world;
        }

        /// <summary>The role's signed-in client (or a fresh anonymous one); the world disposes them all.</summary>
        public HttpClient ClientFor(Role role) => role switch
        {
            Role.Anonymous => anonymous,
            Role.Candidate => Candidate.Client,
            Role.Member => Member.Client,
            Role.MemberOfAnotherOrganization => Outsider.Client,
            _ => Leaver.Client,
        };

        public HttpRequestMessage Request(string request)
        {
            var parts = request.Split(' ');
            var path = parts[1]
                .Replace("{slug}", Slug, StringComparison.Ordinal)
                .Replace("{pending}", Pending.Handle, StringComparison.Ordinal)
                .Replace("{invitation}", InvitationId.ToString(), StringComparison.Ordinal);
            var message = new HttpRequestMessage(new HttpMethod(parts[0]), path);
            message.Content = path switch
            {
                "/api/orgs" => JsonContent.Create(new { name = "Another organization", slug = People.NewSlug() }),
                "/api/invitations/accept" => JsonContent.Create(new { token = InvitationToken }),
                "/api/account/tokens" => JsonContent.Create(new { name = "matrix" }),
                _ => message.Content,
            };
            return message;
        }

        public void Dispose()
        {
            foreach (var person in new[] { Member, Candidate, Pending, Leaver, Outsider }) person?.Dispose();
            anonymous.Dispose();
        }
    }
}
