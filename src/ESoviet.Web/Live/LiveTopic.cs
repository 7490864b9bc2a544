using System.Diagnostics.CodeAnalysis;
using ESoviet.Web.Membership;

namespace ESoviet.Web.Live;

public enum TopicKind
{
    Org,
    Thread,
    Proposal,
}

/// <summary>What a feed routes on: an organization by its id (slugs are for people), a thread or a proposal by theirs.</summary>
public readonly record struct TopicKey(TopicKind Kind, Guid Id);

/// <summary>
/// A topic as a client names it: <c>org:{slug}</c>, <c>thread:{id}</c> or <c>proposal:{id}</c>. <see cref="Name"/> is the
/// canonical spelling (lowercase slug, hyphenated id) that every pushed event carries back.
/// </summary>
public sealed record LiveTopic(TopicKind Kind, string? Slug, Guid Id)
{
    public string Name => Kind switch
    {
        TopicKind.Org => "org:" + Slug,
        TopicKind.Thread => "thread:" + Id.ToString("D"),
        _ => "proposal:" + Id.ToString("D"),
    };

    public static bool TryParse(string? text, [NotNullWhen(true)] out LiveTopic? topic)
    {
        topic = null;
        if (string.IsNullOrEmpty(text) || text.Length > 60) return false;
        var colon = text.IndexOf(':');
        if (colon <= 0) return false;
        var value = text[(colon + 1)..];
        switch (text[..colon])
        {
            case "org":
                var slug = MembershipDecisions.NormalizeSlug(value);
                if (!MembershipDecisions.IsValidSlug(slug)) return false;
                topic = new LiveTopic(TopicKind.Org, slug, Guid.Empty);
                return true;
            case "thread" when Guid.TryParseExact(value, "D", out var thread):
                topic = new LiveTopic(TopicKind.Thread, null, thread);
                return true;
            case "proposal" when Guid.TryParseExact(value, "D", out var proposal):
                topic = new LiveTopic(TopicKind.Proposal, null, proposal);
                return true;
            default:
                return false;
        }
    }
}
