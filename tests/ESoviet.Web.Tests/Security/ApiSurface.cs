using ESoviet.Testing;

namespace ESoviet.Web.Tests.Security;

/// <summary>
/// Every endpoint of the API, what each kind of caller gets from it, and a valid body for it. The authorization
/// matrix checks the answers; the malformed-request tests start from the valid bodies. A route the app serves
/// without an entry here fails the matrix, so a new endpoint cannot ship without someone deciding who may call it.
/// </summary>
public static class ApiSurface
{
    /// <param name="Key">Method and route as <see cref="HostileFixture.ApiEndpoints"/> lists it.</param>
    /// <param name="Expected">Status per <see cref="Principal"/>, in declaration order.</param>
    /// <param name="Body">A valid body for the member, or null for none.</param>
    /// <param name="Query">A valid query string (with its "?"), if the endpoint needs one.</param>
    public sealed record Entry(string Key, int[] Expected, Func<Target, Task<HttpContent?>>? Body = null, string Query = "")
    {
        public Task<HttpContent?> BodyAsync(Target target) => Body is null ? Task.FromResult<HttpContent?>(null) : Body(target);

        public bool IsWrite => !Key.StartsWith("GET ", StringComparison.Ordinal);
    }

    private static Func<Target, Task<HttpContent?>> Json(Func<Target, object> body) => t => Task.FromResult<HttpContent?>(Target.Json(body(t)));

    private static Func<Target, Task<HttpContent?>> Json(Func<Target, Task<object>> body) => async t => Target.Json(await body(t));

