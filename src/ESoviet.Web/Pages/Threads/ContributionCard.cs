using ESoviet.Web.Deliberation;
using ESoviet.Web.Membership;

namespace ESoviet.Web.Pages.Threads;

/// <summary>Who is reading and where: what every contribution on a page needs to decide which actions to offer.</summary>
public sealed record ThreadContext(OrgMember Viewer, Guid ThreadId, bool IsOpen);

/// <param name="InReplyTo">Set when the reply is nested deeper than the page indents, so it names its parent instead.</param>
/// <param name="ShowActions">False where the contribution is shown for reference (above a reply or edit form).</param>
public sealed record ContributionCard(
    ContributionView View, ThreadContext Context, ContributionView? InReplyTo, IReadOnlyList<ContributionCard> Replies, bool IsOpening, bool ShowActions = true)
{
    public bool IsMine => Display.IsSelf(Context.Viewer, View.Author);

    public bool MayReply => ShowActions && Context.IsOpen && !View.Retracted;

    public bool MayChange => ShowActions && IsMine && !View.Retracted;

    /// <summary>A retracted contribution's history is for full members only, as in the API.</summary>
    public bool MaySeeHistory => !View.Retracted || Context.Viewer.IsMember;

    // Addresses built as strings from the page routes rather than by link generation: a long thread renders a
    // thousand contributions with four links each, and generating them was a large share of the page's time.
    public string Permalink => $"/o/{Context.Viewer.Slug}/c/{View.Id}";

    public string HistoryUrl => Permalink + "/history";

    public string EditUrl => Permalink + "/edit";

    public string RetractUrl => Permalink + "/retract";

    public string ReplyUrl => $"/o/{Context.Viewer.Slug}/threads/{Context.ThreadId}/reply?to={View.Id}";
}

/// <summary>
/// Lays a thread out the way mature forums do: replies nested under what they answer, down to <see cref="MaxDepth"/>
/// levels, and anything deeper shown at that level with "in reply to" naming its parent, so a long exchange between
/// two people does not march off the right edge of a phone.
/// </summary>
public static class ContributionTree
{
    public const int MaxDepth = 4;

    /// <param name="contributions">In reading order (path order), as <see cref="ThreadQueries.ContributionsAsync"/> returns them.</param>
    /// <returns>The opening post and the top-level replies, each holding its nested ones.</returns>
    public static (ContributionCard? Opening, IReadOnlyList<ContributionCard> Replies) Layout(
        IReadOnlyList<ContributionView> contributions, Guid openingId, ThreadContext context)
    {
        var byId = contributions.ToDictionary(c => c.Id);
        var level = new Dictionary<Guid, int>();
        var children = new Dictionary<Guid, List<ContributionCard>>();
        var topLevel = new List<ContributionCard>();
        ContributionView? opening = null;

        // Reading order puts every parent before its replies, so each one's level is known when its replies come.
        foreach (var c in contributions)
        {
            if (c.Id == openingId)
            {
                opening = c;
                level[c.Id] = 0;
                continue;
            }
            // Replies to the thread itself (no parent) sit beside the replies to the opening post.
            var depth = c.ParentId is { } p && level.TryGetValue(p, out var parentLevel) ? parentLevel + 1 : 1;
            level[c.Id] = depth;

            var shownUnder = c.ParentId;
            ContributionView? inReplyTo = null;
            if (depth > MaxDepth)
            {
                inReplyTo = byId[c.ParentId!.Value];
                // Shown beside its parent: under the ancestor one level above the deepest indent.
                while (shownUnder is { } up && level[up] >= MaxDepth) shownUnder = byId[up].ParentId;
            }

            var replies = children[c.Id] = [];
            var card = new ContributionCard(c, context, inReplyTo, replies, IsOpening: false);
            if (depth == 1 || shownUnder is null || shownUnder == openingId) topLevel.Add(card);
            else children[shownUnder.Value].Add(card);
        }

        var openingCard = opening is null ? null : new ContributionCard(opening, context, null, [], IsOpening: true);
        return (openingCard, topLevel);
    }
}

public sealed record AttachmentList(string Slug, IReadOnlyList<AttachmentRef> Files);
