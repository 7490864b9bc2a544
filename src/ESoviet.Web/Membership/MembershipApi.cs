using ESoviet.Web.Accounts;
using ESoviet.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ESoviet.Web.Membership;

/// <summary>Body of <c>POST /api/orgs</c>. <c>handle</c> and <c>password</c> make a new account; they are ignored when signed in.</summary>
public sealed record FoundRequest(string? Name, string? Slug, string? Handle, string? Password);

/// <summary>
/// 201 from <c>POST /api/orgs</c>. <c>recoveryCodes</c> is present only when a new account was made (and then the
/// response also signs it in with the session cookie): the ten codes are shown this once.
/// </summary>
public sealed record FoundResponse(MyOrganization Organization, string Handle, IReadOnlyList<string>? RecoveryCodes);

/// <summary>201 from <c>POST /api/orgs/{slug}/invitations</c>. <c>link</c> and <c>token</c> are never shown again.</summary>
public sealed record InvitationCreated(Guid Id, string Link, string Token, DateTimeOffset ExpiresAt);

/// <summary>Body of <c>POST /api/invitations/accept</c>. <c>handle</c>/<c>password</c> make a new account when nobody is signed in.</summary>
public sealed record AcceptInvitationRequest(string? Token, string? Handle, string? Password);

/// <summary>
/// 200 from <c>POST /api/invitations/accept</c>: where the caller is now a candidate. <c>recoveryCodes</c> as in
/// <see cref="FoundResponse"/>.
/// </summary>
public sealed record JoinedResponse(MyOrganization Organization, string Handle, IReadOnlyList<string>? RecoveryCodes);

/// <summary>200 from a vouch: the candidate's vouches now, the threshold at this vouch, and whether it admitted them.</summary>
public sealed record VouchResponse(string Candidate, string Voucher, int Vouches, int VouchesNeeded, MemberStatus Status);

/// <summary>
/// Organizations, membership and invitations under <c>/api</c>. Anonymous callers get 401 except where noted;
/// everything under <c>/api/orgs/{slug}</c> is behind <see cref="OrgAccessExtensions.MapOrganizationGroup"/> (404 to
/// anyone who is not a candidate or member there). Refusals are RFC 9457 problem documents; field errors are
/// validation problems (400, <c>errors: { field: [message] }</c>, fields named as in the request body).
/// </summary>
public static class MembershipApi
{
    public static RouteGroupBuilder MapMembershipApi(this RouteGroupBuilder api)
    {
        var orgs = api.MapGroup("/orgs").WithTags("Organizations");

        // POST /api/orgs — found an organization (anonymous allowed: makes the founder's account). 201 FoundResponse;
        // 400 field errors (name, slug, handle, password; a taken slug or handle is a field error);
        // 403 when founding is closed (an organization exists and ESoviet:AllowFoundingAfterFirst is off).
        orgs.MapPost("", Found).WithName("FoundOrganization")
            .ProducesProblem(StatusCodes.Status403Forbidden);

        // GET /api/orgs — the caller's organizations where they are a candidate or member. 200 MyOrganization[]; 401.
        orgs.MapGet("", Mine).WithName("ListMyOrganizations").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        // POST /api/invitations/accept — anonymous allowed. 200 JoinedResponse; 400 field errors (handle, password);
        // 404 unknown token (nothing said about any organization); 410 used, revoked or expired;
        // 409 the account already belongs to the organization.
        api.MapPost("/invitations/accept", Accept).WithName("AcceptInvitation").WithTags("Invitations")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status410Gone);

        var org = api.MapOrganizationGroup().WithTags("Organizations");

        // GET /api/orgs/{slug} — 200 OrganizationDetails (candidates and members).
        org.MapGet("", Details).WithName("GetOrganization");

        // GET /api/orgs/{slug}/charter — 200 Charter (candidates and members).
        org.MapGet("/charter", GetCharter).WithName("GetCharter");

        // GET /api/orgs/{slug}/members — 200 MemberList: current candidates and members with their vouchers.
        org.MapGet("/members", Members).WithName("ListMembers");

