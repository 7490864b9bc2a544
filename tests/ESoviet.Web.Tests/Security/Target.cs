using System.Net;
using System.Net.Http.Json;
using ESoviet.Testing;
using ESoviet.Web.Membership;
using ESoviet.Web.Tests.Membership;

namespace ESoviet.Web.Tests.Security;

/// <summary>
/// What one request is aimed at, made fresh for it in the attacked organization: a member who owns everything below,
/// and, only when the route asks for them, a thread, a contribution, a proposal at the right stage, an offered
/// amendment, a candidate waiting for vouches, an invitation, an uploaded file. Fresh per request, so what one
/// request does (a retraction, a withdrawal, leaving) never changes the answer to the next.
/// </summary>
public sealed class Target : IDisposable
{
    private readonly HostileFixture app;
    private Guid? thread, contribution, proposal, amendment, invitationId, task;
    private int? decision;
    private string? pending, invitationToken, attachment;

    private Target(HostileFixture app, Caller member, string slug, Guid organizationId)
    {
        this.app = app;
        Member = member;
        Slug = slug;
        OrganizationId = organizationId;
    }

    /// <summary>The founder of the attacked organization, through a bearer token; author of every resource here.</summary>
    public Caller Member { get; }

    /// <summary>An organization of this request's own, so that what it writes (or must not write) is its own tenant's events.</summary>
    public string Slug { get; }

    public Guid OrganizationId { get; }

    /// <summary>Founds a fresh organization with a fresh member (who needs no password hashing: a token founds it).</summary>
    public static async Task<Target> CreateAsync(HostileFixture app)
    {
        var member = await app.SeedAsync(app.OtherOrganizationId, MemberStatus.Candidate, "owner");
        var slug = "org-" + Guid.NewGuid().ToString("N")[..8];
        using (var founded = await member.Client.PostJsonAsync("/api/orgs", new { name = "Tenants " + slug, slug }))
            await founded.ExpectAsync(HttpStatusCode.Created);
        var id = await app.ScalarAsync<Guid>(
            "UPDATE organizations SET charter = jsonb_set(charter, '{minimumDiscussionHours}', '0') WHERE slug = $1 RETURNING id", slug);
        return new Target(app, member, slug, id);
    }

    /// <summary>Events of this target's organization: a refused request must leave the count unchanged.</summary>
    public Task<long> EventCountAsync() => app.ScalarAsync<long>("SELECT count(*) FROM es.events WHERE tenant_id = $1", OrganizationId.ToString());

    /// <summary>Someone else in this target's organization.</summary>
    public Task<Caller> SeedAsync(MemberStatus status, string prefix, bool revokeToken = false) => app.SeedAsync(OrganizationId, status, prefix, revokeToken);

