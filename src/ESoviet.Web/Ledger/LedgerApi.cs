using ESoviet.Web.Infrastructure;
using ESoviet.Web.Membership;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ESoviet.Web.Ledger;

/// <summary><c>GET /api/orgs/{slug}/ledger/head</c>: how many entries are sealed and the latest hash.</summary>
public sealed record LedgerHeadResponse(long Entries, string Head);

/// <summary>The sealed ledger under <c>/api/orgs/{slug}</c>: full members only (candidates 403, everyone else 404).</summary>
public static class LedgerApi
{
    public static RouteGroupBuilder MapLedgerApi(this RouteGroupBuilder api)
    {
        var org = api.MapOrganizationGroup().WithTags("Ledger");

        // GET /api/orgs/{slug}/ledger[?after=N] — 200 application/x-ndjson, one line per sealed entry with position > N
        // (default 0), up to the head when the request arrived (headers Ledger-Head-Position and Ledger-Head-Hash).
        // 400 when after is not a whole number ≥ 0. Format: docs/ledger.md.
        org.MapGet("/ledger", Export).WithName("ExportLedger").RequireFullMember()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        // GET /api/orgs/{slug}/ledger/head — 200 LedgerHeadResponse: compare with the last line of a download.
        org.MapGet("/ledger/head", Head).WithName("GetLedgerHead").RequireFullMember()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        return api;
    }

    private static async Task<Results<LedgerExportResult, ValidationProblem>> Export(
        HttpContext http, LedgerQueries queries, string? after, CancellationToken ct)
    {
        long from = 0;
        if (after is not null && (!long.TryParse(after, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out from)))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["after"] = ["A position: a whole number, 0 or more (the last position you already have)."],
            });
        }
        var org = http.Org();
        var head = await queries.HeadAsync(org.OrganizationId, ct);
        return new LedgerExportResult(org.OrganizationId, org.Slug, from, head);
    }

    private static async Task<Ok<LedgerHeadResponse>> Head(HttpContext http, LedgerQueries queries, CancellationToken ct)
    {
        var head = await queries.HeadAsync(http.Org().OrganizationId, ct);
        return TypedResults.Ok(new LedgerHeadResponse(head.Entries, head.Hash));
    }
}

public static class LedgerSetup
{
    /// <summary>The sealer (an async projection), its queries and the export.</summary>
    public static WebApplicationBuilder AddLedger(this WebApplicationBuilder builder)
    {
        builder.Services.AddAsyncProjection<LedgerSealer>();
        builder.Services.AddSingleton<LedgerQueries>();
        builder.Services.AddSingleton<LedgerExport>();
        return builder;
    }
}
