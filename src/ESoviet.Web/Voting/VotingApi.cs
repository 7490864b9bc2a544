using ESoviet.Web.Accounts;
using ESoviet.Web.Infrastructure;
using ESoviet.Web.Membership;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ESoviet.Web.Voting;

/// <summary>Body of <c>POST /api/orgs/{slug}/proposals</c>: a draft inside an existing thread.</summary>
/// <remarks><c>amends</c> and <c>repeals</c>: numbers of decisions in force (1 for D-1) that a policy amends or repeals.</remarks>
public sealed record DraftRequest(
    Guid ThreadId, ProposalKind Kind, ProposalText? Text, Charter? NewCharter, string? Subject, IReadOnlyList<int>? Amends = null, IReadOnlyList<int>? Repeals = null);

/// <summary>Body of <c>PUT /api/orgs/{slug}/proposals/{id}</c>: the revised text (and, for a charter change, charter).</summary>
public sealed record ReviseRequest(ProposalText? Text, Charter? NewCharter);

public sealed record OfferAmendmentRequest(Guid ContributionId);

public sealed record AnswerAmendmentRequest(bool Accept, string? Reason);

/// <summary>Body of <c>PUT /api/orgs/{slug}/proposals/{id}/votes/mine</c>.</summary>
public sealed record VoteRequest(VoteChoice? Choice, string? Reason);

public sealed record VoteResponse(CastVote Vote, TallyView Tally);

/// <summary>
/// Proposals and roll-call votes under <c>/api/orgs/{slug}</c>. Reading is open to candidates and members; proposing,
/// opening votes and voting are for full members (403 for candidates). Drafts exist only for their author (404 for
/// anyone else). Votes take an <c>Idempotency-Key</c> header: a retry with the same key never counts twice.
/// </summary>
public static class VotingApi
{
    public static RouteGroupBuilder MapVotingApi(this RouteGroupBuilder api)
    {
        var org = api.MapOrganizationGroup().WithTags("Proposals and votes");

        org.MapGet("/proposals", List).WithName("ListProposals");
        org.MapPost("/proposals", Draft).WithName("DraftProposal").RequireFullMember().RequireRateLimiting(AccountsSetup.PostingRateLimit).ProducesValidationProblem();
        org.MapGet("/proposals/{id:guid}", Get).WithName("GetProposal").ProducesProblem(StatusCodes.Status404NotFound);
        org.MapPut("/proposals/{id:guid}", Revise).WithName("ReviseProposal").RequireFullMember().RequireRateLimiting(AccountsSetup.PostingRateLimit).ProducesValidationProblem();
        org.MapGet("/proposals/{id:guid}/revisions", Revisions).WithName("ProposalRevisions");
        org.MapPost("/proposals/{id:guid}/submit", Submit).WithName("SubmitProposal").RequireFullMember();
        org.MapPost("/proposals/{id:guid}/withdraw", Withdraw).WithName("WithdrawProposal").RequireFullMember();
        org.MapPost("/proposals/{id:guid}/open-voting", OpenVoting).WithName("OpenVoting").RequireFullMember()
            .ProducesProblem(StatusCodes.Status409Conflict);
        // Amendments: the author of a contribution in the proposal's thread offers it; the proposer answers, visibly.
        org.MapPost("/proposals/{id:guid}/amendments", OfferAmendment).WithName("OfferAmendment");
        org.MapPost("/proposals/{id:guid}/amendments/{contributionId:guid}/answer", AnswerAmendment).WithName("AnswerAmendment").RequireFullMember();
        // PUT votes/mine — cast or change the caller's vote. 200 VoteResponse; 400 unknown choice; 403 candidate or
        // not an elector; 409 voting not open or closed; 422 Idempotency-Key reused for a different vote.
        org.MapPut("/proposals/{id:guid}/votes/mine", Vote).WithName("CastVote").RequireFullMember().RequireRateLimiting(AccountsSetup.VotingRateLimit)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        org.MapGet("/proposals/{id:guid}/votes/mine", MyVote).WithName("MyVote");
        // GET roll-call — every elector with their current choice, reason and time, and who has not voted yet.
        org.MapGet("/proposals/{id:guid}/roll-call", GetRollCall).WithName("RollCall");
        return api;
    }

    private static async Task<Ok<IReadOnlyList<ProposalSummary>>> List(HttpContext http, VotingQueries queries, ProposalPhase? phase, CancellationToken ct) =>
        TypedResults.Ok(await queries.ListAsync(http.Org().OrganizationId, http.Org().Handle, phase, ct));