    /// <summary>Turns an endpoint key into a request, creating what its route parameters name.</summary>
    public async Task<HttpRequestMessage> RequestAsync(string key, HttpContent? body, string query = "")
    {
        var space = key.IndexOf(' ');
        // SignalR maps negotiate for any method; clients POST.
        var method = key[..space] == "ANY" ? "POST" : key[..space];
        var path = key[(space + 1)..];
        var segments = path.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (!segment.StartsWith('{')) continue;
            var previous = i > 0 ? segments[i - 1] : "";
            segments[i] = (segment, previous) switch
            {
                ("{slug}", _) => Slug,
                ("{threadId}", _) => (await ThreadAsync()).ToString(),
                ("{contributionId}", _) => (await AmendmentAsync()).ToString(),
                ("{handle}", _) => await PendingCandidateAsync(),
                ("{sha256}", _) => await AttachmentAsync(),
                ("{id}", "contributions") => (await ContributionAsync()).ToString(),
                ("{id}", "proposals") => (await ProposalAsync(StageFor(key))).ToString(),
                ("{id}", "invitations") => (await InvitationAsync()).Id.ToString(),
                ("{id}", "tokens") => Member.TokenId.ToString(),
                ("{number}", "decisions") => (await DecisionAsync(DecisionStageFor(key))).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ("{taskId}", "tasks") => (await TaskAsync()).ToString(),
                _ => throw new InvalidOperationException($"{key}: the test does not know what to put in {segment}; teach Target.RequestAsync."),
            };
        }
        var url = string.Join('/', segments) + (path == "/hubs/live/negotiate" ? "?negotiateVersion=1" : query);
        return new HttpRequestMessage(new HttpMethod(method), url) { Content = body };
    }

    /// <summary>The stage a proposal must be at for the endpoint to make sense to its proposer.</summary>
    public static ProposalStage StageFor(string key) =>
        key.EndsWith("/submit", StringComparison.Ordinal) ? ProposalStage.Draft
        : key.EndsWith("/answer", StringComparison.Ordinal) ? ProposalStage.Discussion
        : key is "PUT /api/orgs/{slug}/proposals/{id}"
          || key.EndsWith("/withdraw", StringComparison.Ordinal)
          || key.EndsWith("/open-voting", StringComparison.Ordinal) ? ProposalStage.Discussion
        : key.EndsWith("/amendments", StringComparison.Ordinal) ? ProposalStage.DiscussionOfAnother
        : ProposalStage.Voting;

    /// <summary>The stage a decision must be at for the endpoint to make sense to its implementer.</summary>
    public static DecisionStage DecisionStageFor(string key) =>
        key.EndsWith("/criticisms", StringComparison.Ordinal) ? DecisionStage.InReview : DecisionStage.Adopted;

    /// <summary>
    /// A decision the member proposed (and so implements): the member's policy, voted on by the member alone (the
    /// electorate is fixed when voting opens, before any other caller is seeded), closes early and is adopted.
    /// </summary>
    public async Task<int> DecisionAsync(DecisionStage stage) => decision ??= await AdoptAsync(stage);

    private async Task<int> AdoptAsync(DecisionStage stage)
    {
        var id = await ProposalAsync(ProposalStage.Voting);
        // The review after "done" lasts the charter's discussion time: long enough that criticisms find it open.
        await app.ScalarAsync<Guid>(
            "UPDATE organizations SET charter = jsonb_set(charter, '{minimumDiscussionHours}', '48') WHERE id = $1 RETURNING id", OrganizationId);
        await (await Member.Client.PutJsonAsync($"/api/orgs/{Slug}/proposals/{id}/votes/mine", new { choice = "for" })).ExpectAsync(HttpStatusCode.OK);
        var until = DateTime.UtcNow.AddSeconds(20);
        int? number = null;
        while (number is null)
        {
            if (DateTime.UtcNow > until)
            {
                var state = await (await Member.Client.GetAsync($"/api/orgs/{Slug}/proposals/{id}")).Content.ReadAsStringAsync();
                throw new TimeoutException($"The member's vote should have closed the vote and adopted a decision; the proposal: {state}");
            }
            var register = await (await Member.Client.GetAsync($"/api/orgs/{Slug}/decisions")).ReadJsonAsync();
            if (register.GetArrayLength() > 0) number = register[0].GetProperty("number").GetInt32();
            else await Task.Delay(100);
        }
        if (stage == DecisionStage.InReview)
            await (await Member.Client.PostJsonAsync($"/api/orgs/{Slug}/decisions/{number}/done",
                new { worked = "The escrow account opened.", didNotWork = "Half the tenants paid late.", differently = "Start with a meeting." })).ExpectAsync(HttpStatusCode.OK);
        return number.Value;
    }

    /// <summary>A task of the decision, planned by its implementer.</summary>
    public async Task<Guid> TaskAsync() => task ??= await PlanTaskAsync();

    private async Task<Guid> PlanTaskAsync()
    {
        var number = await DecisionAsync(DecisionStage.Adopted);
        using var response = await Member.Client.PostJsonAsync($"/api/orgs/{Slug}/decisions/{number}/tasks", new { title = "Open the escrow account", dueOn = "2031-01-15" });
        await response.ExpectAsync(HttpStatusCode.Created);
        return (await response.ReadJsonAsync()).GetProperty("taskId").GetGuid();
    }

    /// <summary>Another full member of this organization, to hand the decision over to: seeded after its vote.</summary>
    public async Task<string> OtherMemberAsync()
    {
        await DecisionAsync(DecisionStage.Adopted);
        using var other = await SeedAsync(MemberStatus.Member, "comrade");
        return other.Handle;
    }

    public async Task<Guid> ThreadAsync() => thread ??= await StartThreadAsync();

    private async Task<Guid> StartThreadAsync()
    {
        using var response = await Member.Client.PostJsonAsync($"/api/orgs/{Slug}/threads", new { title = "Rent strike", markdown = "Shall we withhold the increase?" });
        await response.ExpectAsync(HttpStatusCode.Created);
        return (await response.ReadJsonAsync()).GetProperty("threadId").GetGuid();
    }

    /// <summary>A reply by the member in the target thread.</summary>
    public async Task<Guid> ContributionAsync() => contribution ??= await ReplyAsync(Member, await ThreadAsync());

    private async Task<Guid> ReplyAsync(Caller who, Guid inThread)
    {
        using var response = await who.Client.PostJsonAsync($"/api/orgs/{Slug}/threads/{inThread}/contributions", new { markdown = "I agree, with a plan." });
        await response.ExpectAsync(HttpStatusCode.Created);
        return (await response.ReadJsonAsync()).GetProperty("contributionId").GetGuid();
    }

    public static readonly object ProposalText = new
    {
        title = "Withhold the increase",
        problem = "The rent rose by 12 %.",
        action = "Pay the increase into escrow.",
        analysis = "Most tenants can afford the old rent.",
        alternatives = "Pay and complain.",
        plan = "Open an escrow account this month.",
    };

    public async Task<Guid> ProposalAsync(ProposalStage stage) => proposal ??= await DraftAsync(stage);

    private async Task<Guid> DraftAsync(ProposalStage stage)
    {
        // An amendment is offered to someone else's proposal: the proposer revises the text directly.
        using var proposer = stage == ProposalStage.DiscussionOfAnother ? await SeedAsync(MemberStatus.Member, "proposer") : null;
        var author = proposer ?? Member;
        using var drafted = await author.Client.PostJsonAsync($"/api/orgs/{Slug}/proposals", new { threadId = await ThreadAsync(), kind = "policy", text = ProposalText });
        await drafted.ExpectAsync(HttpStatusCode.Created);
        var id = (await drafted.ReadJsonAsync()).GetProperty("proposalId").GetGuid();
        if (stage >= ProposalStage.Discussion) await (await author.Client.PostAsync($"/api/orgs/{Slug}/proposals/{id}/submit")).ExpectAsync(HttpStatusCode.OK);
        if (stage >= ProposalStage.Voting) await (await Member.Client.PostAsync($"/api/orgs/{Slug}/proposals/{id}/open-voting")).ExpectAsync(HttpStatusCode.OK);
        return id;
    }

    /// <summary>A contribution another member wrote in the proposal's thread and offered as an amendment.</summary>
    public async Task<Guid> AmendmentAsync() => amendment ??= await OfferAsync();

    private async Task<Guid> OfferAsync()
    {
        var id = await ProposalAsync(ProposalStage.Discussion);
        using var helper = await SeedAsync(MemberStatus.Member, "amender");
        var offered = await ReplyAsync(helper, await ThreadAsync());
        await (await helper.Client.PostJsonAsync($"/api/orgs/{Slug}/proposals/{id}/amendments", new { contributionId = offered })).ExpectAsync(HttpStatusCode.OK);
        return offered;
    }

    public async Task<string> PendingCandidateAsync()
    {
        if (pending is not null) return pending;
        using var candidate = await SeedAsync(MemberStatus.Candidate, "pending");
        return pending = candidate.Handle;
    }

    public async Task<(Guid Id, string Token)> InvitationAsync()
    {
        if (invitationId is null)
        {
            using var response = await Member.Client.PostAsync($"/api/orgs/{Slug}/invitations");
            await response.ExpectAsync(HttpStatusCode.Created);
            var json = await response.ReadJsonAsync();
            (invitationId, invitationToken) = (json.GetProperty("id").GetGuid(), json.GetProperty("token").GetString());
        }
        return (invitationId.Value, invitationToken!);
    }

    public async Task<string> AttachmentAsync()
    {
        if (attachment is not null) return attachment;
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent("Minutes of the tenants' meeting."u8.ToArray());
        file.Headers.ContentType = new("text/plain");
        form.Add(file, "file", "minutes.txt");
        using var response = await Member.Client.PostAsync($"/api/orgs/{Slug}/attachments", form);
        await response.ExpectAsync(HttpStatusCode.Created);
        return attachment = (await response.ReadJsonAsync()).GetProperty("sha256").GetString()!;
    }

    public static HttpContent Json(object body) => JsonContent.Create(body);

    public void Dispose() => Member.Dispose();
}

public enum DecisionStage
{
    /// <summary>Adopted and being carried out: commitments open, tasks and reports possible.</summary>
    Adopted,

    /// <summary>Marked done by its implementer, with a self-criticism: open to criticisms.</summary>
    InReview,
}

public enum ProposalStage
{
    Draft,
    Discussion,

    /// <summary>In discussion, proposed by another member than <see cref="Target.Member"/>.</summary>
    DiscussionOfAnother,
    Voting,
}
