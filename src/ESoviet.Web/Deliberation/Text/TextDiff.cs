using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using DiffPlex;

namespace ESoviet.Web.Deliberation.Text;

public enum DiffKind
{
    Unchanged,
    Inserted,
    Deleted,
}

public enum DiffGranularity
{
    /// <summary>Whole lines, each with its line break.</summary>
    Line,

    /// <summary>Words, runs of whitespace and single punctuation marks.</summary>
    Word,
}

public sealed record DiffSegment(DiffKind Kind, string Text);

/// <summary>
/// Compares two versions of a contribution for its history page. The segments are lossless:
/// Unchanged and Deleted text concatenate to the old version, Unchanged and Inserted to the new one,
/// so a page can render them in order with <c>&lt;del&gt;</c> and <c>&lt;ins&gt;</c>.
/// </summary>
public static partial class TextDiff
{
    /// <summary>
    /// Myers' algorithm takes time proportional to length times differences. After the common start
    /// and end are set aside, a changed middle longer than this (in tokens of both versions) is compared
    /// by lines instead of words, and one longer than <see cref="MaxLineTokens"/> lines is shown as
    /// replaced wholesale: a rewritten book must not keep a request busy for seconds.
    /// </summary>
    public const int MaxWordTokens = 6_000;

    public const int MaxLineTokens = 3_000;

    public static IReadOnlyList<DiffSegment> Compare(string? oldText, string? newText, DiffGranularity granularity = DiffGranularity.Word)
    {
        oldText ??= "";
        newText ??= "";
        if (oldText == newText)
            return oldText.Length == 0 ? [] : [new DiffSegment(DiffKind.Unchanged, oldText)];

        var oldTokens = granularity == DiffGranularity.Word ? Words(oldText) : Lines(oldText);
        var newTokens = granularity == DiffGranularity.Word ? Words(newText) : Lines(newText);

        var prefix = 0;
        while (prefix < oldTokens.Length && prefix < newTokens.Length && oldTokens[prefix] == newTokens[prefix])
            prefix++;
        var suffix = 0;
        while (suffix < oldTokens.Length - prefix && suffix < newTokens.Length - prefix &&
               oldTokens[^(suffix + 1)] == newTokens[^(suffix + 1)])
            suffix++;
        var oldMiddle = oldTokens[prefix..^suffix];
        var newMiddle = newTokens[prefix..^suffix];

        var middleLength = oldMiddle.Length + newMiddle.Length;
        if (granularity == DiffGranularity.Word && middleLength > MaxWordTokens)
            return Compare(oldText, newText, DiffGranularity.Line);

        var segments = new List<DiffSegment>();
        Append(segments, DiffKind.Unchanged, oldTokens, 0, prefix);
        if (middleLength > MaxLineTokens)
        {
            Append(segments, DiffKind.Deleted, oldMiddle, 0, oldMiddle.Length);
            Append(segments, DiffKind.Inserted, newMiddle, 0, newMiddle.Length);
        }
        else
        {
            AppendMiddle(segments, oldMiddle, newMiddle);
        }
        Append(segments, DiffKind.Unchanged, oldTokens, oldTokens.Length - suffix, suffix);
        return segments;
    }

    private static void AppendMiddle(List<DiffSegment> segments, string[] oldTokens, string[] newTokens)
    {
        // DiffPlex diffs whatever its chunker returns; handing it our tokens by name avoids chunking twice.
        var result = new Differ().CreateCustomDiffs("old", "new", ignoreWhiteSpace: false, ignoreCase: false,
            side => side == "old" ? oldTokens : newTokens);
        var oldPosition = 0;
        foreach (var block in result.DiffBlocks)
        {
            Append(segments, DiffKind.Unchanged, oldTokens, oldPosition, block.DeleteStartA - oldPosition);
            Append(segments, DiffKind.Deleted, oldTokens, block.DeleteStartA, block.DeleteCountA);
            Append(segments, DiffKind.Inserted, newTokens, block.InsertStartB, block.InsertCountB);
            oldPosition = block.DeleteStartA + block.DeleteCountA;
        }
        Append(segments, DiffKind.Unchanged, oldTokens, oldPosition, oldTokens.Length - oldPosition);
    }

    /// <summary>
    /// The segments as HTML for a container styled <c>white-space: pre-wrap</c>: every text
    /// HTML-encoded, changes in <c>&lt;del&gt;</c> and <c>&lt;ins&gt;</c>, the rest in <c>&lt;span&gt;</c>.
    /// </summary>
    public static string ToHtml(IEnumerable<DiffSegment> segments)
    {
        var html = new StringBuilder();
        foreach (var segment in segments)
        {
            var tag = segment.Kind switch
            {
                DiffKind.Inserted => "ins",
                DiffKind.Deleted => "del",
                _ => "span",
            };
            html.Append('<').Append(tag).Append('>')
                .Append(WebUtility.HtmlEncode(segment.Text))
                .Append("</").Append(tag).Append('>');
        }
        return html.ToString();
    }

    private static void Append(List<DiffSegment> segments, DiffKind kind, string[] pieces, int start, int count)
    {
        if (count <= 0)
            return;
        var text = string.Concat(pieces.AsSpan(start, count));
        // Adjacent blocks of the same kind read as one change.
        if (segments.Count > 0 && segments[^1].Kind == kind)
            segments[^1] = segments[^1] with { Text = segments[^1].Text + text };
        else
            segments.Add(new DiffSegment(kind, text));
    }

    private static string[] Words(string text) =>
        WordToken().Matches(text).Select(match => match.Value).ToArray();

    private static string[] Lines(string text) =>
        LineToken().Matches(text).Select(match => match.Value).ToArray();

    // A word (letters, digits, marks, inner apostrophes and hyphens), a run of whitespace, or any one
    // other character, keeping surrogate pairs whole so no segment holds half an emoji.
    [GeneratedRegex(@"[\p{L}\p{N}\p{M}_]+(?:['’\-][\p{L}\p{N}\p{M}_]+)*|\s+|[\uD800-\uDBFF][\uDC00-\uDFFF]|.", RegexOptions.Singleline)]
    private static partial Regex WordToken();

    [GeneratedRegex(@"[^\n]*\n|[^\n]+")]
    private static partial Regex LineToken();
}
