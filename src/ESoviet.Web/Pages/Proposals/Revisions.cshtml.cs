using ESoviet.Web.Deliberation.Text;
using ESoviet.Web.Membership;
using ESoviet.Web.Voting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ESoviet.Web.Pages.Proposals;

/// <summary>A section of one revision: its source, or its word diff against the revision before.</summary>
public sealed record RevisedSection(string Heading, string DiffHtml, bool Changed);

public sealed record RevisionCard(RevisionView Revision, bool IsCurrent, IReadOnlyList<RevisedSection> Sections, IReadOnlyList<CharterRow> CharterChanges);

/// <summary>
/// <c>/o/{slug}/proposals/{id}/revisions</c>: every revision of the text, newest first, each compared word by word
/// with the one before it, so nobody has to take "a small fix" on trust.
/// </summary>
public sealed class RevisionsModel(VotingQueries queries) : PageModel
{
    public OrgMember Org { get; private set; } = null!;

    public ProposalDetail Proposal { get; private set; } = null!;

    public IReadOnlyList<RevisionCard> Revisions { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        Org = HttpContext.Org();
        var proposal = await queries.FindAsync(Org.OrganizationId, id, Org.Handle, ct);
        if (proposal is null || ProposalDisplay.IsHiddenFrom(proposal.Phase, proposal.DiscussionEndsAt, proposal.Author, Org.Handle)) return NotFound();
        Proposal = proposal;
        var revisions = await queries.RevisionsAsync(id, ct);
        var cards = new List<RevisionCard>();
        RevisionView? before = null;
        foreach (var revision in revisions)
        {
            cards.Add(Compare(before, revision, revision.Revision == proposal.Revision));
            before = revision;
        }
        cards.Reverse();
        Revisions = cards;
        return Page();
    }

    private static RevisionCard Compare(RevisionView? before, RevisionView now, bool current)
    {
        var specs = new List<(string Heading, Func<ProposalText, string> Read)> { ("Title", t => t.Title) };
        specs.AddRange(Sections.All.Select(s => (s.Heading, s.Read)));
        // TextDiff.ToHtml encodes every piece of text; its only markup is its own <ins>, <del> and <span>.
        var sections = specs.Select(s =>
        {
            var old = before is null ? s.Read(now.Text) : s.Read(before.Text);
            var changed = before is not null && old != s.Read(now.Text);
            return new RevisedSection(s.Heading, TextDiff.ToHtml(TextDiff.Compare(old, s.Read(now.Text))), changed);
        }).ToList();
        var charter = before?.NewCharter is { } a && now.NewCharter is { } b
            ? CharterRow.Compare(a, b).Where(r => r.Changed).ToList()
            : [];
        return new RevisionCard(now, current, sections, charter);
    }
}
