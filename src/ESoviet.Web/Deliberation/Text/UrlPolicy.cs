using System.Text;
using Markdig.Helpers;

namespace ESoviet.Web.Deliberation.Text;

public enum UrlKind
{
    /// <summary>Must not reach the page: a scheme other than http, https or (for links) mailto.</summary>
    Unsafe,

    /// <summary>Stays on this site: a path, a query or a fragment.</summary>
    Relative,

    /// <summary>Leaves this site: http, https or mailto.</summary>
    External,
}

/// <summary>The decision on one URL, and the form of it that may be written into the page.</summary>
public readonly record struct UrlVerdict(UrlKind Kind, string Url)
{
    public bool IsSafe => Kind != UrlKind.Unsafe;

    internal static readonly UrlVerdict Refused = new(UrlKind.Unsafe, "");
}

/// <summary>
/// Decides which link and image URLs a contribution may carry. Markdig is not a sanitizer and
/// writes any scheme it parsed, so every URL passes through here before rendering.
/// </summary>
/// <remarks>
/// The URL is first read the way a browser reads an attribute value (C0 controls and spaces trimmed,
/// tabs and newlines removed anywhere, scheme case-insensitive, backslash as slash). Then, to be
/// suspicious rather than exact, it is also decoded further (HTML entities, percent escapes, every
/// whitespace, control and format character dropped, repeated): if any reading shows a scheme we do
/// not allow, the URL is refused. A refused URL costs an author a link; an accepted one could cost a
/// reader their session.
/// Protocol-relative URLs (<c>//host/path</c>, also spelt <c>/\host</c> or <c>\\host</c>) leave the site,
/// so they are rewritten to explicit <c>https://host/path</c> and treated as external.
/// </remarks>
public static class UrlPolicy
{
    private static readonly string[] LinkSchemes = ["http", "https", "mailto"];
    private static readonly string[] ImageSchemes = ["http", "https"];

    /// <summary>For <c>href</c>: http, https, mailto and relative URLs.</summary>
    public static UrlVerdict ForLink(string? url) => Decide(url, LinkSchemes);

    /// <summary>For <c>img src</c>: http, https and relative URLs (no data:, so no inline SVG).</summary>
    public static UrlVerdict ForImage(string? url) => Decide(url, ImageSchemes);

    private static UrlVerdict Decide(string? url, string[] allowedSchemes)
    {
        if (url is null)
            return UrlVerdict.Refused;

        var browserReading = AsBrowserReadsIt(url);
        var scheme = SchemeOf(browserReading);
        if (scheme is not null && !allowedSchemes.Contains(scheme))
            return UrlVerdict.Refused;
        if (SuspiciousReadings(browserReading).Any(reading =>
                SchemeOf(reading) is { } hidden && !allowedSchemes.Contains(hidden)))
            return UrlVerdict.Refused;

        // Without a valid scheme, a ':' before any '/', '?' or '#' means a scheme that failed to parse
        // ("java\uFFFDscript:"). Browsers would treat it as a harmless path; we decline the guesswork.
        if (scheme is null && LooksLikeBrokenScheme(browserReading))
            return UrlVerdict.Refused;

        if (scheme == "mailto")
            return new(UrlKind.External, browserReading);

        // Browsers treat '\' as '/' before the query of http(s) and relative URLs; writing it that way
        // makes "/\evil.example" visibly what it is: protocol-relative.
        var queryOrFragment = browserReading.AsSpan().IndexOfAny('?', '#');
        var normalized = queryOrFragment < 0
            ? browserReading.Replace('\\', '/')
            : browserReading[..queryOrFragment].Replace('\\', '/') + browserReading[queryOrFragment..];
        if (scheme is not null)
            return new(UrlKind.External, normalized);
        if (normalized.StartsWith("//", StringComparison.Ordinal))
            return new(UrlKind.External, "https:" + normalized);
        return new(UrlKind.Relative, normalized);
    }

