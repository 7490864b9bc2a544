using ESoviet.Web.Accounts;
using ESoviet.Web.Infrastructure;
using ESoviet.Web.Membership;

namespace ESoviet.Web.Decisions;

/// <summary>Body of <c>POST …/decisions/{number}/commitment</c>: abide (with an optional dissent) or refuse (with a reason).</summary>
public sealed record CommitRequest(bool? Abide, string? Dissent, string? Reason);

public sealed record MinorityReportRequest(string? Text);

public sealed record PlanTaskRequest(string? Title, DateOnly? DueOn);

public sealed record TaskStateRequest(TaskState? State, string? Reason);

public sealed record ReportRequest(int? Percent, string? Happened, string? Blocked);

public sealed record HandoverRequest(string? To);

public sealed record CompleteRequest(string? Worked, string? DidNotWork, string? Differently);

public sealed record CriticismRequest(string? Point, string? Evidence, string? Suggestion);

/// <summary>
/// Binding decisions under <c>/api/orgs/{slug}</c>: the register, one decision, the caller's own commitments and tasks,
/// the vanguard figures; and every action on a decision. Reading is open to candidates and members; acting is for
/// full members (403 for candidates), and the implementer's actions for the implementer.
/// </summary>
public static class DecisionsApi
{
    public static RouteGroupBuilder MapDecisionsApi(this RouteGroupBuilder api)
    {
        // Every write here is something a member writes (a commitment, a task, a report, a criticism): the posting
        // allowance, per member; reads are never limited.
        var org = api.MapOrganizationGroup().WithTags("Decisions").RequireRateLimiting(AccountsSetup.PostingRateLimit);

        org.MapGet("/decisions", async (HttpContext http, DecisionQueries q, CancellationToken ct) =>
            TypedResults.Ok(await q.RegisterAsync(http.Org().OrganizationId, ct))).WithName("DecisionRegister");
        org.MapGet("/decisions/mine", async (HttpContext http, DecisionQueries q, CancellationToken ct) =>
            TypedResults.Ok(await q.MineAsync(http.Org().OrganizationId, http.Org().Handle, ct))).WithName("MyDecisionWork");
        org.MapGet("/decisions/{number:int}", async (HttpContext http, DecisionQueries q, int number, CancellationToken ct) =>
            await q.FindAsync(http.Org().OrganizationId, number, ct) is { } d ? Results.Ok(d) : Results.NotFound()).WithName("GetDecision");
        org.MapGet("/vanguard", async (HttpContext http, DecisionQueries q, CancellationToken ct) =>
            TypedResults.Ok(await q.VanguardAsync(http.Org().OrganizationId, ct))).WithName("Vanguard");

        org.MapPost("/decisions/{number:int}/commitment", async (HttpContext http, DecisionCommands c, int number, CommitRequest body, CancellationToken ct) =>
        {
            var outcome = await c.CommitAsync(http.Org(), number, body.Abide, body.Dissent, body.Reason, ct);
            return outcome.IsRejected ? outcome.Rejection!.ToResult() : Results.Ok(outcome.Value);
        }).WithName("Commit").RequireFullMember().ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        org.MapPost("/decisions/{number:int}/minority-report", (HttpContext http, DecisionCommands c, int number, MinorityReportRequest body, CancellationToken ct) =>
            Run(c.SignMinorityReportAsync(http.Org(), number, body.Text, ct))).WithName("SignMinorityReport").RequireFullMember();
        org.MapPost("/decisions/{number:int}/tasks", async (HttpContext http, DecisionCommands c, int number, PlanTaskRequest body, CancellationToken ct) =>
        {
            var outcome = await c.PlanTaskAsync(http.Org(), number, body.Title, body.DueOn, ct);
            return outcome.IsRejected
                ? outcome.Rejection!.ToResult()
                : Results.Created($"/api/orgs/{http.Org().Slug}/decisions/{number}", new { number, taskId = outcome.Value!.ItemId });
        }).WithName("PlanTask").RequireFullMember().ProducesValidationProblem();
        org.MapPost("/decisions/{number:int}/tasks/{taskId:guid}/state",
            (HttpContext http, DecisionCommands c, int number, Guid taskId, TaskStateRequest body, CancellationToken ct) =>
                Run(c.ChangeTaskAsync(http.Org(), number, taskId, body.State, body.Reason, ct))).WithName("ChangeTask").RequireFullMember();
        org.MapPost("/decisions/{number:int}/tasks/{taskId:guid}/volunteers", (HttpContext http, DecisionCommands c, int number, Guid taskId, CancellationToken ct) =>
            Run(c.VolunteerAsync(http.Org(), number, taskId, ct))).WithName("VolunteerForTask").RequireFullMember();
        org.MapPost("/decisions/{number:int}/reports", async (HttpContext http, DecisionCommands c, int number, ReportRequest body, CancellationToken ct) =>
        {
            var outcome = await c.ReportAsync(http.Org(), number, body.Percent, body.Happened, body.Blocked, ct);
            return outcome.IsRejected
                ? outcome.Rejection!.ToResult()
                : Results.Created($"/api/orgs/{http.Org().Slug}/decisions/{number}", new { number, reportId = outcome.Value!.ItemId });
        }).WithName("ReportProgress").RequireFullMember().ProducesValidationProblem();
        org.MapPost("/decisions/{number:int}/handover", (HttpContext http, DecisionCommands c, int number, HandoverRequest body, CancellationToken ct) =>
            Run(c.OfferHandoverAsync(http.Org(), number, body.To, ct))).WithName("OfferHandover").RequireFullMember();
        org.MapPost("/decisions/{number:int}/handover/accept", (HttpContext http, DecisionCommands c, int number, CancellationToken ct) =>
            Run(c.AcceptHandoverAsync(http.Org(), number, ct))).WithName("AcceptHandover").RequireFullMember();
        org.MapPost("/decisions/{number:int}/done", (HttpContext http, DecisionCommands c, int number, CompleteRequest body, CancellationToken ct) =>
            Run(c.CompleteAsync(http.Org(), number, new SelfCriticism(body.Worked ?? "", body.DidNotWork ?? "", body.Differently ?? ""), ct)))
            .WithName("MarkDecisionDone").RequireFullMember().ProducesValidationProblem();
        org.MapPost("/decisions/{number:int}/criticisms", async (HttpContext http, DecisionCommands c, int number, CriticismRequest body, CancellationToken ct) =>
        {
            var outcome = await c.CriticizeAsync(http.Org(), number, new Criticism(body.Point ?? "", body.Evidence, body.Suggestion), ct);
            return outcome.IsRejected
                ? outcome.Rejection!.ToResult()
                : Results.Created($"/api/orgs/{http.Org().Slug}/decisions/{number}", new { number, criticismId = outcome.Value!.ItemId });
        }).WithName("AddCriticism").RequireFullMember().ProducesValidationProblem();
        return api;
    }

    private static async Task<IResult> Run(Task<Outcome<DecisionRef>> action)
    {
        var outcome = await action;
        return outcome.IsRejected ? outcome.Rejection!.ToResult() : Results.Ok(outcome.Value);
    }
}

public static class DecisionsSetup
{
    /// <summary>Call after <c>AddVoting</c>: the decisions projection writes to proposal rows the voting projection creates.</summary>
    public static WebApplicationBuilder AddDecisions(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DecisionQueries>();
        builder.Services.AddSingleton<DecisionCommands>();
        builder.Services.AddSingleton<DecisionKeeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DecisionKeeper>());
        builder.Services.AddInlineProjection<DecisionsProjection>();
        return builder;
    }
}