    //                                                   anonymous  revoked  outsider expelled candidate member  member(cookie)
    public static readonly Entry[] Entries =
    [
        new("GET /api/version", [200, 401, 200, 200, 200, 200, 200]),
        new("ANY /hubs/live/negotiate", [200, 401, 200, 200, 200, 200, 200]),

        // Session and account.
        new("GET /api/session", [200, 401, 200, 200, 200, 200, 200]),
        new("POST /api/session", [204, 401, 204, 204, 204, 204, 204], Json(t => new { handle = t.Member.Handle, password = ApiClient.DefaultPassword })),
        new("DELETE /api/session", [204, 401, 204, 204, 204, 204, 204]),
        new("POST /api/session/recovery", [401, 401, 401, 401, 401, 401, 401], Json(t => new { handle = t.Member.Handle, code = "aaaa-bbbb-cccc" })),
        new("POST /api/account/password", [401, 401, 403, 403, 403, 403, 204],
            Json(t => new { currentPassword = ApiClient.DefaultPassword, newPassword = "a much longer new password" })),
        new("POST /api/account/recovery-codes", [401, 401, 403, 403, 403, 403, 200], Json(t => new { password = ApiClient.DefaultPassword })),
        new("GET /api/account/tokens", [401, 401, 403, 403, 403, 403, 200]),
        new("POST /api/account/tokens", [401, 401, 403, 403, 403, 403, 201], Json(t => new { name = "script" })),
        new("DELETE /api/account/tokens/{id}", [401, 401, 403, 403, 403, 403, 204]),
        new("POST /api/account/sign-out-everywhere", [401, 401, 403, 403, 403, 403, 204]),
        new("PUT /api/account/mentions", [401, 401, 403, 403, 403, 403, 204], Json(t => new { enabled = false })),

        // Organizations, membership, invitations.
        new("POST /api/orgs", [400, 401, 201, 201, 201, 201, 201], Json(t => new { name = "Tenants of Quay Street", slug = "org-" + Guid.NewGuid().ToString("N")[..8] })),
        new("GET /api/orgs", [401, 401, 200, 200, 200, 200, 200]),
        new("POST /api/invitations/accept", [400, 401, 200, 403, 409, 409, 409], Json(async t => (object)new { token = (await t.InvitationAsync()).Token })),
        new("GET /api/orgs/{slug}", [401, 401, 404, 404, 200, 200, 200]),
        new("GET /api/orgs/{slug}/charter", [401, 401, 404, 404, 200, 200, 200]),
        new("GET /api/orgs/{slug}/members", [401, 401, 404, 404, 200, 200, 200]),
        new("POST /api/orgs/{slug}/members/{handle}/vouches", [401, 401, 404, 404, 403, 200, 200]),
        new("POST /api/orgs/{slug}/membership/leave", [401, 401, 404, 404, 204, 204, 204]),
        new("POST /api/orgs/{slug}/invitations", [401, 401, 404, 404, 403, 201, 201]),
        new("GET /api/orgs/{slug}/invitations", [401, 401, 404, 404, 403, 200, 200]),
        new("DELETE /api/orgs/{slug}/invitations/{id}", [401, 401, 404, 404, 403, 204, 204]),

        // Deliberation.
        new("GET /api/orgs/{slug}/threads", [401, 401, 404, 404, 200, 200, 200]),
        new("POST /api/orgs/{slug}/threads", [401, 401, 404, 404, 201, 201, 201], Json(t => new { title = "Heating", markdown = "The boiler is broken again." })),
        new("GET /api/orgs/{slug}/threads/{threadId}", [401, 401, 404, 404, 200, 200, 200]),
        new("POST /api/orgs/{slug}/threads/{threadId}/contributions", [401, 401, 404, 404, 201, 201, 201], Json(t => new { markdown = "Count me in." })),
        new("GET /api/orgs/{slug}/contributions/{id}", [401, 401, 404, 404, 200, 200, 200]),
        new("PUT /api/orgs/{slug}/contributions/{id}", [401, 401, 404, 404, 403, 200, 200], Json(t => new { markdown = "I agree, with a better plan." })),
        new("POST /api/orgs/{slug}/contributions/{id}/retract", [401, 401, 404, 404, 403, 200, 200]),
        new("GET /api/orgs/{slug}/contributions/{id}/history", [401, 401, 404, 404, 200, 200, 200]),
        new("POST /api/orgs/{slug}/preview", [401, 401, 404, 404, 200, 200, 200], Json(t => new { markdown = "**Draft**" })),
        new("POST /api/orgs/{slug}/attachments", [401, 401, 404, 404, 201, 201, 201], t => Task.FromResult<HttpContent?>(TextFile("notes.txt", "Notes."))),
        new("GET /api/orgs/{slug}/attachments/{sha256}", [401, 401, 404, 404, 200, 200, 200]),
        new("GET /api/orgs/{slug}/search", [401, 401, 404, 404, 200, 200, 200], Query: "?q=rent"),
        new("GET /api/orgs/{slug}/mentions", [401, 401, 404, 404, 200, 200, 200]),

        // Proposals and votes. The member is the proposer; the candidate is in the thread but not in the electorate.
        new("GET /api/orgs/{slug}/proposals", [401, 401, 404, 404, 200, 200, 200]),
        new("POST /api/orgs/{slug}/proposals", [401, 401, 404, 404, 403, 201, 201],
            Json(async t => (object)new { threadId = await t.ThreadAsync(), kind = "policy", text = Target.ProposalText })),
        new("GET /api/orgs/{slug}/proposals/{id}", [401, 401, 404, 404, 200, 200, 200]),
        new("PUT /api/orgs/{slug}/proposals/{id}", [401, 401, 404, 404, 403, 200, 200], Json(t => new { text = RevisedText })),
        new("GET /api/orgs/{slug}/proposals/{id}/revisions", [401, 401, 404, 404, 200, 200, 200]),
        new("POST /api/orgs/{slug}/proposals/{id}/submit", [401, 401, 404, 404, 403, 200, 200]),
        new("POST /api/orgs/{slug}/proposals/{id}/withdraw", [401, 401, 404, 404, 403, 200, 200]),
        new("POST /api/orgs/{slug}/proposals/{id}/open-voting", [401, 401, 404, 404, 403, 200, 200]),
        new("POST /api/orgs/{slug}/proposals/{id}/amendments", [401, 401, 404, 404, 403, 200, 200],
            Json(async t => (object)new { contributionId = await t.ContributionAsync() })),
        new("POST /api/orgs/{slug}/proposals/{id}/amendments/{contributionId}/answer", [401, 401, 404, 404, 403, 200, 200],
            Json(t => new { accept = true, reason = "Better." })),
        new("PUT /api/orgs/{slug}/proposals/{id}/votes/mine", [401, 401, 404, 404, 403, 200, 200], Json(t => new { choice = "for", reason = "Fair." })),
        new("GET /api/orgs/{slug}/proposals/{id}/votes/mine", [401, 401, 404, 404, 204, 204, 204]),
        new("GET /api/orgs/{slug}/proposals/{id}/roll-call", [401, 401, 404, 404, 200, 200, 200]),

        // Decisions. The member proposed the adopted policy, so implements it; the candidate, the expelled member and
        // the revoked token's member are seeded after the vote, so are not bound by it.
        new("GET /api/orgs/{slug}/decisions", [401, 401, 404, 404, 200, 200, 200]),
        new("GET /api/orgs/{slug}/decisions/mine", [401, 401, 404, 404, 200, 200, 200]),
        new("GET /api/orgs/{slug}/decisions/{number}", [401, 401, 404, 404, 200, 200, 200]),
        new("GET /api/orgs/{slug}/vanguard", [401, 401, 404, 404, 200, 200, 200]),
        new("POST /api/orgs/{slug}/decisions/{number}/commitment", [401, 401, 404, 404, 403, 200, 200],
            Json(t => new { abide = true, dissent = "I would have waited a month." })),
        // Only a member who voted against may sign; this member voted for.
        new("POST /api/orgs/{slug}/decisions/{number}/minority-report", [401, 401, 404, 404, 403, 403, 403], Json(t => new { text = "We should have waited." })),
        new("POST /api/orgs/{slug}/decisions/{number}/tasks", [401, 401, 404, 404, 403, 201, 201], Json(t => new { title = "Print the leaflets", dueOn = "2031-02-01" })),
        new("POST /api/orgs/{slug}/decisions/{number}/tasks/{taskId}/state", [401, 401, 404, 404, 403, 200, 200], Json(t => new { state = "in_progress" })),
        // The implementer cannot volunteer for their own task.
        new("POST /api/orgs/{slug}/decisions/{number}/tasks/{taskId}/volunteers", [401, 401, 404, 404, 403, 409, 409]),
        new("POST /api/orgs/{slug}/decisions/{number}/reports", [401, 401, 404, 404, 403, 201, 201],
            Json(t => new { percent = 40, happened = "The account is open.", blocked = "The bank wants two signatures." })),
        new("POST /api/orgs/{slug}/decisions/{number}/handover", [401, 401, 404, 404, 403, 200, 200], Json(async t => (object)new { to = await t.OtherMemberAsync() })),
        // Nothing was offered to this member: the implementer offers, another accepts.
        new("POST /api/orgs/{slug}/decisions/{number}/handover/accept", [401, 401, 404, 404, 403, 403, 403]),
        new("POST /api/orgs/{slug}/decisions/{number}/done", [401, 401, 404, 404, 403, 200, 200],
            Json(t => new { worked = "The account opened.", didNotWork = "Late payments.", differently = "Meet first." })),
        new("POST /api/orgs/{slug}/decisions/{number}/criticisms", [401, 401, 404, 404, 403, 201, 201],
            Json(t => new { point = "The leaflets came late.", evidence = "Three tenants never saw one.", suggestion = "Print earlier." })),

        // Ledger.
        new("GET /api/orgs/{slug}/ledger", [401, 401, 404, 404, 403, 200, 200]),
        new("GET /api/orgs/{slug}/ledger/head", [401, 401, 404, 404, 403, 200, 200]),
    ];

    private static readonly object RevisedText = new
    {
        title = "Withhold the increase until the landlord negotiates",
        problem = "The rent rose by 12 %.",
        action = "Pay the increase into escrow.",
        analysis = "Most tenants can afford the old rent.",
        alternatives = "Pay and complain.",
        plan = "Open an escrow account this month.",
    };

    public static HttpContent TextFile(string name, string text) => File(name, "text/plain", System.Text.Encoding.UTF8.GetBytes(text));

    public static HttpContent File(string name, string? contentType, byte[] content)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        if (contentType is not null) file.Headers.ContentType = new(contentType);
        form.Add(file, "file", name);
        return form;
    }
}
