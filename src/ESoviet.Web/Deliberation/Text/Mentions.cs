using Markdig;
using Markdig.Helpers;
using Markdig.Parsers;
using Markdig.Renderers;
using Markdig.Syntax.Inlines;

namespace ESoviet.Web.Deliberation.Text;

/// <summary>
/// An <c>@handle</c> found by <see cref="MentionInlineParser"/>. It never reaches a renderer:
/// <see cref="MarkdownRenderer"/> turns it into a link or back into text once it knows who is a member.
/// </summary>
public sealed class MentionInline(string handle) : LeafInline
{
    public string Handle { get; } = handle;
}

/// <summary>
/// Recognizes <c>@handle</c> with the handle rule of accounts (3–32 ASCII letters, digits, '-' or '_').
/// As an inline parser it never sees code spans, code blocks or link destinations; the neighbour
/// checks keep e-mail addresses (<c>anna@harbour.org</c>) and URL paths (<c>example.org/@anna</c>) out.
/// </summary>
public sealed class MentionInlineParser : InlineParser
{
    public const int MinimumLength = 3;
    public const int MaximumLength = 32;

    public MentionInlineParser() => OpeningCharacters = ['@'];

    public override bool Match(InlineProcessor processor, ref StringSlice slice)
    {
        if (!MayPrecedeMention(slice.PeekCharExtra(-1)))
            return false;

        var text = slice.Text;
        var at = slice.Start;
        var end = at + 1;
        while (end <= slice.End && IsHandleCharacter(text[end]))
            end++;

        var length = end - at - 1;
        if (length is < MinimumLength or > MaximumLength)
            return false;
        if (end <= slice.End && !MayFollowMention(text, end, slice.End))
            return false;

        // No source position: finding it costs a scan per mention, and the node is replaced before rendering.
        processor.Inline = new MentionInline(text.Substring(at + 1, length));
        slice.Start = end;
        return true;
    }

    internal static bool IsHandleCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';

    /// <summary>Letters and digits before '@' make it an e-mail address; the symbols make it part of a URL or word.</summary>
    private static bool MayPrecedeMention(char previous) =>
        !char.IsLetterOrDigit(previous) && previous is not ('@' or '.' or '_' or '-' or '+' or '=' or '/' or '\\' or '&' or '%' or '#' or '$' or ':');

    /// <summary>"@harbour.org" and "@anna@host" are addresses, not mentions; "@anna." ends a sentence.</summary>
    private static bool MayFollowMention(string text, int next, int last)
    {
        var c = text[next];
        if (c == '@')
            return false;
        if (c == '.' && next < last && char.IsLetterOrDigit(text[next + 1]))
            return false;
        return true;
    }
}

/// <summary>Adds <see cref="MentionInlineParser"/> to a pipeline; rendering is left to <see cref="MarkdownRenderer"/>.</summary>
public sealed class MentionExtension : IMarkdownExtension
{
    public void Setup(MarkdownPipelineBuilder pipeline)
    {
        if (!pipeline.InlineParsers.Contains<MentionInlineParser>())
            pipeline.InlineParsers.Add(new MentionInlineParser());
    }

    public void Setup(MarkdownPipeline pipeline, IMarkdownRenderer renderer)
    {
    }
}