    /// <summary>WHATWG URL parsing: strip leading/trailing C0 controls and spaces, remove tabs and newlines.</summary>
    private static string AsBrowserReadsIt(string url)
    {
        var trimmed = url.AsSpan().Trim(C0ControlOrSpace);
        if (trimmed.IndexOfAny('\t', '\n', '\r') < 0)
            return trimmed.ToString();
        var builder = new StringBuilder(trimmed.Length);
        foreach (var c in trimmed)
        {
            if (c is not ('\t' or '\n' or '\r'))
                builder.Append(c);
        }
        return builder.ToString();
    }

    private static readonly string C0ControlOrSpace =
        new(Enumerable.Range(0, 0x21).Select(code => (char)code).ToArray());

    /// <summary>Readings no browser would produce, but a sloppier consumer of our HTML might.</summary>
    private static IEnumerable<string> SuspiciousReadings(string url)
    {
        var current = url;
        for (var round = 0; round < 4; round++)
        {
            var next = DropInvisible(PercentDecode(DecodeEntities(current)));
            if (next == current)
                yield break;
            yield return next;
            current = next;
        }
    }

    /// <summary>The lower-cased scheme when the URL starts with one (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":").</summary>
    private static string? SchemeOf(string url)
    {
        if (url.Length == 0 || !char.IsAsciiLetter(url[0]))
            return null;
        for (var i = 1; i < url.Length; i++)
        {
            var c = url[i];
            if (c == ':')
                return url[..i].ToLowerInvariant();
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
                return null;
        }
        return null;
    }

    private static bool LooksLikeBrokenScheme(string url)
    {
        var firstSegmentEnd = url.AsSpan().IndexOfAny("/\\?#");
        var firstSegment = firstSegmentEnd < 0 ? url.AsSpan() : url.AsSpan(0, firstSegmentEnd);
        return firstSegment.Contains(':');
    }

    private static string DropInvisible(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c) && !char.IsControl(c) &&
                char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.Format)
                builder.Append(c);
        }
        return builder.ToString();
    }

    private static string PercentDecode(string text)
    {
        try
        {
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            return text;
        }
    }

    /// <summary>Numeric references with or without ';' (browsers accept both), named ones with ';'.</summary>
    private static string DecodeEntities(string text)
    {
        if (!text.Contains('&'))
            return text;
        var builder = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '&' && TryDecodeEntityAt(text, i, out var decoded, out var consumed))
            {
                builder.Append(decoded);
                i += consumed;
            }
            else
            {
                builder.Append(text[i]);
                i++;
            }
        }
        return builder.ToString();
    }

    private static bool TryDecodeEntityAt(string text, int ampersand, out string decoded, out int consumed)
    {
        decoded = "";
        consumed = 0;
        var i = ampersand + 1;
        if (i < text.Length && text[i] == '#')
        {
            i++;
            var hex = i < text.Length && text[i] is 'x' or 'X';
            if (hex)
                i++;
            var digitsStart = i;
            while (i < text.Length && (hex ? char.IsAsciiHexDigit(text[i]) : char.IsAsciiDigit(text[i])) && i - digitsStart < 8)
                i++;
            if (i == digitsStart)
                return false;
            var value = Convert.ToInt32(text[digitsStart..i], hex ? 16 : 10);
            if (i < text.Length && text[i] == ';')
                i++;
            decoded = value is > 0 and <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF)
                ? char.ConvertFromUtf32(value)
                : "\uFFFD";
            consumed = i - ampersand;
            return true;
        }

        var nameStart = i;
        while (i < text.Length && char.IsAsciiLetterOrDigit(text[i]) && i - nameStart < 32)
            i++;
        if (i == nameStart || i >= text.Length || text[i] != ';')
            return false;
        var named = EntityHelper.DecodeEntity(text.AsSpan(nameStart, i - nameStart));
        if (named is null)
            return false;
        decoded = named;
        consumed = i + 1 - ampersand;
        return true;
    }
}
