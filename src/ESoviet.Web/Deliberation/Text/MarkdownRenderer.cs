using System.Buffers;
using System.Net;
using System.Text;
using Markdig;
using Markdig.Extensions.AutoLinks;
using Markdig.Extensions.Tables;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace ESoviet.Web.Deliberation.Text;

/// <param name="Html">Safe to write into a page unencoded.</param>
/// <param name="PlainText">The text without markup, for full-text search.</param>
/// <param name="Mentions">Handles mentioned, in order of first appearance, once each ignoring case.</param>
public sealed record RenderResult(string Html, string PlainText, IReadOnlyList<string> Mentions);

/// <summary>
/// Renders a contribution's Markdown: CommonMark with pipe tables, task lists, footnotes, bare-URL
/// autolinks, emphasis extras and <c>@handle</c> mentions. Raw HTML is shown as text, and every link
/// and image URL is vetted by <see cref="UrlPolicy"/> on the parsed document, because Markdig itself
/// writes whatever scheme it parsed. Thread-safe: the pipeline is built once and never changed.
/// </summary>
public static class MarkdownRenderer
{
    public const string ExternalRel = "nofollow noopener noreferrer ugc";

    // Deliberately absent: GenericAttributes ({onclick=…} on any element), Bootstrap, MediaLinks
    // (iframes), Diagrams, Yaml. Each would give authors a way to write attributes or embeds.
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseTaskLists()
        .UseFootnotes()
        .UseAutoLinks(new AutoLinkOptions { UseHttpsForWWWLinks = true })
        .UseEmphasisExtras()
        .Use<MentionExtension>()
        .DisableHtml()
        .Build();

    /// <param name="markdown">The contribution as its author wrote it.</param>
    /// <param name="mentionLink">
    /// The link for a member's handle, or null when the handle is nobody's (its text is then left as
    /// written and it is not reported). Without it, no mention becomes a link and every syntactic
    /// mention is reported.
    /// </param>
    public static RenderResult Render(string? markdown, Func<string, string?>? mentionLink = null)
    {
        markdown ??= "";
        if (IsTooIntricate(markdown))
            return Verbatim(markdown);

        MarkdownDocument document;
        try
        {
            document = Markdown.Parse(markdown, Pipeline);
        }
        catch (ArgumentException)
        {
            // Markdig refuses absurd nesting (thousands of '>' or '[') with ArgumentException rather
            // than overflow the stack; such a text is shown verbatim instead of failing the page.
            return Verbatim(markdown);
        }

        var mentions = ResolveMentions(document, mentionLink);
        NeutralizeUnsafeUrls(document);
        AlignTableCellsWithClasses(document);
        try
        {
            return new RenderResult(ToHtml(document), ToPlainText(document), mentions);
        }
        catch (ArgumentException)
        {
            return Verbatim(markdown);
        }
    }

    /// <summary>
    /// The most markup a text may carry, as the sum over its blank-line-separated blocks of the square
    /// of each block's markup: about one block of 4,500 brackets, asterisks and the like, or 1,500 bare URLs.
    /// </summary>
    public const long MaxMarkupComplexity = 20_000_000;

    /// <summary>Lists and quotes opened on one line ("1. 1. 1. …", "- > - > …"); real texts nest a few.</summary>
    public const int MaxContainersOnOneLine = 16;

    private static readonly SearchValues<char> MarkupCharacters = SearchValues.Create("[]()*_~^|<>!`:\\@&");

    /// <summary>
    /// Markdig parses some inputs in time quadratic in the markup of one block: "[a](" repeated 25,000
    /// times takes 12 s, a 5,000-row table of links 6 s, 6,000 bare "www." links 1 s. Rendering runs in
    /// the projection, so such a text is shown verbatim instead. A blank line always ends an
    /// inline-parsed block, so summing squares over blank-line-separated regions bounds the cost from above.
    /// </summary>
    internal static bool IsTooIntricate(string markdown)
    {
        long complexity = 0;
        long block = 0;
        foreach (var line in markdown.AsSpan().EnumerateLines())
        {
            if (line.IsWhiteSpace())
            {
                complexity += block * block;
                block = 0;
                continue;
            }
            if (ContainersOpenedAtStart(line) > MaxContainersOnOneLine)
                return true;
            // The auto-links extension costs more per link than any single character does.
            block += CountMarkup(line) + 2 * Occurrences(line, "://") + 3 * Occurrences(line, "www.");
        }
        complexity += block * block;
        return complexity > MaxMarkupComplexity;
    }