    private static async Task<IResult> Draft(HttpContext http, VotingCommands commands, DraftRequest body, CancellationToken ct)
    {
        var org = http.Org();
        var outcome = await commands.DraftAsync(org, new DraftInput(body.ThreadId, body.Kind, body.Text, body.NewCharter, body.Subject, body.Amends, body.Repeals), ct);
        return outcome.IsRejected
            ? outcome.Rejection!.ToResult()
            : TypedResults.Created($"/api/orgs/{org.Slug}/proposals/{outcome.Value!.ProposalId}", outcome.Value);
    }

    private static async Task<IResult> Get(HttpContext http, VotingQueries queries, Guid id, CancellationToken ct)
    {
        var proposal = await queries.FindAsync(http.Org().OrganizationId, id, http.Org().Handle, ct);
        return proposal is null ? TypedResults.NotFound() : TypedResults.Ok(proposal);
    }

    private static async Task<IResult> Revisions(HttpContext http, VotingQueries queries, Guid id, CancellationToken ct)
    {
        var proposal = await queries.FindAsync(http.Org().OrganizationId, id, http.Org().Handle, ct);
        return proposal is null ? TypedResults.NotFound() : TypedResults.Ok(await queries.RevisionsAsync(id, ct));
    }

    private static async Task<IResult> Revise(HttpContext http, VotingCommands commands, Guid id, ReviseRequest body, CancellationToken ct) =>
        Result(await commands.ReviseAsync(http.Org(), id, body.Text, body.NewCharter, ct));

    private static async Task<IResult> Submit(HttpContext http, VotingCommands commands, Guid id, CancellationToken ct) =>
        Result(await commands.SubmitAsync(http.Org(), id, ct));

    private static async Task<IResult> Withdraw(HttpContext http, VotingCommands commands, Guid id, CancellationToken ct) =>
        Result(await commands.WithdrawAsync(http.Org(), id, ct));

    private static async Task<IResult> OpenVoting(HttpContext http, VotingCommands commands, Guid id, CancellationToken ct) =>
        Result(await commands.OpenVotingAsync(http.Org(), id, ct));

    private static async Task<IResult> OfferAmendment(HttpContext http, VotingCommands commands, Guid id, OfferAmendmentRequest body, CancellationToken ct) =>
        Result(await commands.OfferAmendmentAsync(http.Org(), id, body.ContributionId, ct));

    private static async Task<IResult> AnswerAmendment(
        HttpContext http, VotingCommands commands, Guid id, Guid contributionId, AnswerAmendmentRequest body, CancellationToken ct) =>
        Result(await commands.AnswerAmendmentAsync(http.Org(), id, contributionId, body.Accept, body.Reason, ct));

    private static async Task<IResult> Vote(HttpContext http, VotingCommands commands, TallyRecounts recounts, Guid id, VoteRequest body, CancellationToken ct)
    {
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length > 200) return Rejection.Invalid("Idempotency-Key", "An Idempotency-Key may have at most 200 characters.").ToResult();
        var org = http.Org();
        var outcome = await commands.CastAsync(org, id, body.Choice, body.Reason, key.Length == 0 ? null : key, ct);
        if (outcome.IsRejected) return outcome.Rejection!.ToResult();
        return TypedResults.Ok(new VoteResponse(outcome.Value!, (await recounts.AfterCommitAsync(id, ct))!));
    }

    private static async Task<IResult> MyVote(HttpContext http, VotingQueries queries, Guid id, CancellationToken ct)
    {
        var org = http.Org();
        if (await queries.FindAsync(org.OrganizationId, id, org.Handle, ct) is null) return TypedResults.NotFound();
        var vote = await queries.MyVoteAsync(id, org.Handle, ct);
        return vote is null ? TypedResults.NoContent() : TypedResults.Ok(vote);
    }

    private static async Task<IResult> GetRollCall(HttpContext http, VotingQueries queries, Guid id, CancellationToken ct)
    {
        var org = http.Org();
        var proposal = await queries.FindAsync(org.OrganizationId, id, org.Handle, ct);
        if (proposal is null) return TypedResults.NotFound();
        var rollCall = await queries.RollCallAsync(proposal, ct);
        return rollCall is null ? Rejection.Conflict("Voting has not opened yet.").ToResult() : TypedResults.Ok(rollCall);
    }

    private static IResult Result(Outcome<ProposalRef> outcome) =>
        outcome.IsRejected ? outcome.Rejection!.ToResult() : TypedResults.Ok(outcome.Value);
}

public static class VotingSetup
{
    public static WebApplicationBuilder AddVoting(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<VotingQueries>();
        builder.Services.AddSingleton<TallyRecounts>();
        builder.Services.AddSingleton<VotingCommands>();
        builder.Services.AddSingleton<ProposalCloser>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ProposalCloser>());
        builder.Services.AddInlineProjection<VotingProjection>();
        return builder;
    }
}
