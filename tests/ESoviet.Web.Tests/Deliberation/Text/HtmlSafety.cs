using System.Net;
using System.Text.RegularExpressions;

namespace ESoviet.Web.Tests.Deliberation.Text;

/// <summary>
/// Reads rendered HTML the way a browser would read its tags, and lists every tag, attribute or URL
/// outside what a contribution may contain. Written independently of UrlPolicy on purpose: a bug
/// shared by the renderer and its checker would hide itself.
/// </summary>
internal static partial class HtmlSafety
{
    private static readonly HashSet<string> AllowedTags =
    [
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "del", "ins", "mark", "sup", "sub",
        "code", "pre", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
        "input", "div", "span",
    ];

    private static readonly Dictionary<string, string[]> ExtraAttributes = new()
    {
        ["a"] = ["href", "title", "rel"],
        ["img"] = ["src", "alt", "title", "loading"],
        ["input"] = ["type", "disabled", "checked"],
        ["ol"] = ["start"],
    };

    public const string ExternalRel = "nofollow noopener noreferrer ugc";

    public static IReadOnlyList<string> Violations(string html)
    {
        var violations = new List<string>();
        var tags = Tag().Matches(html);
        var tagStarts = tags.Select(tag => tag.Index).ToHashSet();

        for (var i = html.IndexOf('<'); i >= 0; i = html.IndexOf('<', i + 1))
        {
            if (!tagStarts.Contains(i))
                violations.Add($"stray '<' at {i}: {Excerpt(html, i)}");
        }

        foreach (Match tag in tags)
        {
            var name = tag.Groups["name"].Value.ToLowerInvariant();
            if (!AllowedTags.Contains(name))
                violations.Add($"tag <{name}>");
            if (tag.Groups["close"].Success)
                continue;

            var attributes = Attribute().Matches(tag.Groups["attrs"].Value)
                .ToDictionary(a => a.Groups["name"].Value.ToLowerInvariant(),
                    a => WebUtility.HtmlDecode(a.Groups["value"].Value));
            foreach (var (attribute, value) in attributes)
            {
                if (OnHandler().IsMatch(attribute))
                    violations.Add($"event handler {attribute} on <{name}>");
                else if (attribute is not ("class" or "id") &&
                         !(ExtraAttributes.TryGetValue(name, out var extra) && extra.Contains(attribute)))
                    violations.Add($"attribute {attribute} on <{name}>");
            }

            switch (name)
            {
                case "a" when attributes.TryGetValue("href", out var href):
                    CheckUrl(href, ["http", "https", "mailto"], name, violations);
                    if (SchemeOf(href) is not null && attributes.GetValueOrDefault("rel") != ExternalRel)
                        violations.Add($"external link without rel: {href}");
                    break;
                case "img":
                    CheckUrl(attributes.GetValueOrDefault("src") ?? "", ["http", "https"], name, violations);
                    if (!attributes.ContainsKey("alt"))
                        violations.Add("image without alt");
                    if (attributes.GetValueOrDefault("loading") != "lazy")
                        violations.Add("image without loading=lazy");
                    break;
                case "input" when attributes.GetValueOrDefault("type") != "checkbox" || !attributes.ContainsKey("disabled"):
                    violations.Add("input other than a disabled checkbox");
                    break;
            }
        }
        return violations;
    }

    private static void CheckUrl(string url, string[] allowedSchemes, string tag, List<string> violations)
    {
        var scheme = SchemeOf(url);
        if (scheme is not null && !allowedSchemes.Contains(scheme))
            violations.Add($"<{tag}> URL with scheme {scheme}: {url}");
        if (BrowserForm(url).Replace('\\', '/').StartsWith("//", StringComparison.Ordinal))
            violations.Add($"<{tag}> protocol-relative URL left as is: {url}");
    }

    /// <summary>The scheme a browser would see: C0 controls and spaces trimmed, tabs and newlines removed.</summary>
    public static string? SchemeOf(string url)
    {
        var match = Scheme().Match(BrowserForm(url));
        return match.Success ? match.Groups[1].Value.ToLowerInvariant() : null;
    }

    private static string BrowserForm(string url) =>
        url.Trim(Enumerable.Range(0, 0x21).Select(c => (char)c).ToArray()).Replace("\t", "").Replace("\n", "").Replace("\r", "");

    private static string Excerpt(string html, int at) => html.Substring(at, Math.Min(40, html.Length - at));

    [GeneratedRegex("""<(?<close>/)?(?<name>[A-Za-z][A-Za-z0-9-]*)(?<attrs>(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*/?>""")]
    private static partial Regex Tag();

    [GeneratedRegex("""(?<name>[^\s"'>/=]+)(?:\s*=\s*(?:"(?<value>[^"]*)"|'(?<value>[^']*)'|(?<value>[^\s"'=<>`]+)))?""")]
    private static partial Regex Attribute();

    [GeneratedRegex(@"^on\w+$", RegexOptions.IgnoreCase)]
    private static partial Regex OnHandler();

    [GeneratedRegex(@"^([A-Za-z][A-Za-z0-9+.\-]*):")]
    private static partial Regex Scheme();
}