    private static int CountMarkup(ReadOnlySpan<char> line)
    {
        var count = 0;
        for (var at = line.IndexOfAny(MarkupCharacters); at >= 0; at = line.IndexOfAny(MarkupCharacters))
        {
            count++;
            line = line[(at + 1)..];
        }
        return count;
    }

    private static int Occurrences(ReadOnlySpan<char> line, string value)
    {
        var count = 0;
        for (var at = line.IndexOf(value, StringComparison.OrdinalIgnoreCase); at >= 0;
             at = line.IndexOf(value, StringComparison.OrdinalIgnoreCase))
        {
            count++;
            line = line[(at + value.Length)..];
        }
        return count;
    }

    /// <summary>Counts leading "&gt;", "-", "+", "*" and "1." / "1)" markers, each followed by a space.</summary>
    private static int ContainersOpenedAtStart(ReadOnlySpan<char> line)
    {
        var containers = 0;
        while (true)
        {
            line = line.TrimStart();
            var marker = line.Length > 0 && line[0] is '>' or '-' or '+' or '*' ? 1 : 0;
            if (marker == 0)
            {
                while (marker < line.Length && marker < 9 && char.IsAsciiDigit(line[marker]))
                    marker++;
                if (marker == 0 || marker >= line.Length || line[marker] is not ('.' or ')'))
                    return containers;
                marker++;
            }
            if (line[0] != '>' && (marker >= line.Length || !char.IsWhiteSpace(line[marker])))
                return containers;
            containers++;
            line = line[marker..];
        }
    }

