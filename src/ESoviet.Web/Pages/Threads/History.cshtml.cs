using ESoviet.Web.Deliberation;
using ESoviet.Web.Deliberation.Text;
using ESoviet.Web.Membership;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ESoviet.Web.Pages.Threads;

/// <summary>One version as the history page shows it: its text and header fields as diffs against the version before.</summary>
public sealed record VersionView(
    int Number, DateTimeOffset At, bool IsLatest, string BodyDiffHtml, bool BodyChanged,
    IReadOnlyList<(string Label, string DiffHtml, bool Changed)> Fields, IReadOnlyList<AttachmentRef> Attachments);

/// <summary>
/// <c>/o/{slug}/c/{id}/history</c>: every version of a contribution, newest first, each compared with the one before
/// (removed text in &lt;del&gt;, added in &lt;ins&gt;). A retracted contribution's history is for full members only.
/// </summary>
public sealed class HistoryModel(ThreadQueries queries, EventStore.EventStore store) : PageModel
{
    public OrgMember Org { get; private set; } = null!;

    public ContributionView Contribution { get; private set; } = null!;

    public ThreadDetail Thread { get; private set; } = null!;

    public IReadOnlyList<VersionView> Versions { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        Org = HttpContext.Org();
        var contribution = await queries.FindContributionAsync(Org.OrganizationId, id, ct);
        if (contribution is null || (contribution.Retracted && !Org.IsMember)) return NotFound();
        var thread = await queries.FindThreadAsync(Org.OrganizationId, contribution.ThreadId, ct);
        if (thread is null) return NotFound();
        (Contribution, Thread) = (contribution, thread);

        var history = await DeliberationApi.LoadHistoryAsync(store, contribution, ct);
        var views = new List<VersionView>();
        ContributionVersion? previous = null;
        foreach (var version in history.Versions)
        {
            views.Add(Compare(previous, version, version == history.Versions[^1]));
            previous = version;
        }
        views.Reverse();
        Versions = views;
        return Page();
    }

    private static VersionView Compare(ContributionVersion? before, ContributionVersion now, bool isLatest)
    {
        (string Html, bool Changed) Diff(string? old, string? @new)
        {
            var segments = before is null ? TextDiff.Compare(@new, @new) : TextDiff.Compare(old, @new);
            return (TextDiff.ToHtml(segments), segments.Any(s => s.Kind != DiffKind.Unchanged));
        }

        var body = Diff(before?.Markdown, now.Markdown);
        var fields = new List<(string, string, bool)>();
        foreach (var (label, pick) in StructureFields)
        {
            var old = pick(before?.Structure);
            var current = pick(now.Structure);
            if (string.IsNullOrEmpty(old) && string.IsNullOrEmpty(current)) continue;
            var (html, changed) = Diff(old, current);
            fields.Add((label, html, changed));
        }
        return new VersionView(now.Version, now.At, isLatest, body.Html, body.Changed, fields, now.Attachments);
    }

    private static readonly (string Label, Func<ContributionStructure?, string?> Pick)[] StructureFields =
    [
        ("Why", s => s?.Why),
        ("To whom", s => s?.ToWhom),
        ("Source", s => s?.Source),
        ("Analysis", s => s?.Analysis),
    ];
}