        // POST /api/orgs/{slug}/members/{handle}/vouches — members only (403 candidates). 200 VouchResponse;
        // 400 vouching for yourself; 404 no such candidate; 409 already vouched, or already a member.
        org.MapPost("/members/{handle}/vouches", Vouch).WithName("Vouch").RequireFullMember()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);

        // POST /api/orgs/{slug}/membership/leave — the caller leaves (candidates may withdraw too). 204.
        org.MapPost("/membership/leave", Leave).WithName("LeaveOrganization");

        // POST /api/orgs/{slug}/invitations — members only. 201 InvitationCreated (the link, shown once).
        org.MapPost("/invitations", Issue).WithName("IssueInvitation").RequireFullMember().RequireRateLimiting(AccountsSetup.InvitationRateLimit)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        // GET /api/orgs/{slug}/invitations — members only. 200 InvitationEntry[], newest first.
        org.MapGet("/invitations", Invitations).WithName("ListInvitations").RequireFullMember()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        // DELETE /api/orgs/{slug}/invitations/{id} — any member revokes an open invitation. 204; 403 candidates;
        // 404 no such invitation in this organization; 409 already accepted, revoked or expired.
        org.MapDelete("/invitations/{id:guid}", Revoke).WithName("RevokeInvitation").RequireFullMember()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return api;
    }

    private static async Task<Results<Created<FoundResponse>, ValidationProblem, ProblemHttpResult>> Found(
        FoundRequest body, HttpContext http, MembershipCommands commands, AccountStore accounts, CancellationToken ct)
    {
        var signedIn = await SignedInAccountAsync(http, accounts, ct);
        var outcome = await commands.FoundAsync(body.Name, body.Slug, signedIn, signedIn is null ? new NewAccountInput(body.Handle, body.Password) : null, ct);
        if (outcome.Rejection is { } rejection) return Refuse<Created<FoundResponse>>(rejection);
        var founded = outcome.Value!;
        if (founded.NewAccount is not null) await AccountSignIn.SignInAsync(http, founded.Founder);
        return TypedResults.Created($"{ApiEndpoints.Prefix}/orgs/{founded.Slug}", new FoundResponse(
            new MyOrganization(founded.Slug, founded.Name, MemberStatus.Member), founded.Founder.Handle, founded.NewAccount?.RecoveryCodes));
    }

    private static async Task<Ok<IReadOnlyList<MyOrganization>>> Mine(HttpContext http, MembershipQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.MineAsync(http.User.AccountIdOf()!.Value, ct));

    private static async Task<Results<Ok<JoinedResponse>, ValidationProblem, ProblemHttpResult>> Accept(
        AcceptInvitationRequest body, HttpContext http, MembershipCommands commands, AccountStore accounts, CancellationToken ct)
    {
        var signedIn = await SignedInAccountAsync(http, accounts, ct);
        var outcome = await commands.AcceptInvitationAsync(body.Token, signedIn, signedIn is null ? new NewAccountInput(body.Handle, body.Password) : null, ct);
        if (outcome.Rejection is { } rejection) return Refuse<Ok<JoinedResponse>>(rejection);
        var joined = outcome.Value!;
        if (joined.NewAccount is not null) await AccountSignIn.SignInAsync(http, joined.Account);
        return TypedResults.Ok(new JoinedResponse(
            new MyOrganization(joined.Slug, joined.Name, MemberStatus.Candidate), joined.Account.Handle, joined.NewAccount?.RecoveryCodes));
    }

    private static async Task<Ok<OrganizationDetails>> Details(HttpContext http, MembershipQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.DetailsAsync(http.Org(), ct));

    private static async Task<Ok<Charter>> GetCharter(HttpContext http, MembershipQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.CharterAsync(http.Org().OrganizationId, ct));

    private static async Task<Ok<MemberList>> Members(HttpContext http, MembershipQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.MembersAsync(http.Org().OrganizationId, ct));

    private static async Task<Results<Ok<VouchResponse>, ValidationProblem, ProblemHttpResult>> Vouch(
        string handle, HttpContext http, MembershipCommands commands, CancellationToken ct)
    {
        var org = http.Org();
        var outcome = await commands.VouchAsync(org, handle, ct);
        if (outcome.Rejection is { } rejection) return Refuse<Ok<VouchResponse>>(rejection);
        var vouched = outcome.Value!;
        return TypedResults.Ok(new VouchResponse(vouched.Candidate, org.Handle, vouched.Vouches, vouched.VouchesNeeded,
            vouched.Admitted ? MemberStatus.Member : MemberStatus.Candidate));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Leave(HttpContext http, MembershipCommands commands, CancellationToken ct) =>
        await commands.LeaveAsync(http.Org(), ct) is { } rejection ? Problem(rejection) : TypedResults.NoContent();

    private static async Task<Created<InvitationCreated>> Issue(HttpContext http, MembershipCommands commands, CancellationToken ct)
    {
        var outcome = await commands.IssueInvitationAsync(http.Org(), ct);
        // Only members reach here (RequireFullMember), and issuing has no other reason to refuse.
        var issued = outcome.Value ?? throw new InvalidOperationException(outcome.Rejection?.Title);
        return TypedResults.Created(
            $"{ApiEndpoints.Prefix}/orgs/{http.Org().Slug}/invitations",
            new InvitationCreated(issued.Id, JoinLink(http.Request, issued.Token), issued.Token, issued.ExpiresAt));
    }

    private static async Task<Ok<IReadOnlyList<InvitationEntry>>> Invitations(HttpContext http, MembershipQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.InvitationsAsync(http.Org().OrganizationId, ct));

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(Guid id, HttpContext http, MembershipCommands commands, CancellationToken ct) =>
        await commands.RevokeInvitationAsync(http.Org(), id, ct) is { } rejection ? Problem(rejection) : TypedResults.NoContent();

    /// <summary>The absolute link a member passes on: <c>{origin}/join/{token}</c>.</summary>
    public static string JoinLink(HttpRequest request, string token) =>
        $"{request.Scheme}://{request.Host}{request.PathBase}/join/{token}";

    /// <summary>The signed-in caller's account (cookie or token), or null when anonymous.</summary>
    public static async Task<Account?> SignedInAccountAsync(HttpContext http, AccountStore accounts, CancellationToken ct) =>
        http.User.AccountIdOf() is { } id ? await accounts.FindAsync(id, ct) : null;

    private static Results<TOk, ValidationProblem, ProblemHttpResult> Refuse<TOk>(Rejection rejection) where TOk : IResult =>
        rejection.Errors is { Count: > 0 } errors && rejection.Status == StatusCodes.Status400BadRequest
            ? TypedResults.ValidationProblem(errors.ToDictionary(), title: rejection.Title)
            : Problem(rejection);

    private static ProblemHttpResult Problem(Rejection rejection) =>
        TypedResults.Problem(statusCode: rejection.Status, title: rejection.Title, detail: Detail(rejection));

    // A refusal's one message doubles as its detail, so clients that show only `detail` show something useful.
    private static string? Detail(Rejection rejection) =>
        rejection.Errors is { Count: > 0 } errors ? string.Join(" ", errors.Values.SelectMany(m => m)) : rejection.Title;
}