    private static IReadOnlyList<string> ResolveMentions(MarkdownDocument document, Func<string, string?>? mentionLink)
    {
        var mentioned = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var mention in document.Descendants<MentionInline>().ToList())
        {
            var text = "@" + mention.Handle;
            if (IsInsideLink(mention))
            {
                // A link cannot hold another link; inside one, a mention is just its text.
                mention.ReplaceBy(new LiteralInline(text));
                continue;
            }

            if (mentionLink is null)
            {
                mention.ReplaceBy(new LiteralInline(text));
                if (seen.Add(mention.Handle))
                    mentioned.Add(mention.Handle);
                continue;
            }

            var verdict = mentionLink(mention.Handle) is { } url ? UrlPolicy.ForLink(url) : UrlVerdict.Refused;
            if (!verdict.IsSafe)
            {
                mention.ReplaceBy(new LiteralInline(text));
                continue;
            }

            var link = new LinkInline(verdict.Url, "");
            link.AppendChild(new LiteralInline(text));
            link.GetAttributes().AddClass("mention");
            mention.ReplaceBy(link);
            if (seen.Add(mention.Handle))
                mentioned.Add(mention.Handle);
        }
        return mentioned;
    }

    private static bool IsInsideLink(Inline inline)
    {
        for (var parent = inline.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is LinkInline)
                return true;
        }
        return false;
    }

    /// <summary>
    /// Unsafe links lose their anchor but keep their text; unsafe images become their alt text;
    /// unsafe autolinks become the URL as plain text. Safe ones are rewritten to the vetted form.
    /// </summary>
    private static void NeutralizeUnsafeUrls(MarkdownDocument document)
    {
        foreach (var link in document.Descendants<LinkInline>().ToList())
        {
            if (link.IsImage)
                VetImage(link);
            else
                VetLink(link);
        }

        foreach (var autolink in document.Descendants<AutolinkInline>().ToList())
        {
            // Markdig writes "mailto:" before an e-mail autolink itself; CommonMark's e-mail grammar
            // admits no characters that could escape it.
            if (autolink.IsEmail)
            {
                autolink.GetAttributes().AddPropertyIfNotExist("rel", ExternalRel);
                continue;
            }

            var verdict = UrlPolicy.ForLink(autolink.Url);
            if (!verdict.IsSafe)
            {
                autolink.ReplaceBy(new LiteralInline(autolink.Url));
                continue;
            }
            autolink.Url = verdict.Url;
            if (verdict.Kind == UrlKind.External)
                autolink.GetAttributes().AddPropertyIfNotExist("rel", ExternalRel);
        }
    }

    /// <summary>
    /// Markdig aligns table columns with style attributes, which our Content-Security-Policy
    /// (style-src 'self') blocks; classes <c>align-left|center|right</c> do the same from the stylesheet.
    /// </summary>
    private static void AlignTableCellsWithClasses(MarkdownDocument document)
    {
        foreach (var table in document.Descendants<Table>())
        {
            foreach (var row in table.OfType<TableRow>())
            {
                for (var position = 0; position < row.Count; position++)
                {
                    // Pipe tables leave ColumnIndex at -1; Markdig's renderer then uses the position.
                    var cell = (TableCell)row[position];
                    var index = cell.ColumnIndex >= 0 ? cell.ColumnIndex : position;
                    if (index < table.ColumnDefinitions.Count && table.ColumnDefinitions[index].Alignment is { } alignment)
                        cell.GetAttributes().AddClass("align-" + alignment.ToString().ToLowerInvariant());
                }
            }
            foreach (var column in table.ColumnDefinitions)
                column.Alignment = null;
        }
    }

    private static void VetLink(LinkInline link)
    {
        var verdict = UrlPolicy.ForLink(link.GetDynamicUrl?.Invoke() ?? link.Url);
        if (!verdict.IsSafe)
        {
            Unwrap(link);
            return;
        }
        link.GetDynamicUrl = null;
        link.Url = verdict.Url;
        if (verdict.Kind == UrlKind.External)
            link.GetAttributes().AddPropertyIfNotExist("rel", ExternalRel);
    }

    private static void VetImage(LinkInline image)
    {
        var verdict = UrlPolicy.ForImage(image.GetDynamicUrl?.Invoke() ?? image.Url);
        if (!verdict.IsSafe)
        {
            image.ReplaceBy(new LiteralInline(TextOf(image)), copyChildren: false);
            return;
        }
        if (verdict.Kind == UrlKind.External)
        {
            // Pages allow images from this site only (CSP img-src 'self'), and fetching one from elsewhere would tell
            // that site who reads the thread: an outside image becomes a plain link to it.
            var link = new LinkInline(verdict.Url, "");
            link.AppendChild(new LiteralInline("Image: " + (TextOf(image) is { Length: > 0 } alt ? alt : verdict.Url)));
            link.GetAttributes().AddPropertyIfNotExist("rel", ExternalRel);
            image.ReplaceBy(link, copyChildren: false);
            return;
        }
        image.GetDynamicUrl = null;
        image.Url = verdict.Url;
        image.GetAttributes().AddPropertyIfNotExist("loading", "lazy");
    }

    private static void Unwrap(LinkInline link)
    {
        var child = link.FirstChild;
        while (child is not null)
        {
            var next = child.NextSibling;
            child.Remove();
            link.InsertBefore(child);
            child = next;
        }
        link.Remove();
    }

    private static string TextOf(ContainerInline container)
    {
        var text = new StringBuilder();
        AppendText(container, text);
        return text.ToString();
    }

    private static void AppendText(ContainerInline container, StringBuilder text)
    {
        for (var inline = container.FirstChild; inline is not null; inline = inline.NextSibling)
        {
            switch (inline)
            {
                case LiteralInline literal:
                    text.Append(literal.Content.AsSpan());
                    break;
                case CodeInline code:
                    text.Append(code.Content);
                    break;
                case AutolinkInline autolink:
                    text.Append(autolink.Url);
                    break;
                case ContainerInline nested:
                    AppendText(nested, text);
                    break;
            }
        }
    }

    private static string ToHtml(MarkdownDocument document)
    {
        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.Render(document);
        writer.Flush();
        return writer.ToString();
    }

    /// <summary>The same walk Markdig's ToPlainText does, over the already vetted document.</summary>
    private static string ToPlainText(MarkdownDocument document)
    {
        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer)
        {
            EnableHtmlForBlock = false,
            EnableHtmlForInline = false,
            EnableHtmlEscape = false,
        };
        Pipeline.Setup(renderer);
        renderer.Render(document);
        writer.Flush();
        return writer.ToString().Trim();
    }

    private static RenderResult Verbatim(string markdown)
    {
        var html = "<p>" + WebUtility.HtmlEncode(markdown).ReplaceLineEndings("<br />\n") + "</p>\n";
        return new RenderResult(html, markdown.Trim(), []);
    }
}
