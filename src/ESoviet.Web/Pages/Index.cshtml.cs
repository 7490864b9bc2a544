using ESoviet.Web.Accounts;
using ESoviet.Web.Infrastructure;
using ESoviet.Web.Membership;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace ESoviet.Web.Pages;

/// <summary>
/// The entry point: on a fresh instance, founding; for someone signed in, their organizations; otherwise signing in.
/// Always followed by what ESoviet is. Never lists organizations to anyone who is not in them.
/// </summary>
public sealed class IndexModel(MembershipQueries queries, IOptions<ESovietOptions> options) : PageModel
{
    public bool InstanceIsEmpty { get; private set; }

    public bool SignedIn { get; private set; }

    public string? Handle { get; private set; }

    public IReadOnlyList<MyOrganization> Organizations { get; private set; } = [];

    public bool CanFound => InstanceIsEmpty || options.Value.AllowFoundingAfterFirst;

    /// <summary>One line left by the page a person came from (e.g. after leaving an organization).</summary>
    [TempData]
    public string? Notice { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        InstanceIsEmpty = !await queries.AnyOrganizationAsync(ct);
        if (User.AccountIdOf() is { } accountId)
        {
            SignedIn = true;
            Handle = User.HandleOf();
            Organizations = await queries.MineAsync(accountId, ct);
        }
        return Page();
    }
}
