using ESoviet.Web.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.Mvc.Filters;
using Npgsql;

namespace ESoviet.Web.Membership;

/// <summary>The signed-in person inside one organization they belong to (as candidate or member).</summary>
public sealed record OrgMember(Guid OrganizationId, string Slug, string Name, string Handle, MemberStatus Status)
{
    public bool IsMember => Status == MemberStatus.Member;

    public bool IsCandidate => Status == MemberStatus.Candidate;

    public Participant AsParticipant => new(Handle, Status);
}

/// <summary>
/// The one gate into an organization: slug + signed-in account → who they are there, or null. Null covers "no such
/// organization", "not a member", "left" and "expelled" alike, and every caller answers all of them with the same
/// 404, so nobody outside learns that an organization exists. Read from the inline read model on every request, so
/// a departure takes effect with the commit that records it, not when some cookie expires.
/// </summary>
public sealed class OrgAccess(NpgsqlDataSource dataSource)
{
    private const string ItemKey = "esoviet:org-member";

    /// <summary>Resolves once per request and remembers the answer for the rest of it.</summary>
    public async Task<OrgMember?> ResolveAsync(HttpContext context, string? slug)
    {
        if (context.Items.TryGetValue(ItemKey, out var cached) && cached is OrgMember known && known.Slug == slug) return known;
        var accountId = context.User.AccountIdOf();
        if (accountId is null || string.IsNullOrEmpty(slug)) return null;
        var member = await FindAsync(slug, accountId.Value, context.RequestAborted);
        if (member is not null) context.Items[ItemKey] = member;
        return member;
    }

    /// <summary>The account's standing in the organization at <paramref name="slug"/>, when it is a candidate or member there.</summary>
    public async Task<OrgMember?> FindAsync(string slug, Guid accountId, CancellationToken ct)
    {
        // Through accounts by id: a deleted account loses every organization with it.
        await using var cmd = dataSource.CreateCommand("""
            SELECT o.id, o.slug, o.name, m.handle, m.status
              FROM organizations o
              JOIN memberships m ON m.org_id = o.id
              JOIN accounts a ON a.handle_key = m.handle_key
             WHERE o.slug = $1 AND a.id = $2 AND m.status IN ('candidate', 'member')
            """);
        cmd.Parameters.AddWithValue(slug.ToLowerInvariant());
        cmd.Parameters.AddWithValue(accountId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new OrgMember(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
            reader.GetString(4) == "member" ? MemberStatus.Member : MemberStatus.Candidate);
    }

    /// <summary>The person resolved by the org route filter or page filter; only valid behind one of them.</summary>
    public static OrgMember Current(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var value) && value is OrgMember member
            ? member
            : throw new InvalidOperationException("No organization was resolved for this request: map it under MapOrganizationGroup or an /o/{slug} page.");
}

public static class OrgAccessExtensions
{
    public const string SlugParameter = "slug";

    /// <summary>The organization the current request is inside, as resolved by the access filter.</summary>
    public static OrgMember Org(this HttpContext context) => OrgAccess.Current(context);

    /// <summary>
    /// <c>{api}/orgs/{slug}</c> with the access check every feature's organization endpoints go behind:
    /// anonymous → 401, everyone who is not a candidate or member there (or the slug is unknown) → 404.
    /// The 401 is given for every slug alike, so it says nothing about which organizations exist.
    /// </summary>
    public static RouteGroupBuilder MapOrganizationGroup(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/orgs/{" + SlugParameter + "}");
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (http.User.Identity?.IsAuthenticated != true) return TypedResults.Unauthorized();
            var access = http.RequestServices.GetRequiredService<OrgAccess>();
            var member = await access.ResolveAsync(http, http.GetRouteValue(SlugParameter) as string);
            // No body: the /api status-code handling writes the same problem document as for an unknown route.
            return member is null ? TypedResults.NotFound() : await next(context);
        });
        group.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>Limits an organization endpoint to full members: candidates get 403 (they may know the organization exists).</summary>
    public static TBuilder RequireFullMember<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(async (context, next) =>
            context.HttpContext.Org().IsMember
                ? await next(context)
                : TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Only full members can do this. Candidates can once they are admitted."));
        return builder;
    }
}

/// <summary>
/// Puts every Razor page whose route starts with <c>o/{slug}</c> behind <see cref="OrgPageFilter"/>, whichever
/// feature folder it lives in, so no organization page can be added without the check.
/// </summary>
public sealed class OrgPageConvention : IPageApplicationModelConvention
{
    public const string RoutePrefix = "o/{" + OrgAccessExtensions.SlugParameter + "}";

    public void Apply(PageApplicationModel model)
    {
        var template = model.ActionDescriptor.AttributeRouteInfo?.Template ?? "";
        if (template.Equals(RoutePrefix, StringComparison.OrdinalIgnoreCase) || template.StartsWith(RoutePrefix + "/", StringComparison.OrdinalIgnoreCase))
            model.Filters.Add(new OrgPageFilter());
    }
}

/// <summary>
/// Anonymous visitors are sent to sign in (for every slug alike); signed-in people who are not a candidate or
/// member get the same 404 page as an address that does not exist.
/// </summary>
public sealed class OrgPageFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var http = context.HttpContext;
        if (http.User.Identity?.IsAuthenticated != true)
        {
            context.Result = new ChallengeResult();
            return;
        }
        var access = http.RequestServices.GetRequiredService<OrgAccess>();
        if (await access.ResolveAsync(http, context.RouteData.Values[OrgAccessExtensions.SlugParameter] as string) is null)
        {
            context.Result = new NotFoundResult();
            return;
        }
        await next();
    }
}
