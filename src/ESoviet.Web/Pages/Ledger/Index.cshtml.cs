using ESoviet.Web.Ledger;
using ESoviet.Web.Membership;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ESoviet.Web.Pages.Ledger;

/// <summary>
/// <c>/o/{slug}/ledger</c>: what the sealed ledger is, how far it reaches, and how to check it oneself. Candidates
/// read the explanation; the download is for full members, as the export is.
/// </summary>
public sealed class IndexModel(LedgerQueries queries) : PageModel
{
    public OrgMember Org { get; private set; } = null!;

    public LedgerHead Head { get; private set; } = LedgerHead.Empty;

    public string FileName => $"{Org.Slug}-ledger.jsonl";

    public string ExportPath => $"/api/orgs/{Uri.EscapeDataString(Org.Slug)}/ledger";

    public async Task OnGetAsync(CancellationToken ct)
    {
        Org = HttpContext.Org();
        Head = await queries.HeadAsync(Org.OrganizationId, ct);
    }
}
