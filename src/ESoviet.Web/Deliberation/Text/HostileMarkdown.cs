namespace ESoviet.Web.Deliberation.Text;

/// <summary>
/// Contributions written to attack readers. Payload <c>i</c> (from 0) carries the id
/// <c>h{i+1:00}</c>: if it ever runs in a browser it calls <c>window.__xss('hNN')</c>, so a browser
/// test can install that hook, open each rendered payload and assert nothing called it. The unit
/// tests hold the rendered HTML of every one to an allow-list of tags, attributes and URL schemes.
/// Append new payloads at the end so existing ids keep their meaning.
/// </summary>
public static class HostileMarkdown
{
    public static string IdOf(int index) => $"h{index + 1:00}";

    public static IReadOnlyList<string> Payloads { get; } =
    [
        // h01 Raw HTML block: a script element on its own.
        """<script>window.__xss('h01')</script>""",
        // h02 Inline raw HTML: a script element inside a paragraph.
        """Before <script>window.__xss('h02')</script> after""",
        // h03 Event handler on a broken image.
        """<img src=x onerror="window.__xss('h03')">""",
        // h04 SVG element with an onload handler.
        """<svg onload="window.__xss('h04')"></svg>""",
        // h05 Script inside inline SVG.
        """<svg><script>window.__xss('h05')</script></svg>""",
        // h06 Iframe navigating to a javascript: URL.
        """<iframe src="javascript:window.__xss('h06')"></iframe>""",
        // h07 Iframe with srcdoc holding a script that calls its parent.
        """<iframe srcdoc="<script>parent.__xss('h07')</script>"></iframe>""",
        // h08 Object element loading a javascript: URL.
        """<object data="javascript:window.__xss('h08')"></object>""",
        // h09 Embed element loading a javascript: URL.
        """<embed src="javascript:window.__xss('h09')">""",
        // h10 Style element declaring an animation whose start event runs a handler.
        """<style>@keyframes h10{}</style><div style="animation-name:h10" onanimationstart="window.__xss('h10')"></div>""",
        // h11 Base element re-pointing every relative link of the page (here to javascript:).
        """<base href="javascript:window.__xss('h11');//">[relative link](x)""",
        // h12 Form whose submission runs javascript:.
        """<form action="javascript:window.__xss('h12')"><button>Vote</button></form>""",
        // h13 Raw HTML anchor with a javascript: href.
        """<a href="javascript:window.__xss('h13')">raw anchor</a>""",
        // h14 HTML comments wrapped around a script, hoping the sanitizer skips comments.
        """<!-- harmless --><script>window.__xss('h14')</script><!-- -->""",
        // h15 Comment that a lax parser closes early ("<!-->"), leaving the image live.
        """<!--><img src=x onerror="window.__xss('h15')">-->""",
        // h16 Markdown inline link to javascript:.
        """[click](javascript:window.__xss('h16'))""",
        // h17 Mixed-case scheme.
        """[click](JaVaScRiPt:window.__xss('h17'))""",
        // h18 Leading spaces inside a pointy-bracket destination (browsers trim them).
        """[click](<   javascript:window.__xss('h18')>)""",
        // h19 Decimal entity for the first letter of the scheme.
        """[click](&#106;avascript:window.__xss('h19'))""",
        // h20 Hex entity for the first letter of the scheme.
        """[click](&#x6A;avascript:window.__xss('h20'))""",
        // h21 Entity-encoded tab inside the scheme (browsers drop tabs).
        """[click](java&#x09;script:window.__xss('h21'))""",
        // h22 Entity-encoded newline inside the scheme.
        """[click](java&#x0A;script:window.__xss('h22'))""",
        // h23 Percent-encoded first letter of the scheme.
        """[click](%6Aavascript:window.__xss('h23'))""",
        // h24 Named entity for the colon.
        """[click](javascript&colon;window.__xss('h24'))""",
        // h25 Entity-encoded NUL inside the scheme.
        """[click](java&#0;script:window.__xss('h25'))""",
        // h26 Leading control character (U+0001), which browsers strip before the scheme.
        "[click](<\u0001javascript:window.__xss('h26')>)",
        // h27 Literal tab inside the scheme in a pointy-bracket destination.
        "[click](<java\tscript:window.__xss('h27')>)",
        // h28 Reference-style link whose definition is javascript:.
        "[reference link][r28]\n\n[r28]: javascript:window.__xss('h28')",
        // h29 Shortcut reference with a pointy-bracket javascript: definition and a title.
        "[r29]\n\n[r29]: <javascript:window.__xss('h29')> \"title\"",
        // h30 CommonMark autolink with a javascript: URI.
        """<javascript:window.__xss('h30')>""",
        // h31 Upper-case autolink scheme.
        """<JAVASCRIPT:window.__xss('h31')>""",
        // h32 Bare javascript: URL, hoping the auto-links extension links it.
        """Bare javascript:window.__xss('h32') in text""",
        // h33 Bare URL carrying a quote to break out of the href attribute.
        """https://example.org/"onmouseover="window.__xss('h33')"x""",
        // h34 Double-quoted link title with escaped quotes to break out of the title attribute.
        """[x](https://example.org "a\" onmouseover=\"window.__xss('h34')")""",
        // h35 Single-quoted link title holding double quotes.
        """[x](https://example.org 'a" onmouseover="window.__xss(`h35`)')""",
        // h36 Image whose source is javascript:.
        """![x](javascript:window.__xss('h36'))""",
        // h37 Image whose source is an SVG data: URL with an onload handler.
        """![h37](data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIG9ubG9hZD0id2luZG93Ll9feHNzKCdoMzcnKSIvPg==)""",
        // h38 Link to a base64 data:text/html document with a script.
        """[h38](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3MoJ2gzOCcpPC9zY3JpcHQ+)""",
        // h39 Link to a percent-encoded data:text/html document with a script.
        """[x](<data:text/html,%3Cscript%3Ewindow.__xss('h39')%3C/script%3E>)""",
        // h40 Legacy vbscript: scheme.
        """[x](vbscript:window.__xss('h40'))""",
        // h41 file: scheme reaching the reader's disk.
        """[x](file:///etc/passwd#h41)""",
        // h42 Unsafe link nested in the text of a safe one.
        """[[x](javascript:window.__xss('h42'))](https://example.org)""",
        // h43 Safe link nested in the text of an unsafe one.
        """[outer [inner](https://example.org)](javascript:window.__xss('h43'))""",
        // h44 Raw HTML and a javascript: link inside pipe-table cells.
        "| a | b |\n|---|---|\n| <img src=x onerror=\"window.__xss('h44')\"> | [x](javascript:window.__xss('h44')) |",
        // h45 Footnote whose text links to javascript:.
        "Note[^1]\n\n[^1]: See [the source](javascript:window.__xss('h45')).",
        // h46 Script in a code span: must stay visible text.
        """`<script>window.__xss('h46')</script>`""",
        // h47 Script in a fenced code block: must stay visible text.
        "```html\n<script>window.__xss('h47')</script>\n```",
        // h48 Backslash-escaped angle brackets around a script.
        """\<script>window.__xss('h48')\</script>""",
        // h49 Event handler on an otherwise harmless raw anchor.
        """<a href="https://example.org" onclick="window.__xss('h49')">looks fine</a>""",
        // h50 ontoggle on an open details element (fires without interaction).
        """<details open ontoggle="window.__xss('h50')">x</details>""",
        // h51 Mutation XSS through MathML/table/style namespace confusion.
        """<math><mtext><table><mglyph><style><img src=x onerror="window.__xss('h51')">""",
        // h52 Mutation XSS through noscript and an attribute holding a closing tag.
        """<noscript><p title="</noscript><img src=x onerror=window.__xss('h52')>">""",
        // h53 Protocol-relative link written with a backslash (browsers read "/\" as "//").
        """[x](/\evil.example/h53)""",
        // h54 Protocol-relative link written with two backslashes.
        """[x](\\\\evil.example/h54)""",
        // h55 Meta refresh to javascript:.
        """<meta http-equiv="refresh" content="0;url=javascript:window.__xss('h55')">""",
        // h56 javascript: URL with a "//" comment and an encoded newline before the code.
        """[x](javascript://example.org/%0Awindow.__xss('h56'))""",
        // h57 Style attribute with a javascript: URL.
        """<div style="background:url(javascript:window.__xss('h57'))">x</div>""",
        // h58 Image tag whose handler is on the next line.
        "<img src=\"x\"\nonerror=\"window.__xss('h58')\">",
        // h59 Nested tags meant to survive a filter that deletes "<script>" once.
        """<scr<script>ipt>window.__xss('h59')</scr</script>ipt>""",
        // h60 Raw HTML in a task-list item.
        """- [x] <img src=x onerror="window.__xss('h60')">""",
        // h61 Generic-attributes syntax, dangerous if that extension were ever enabled.
        """[x](https://example.org){onclick="window.__xss('h61')"}""",
        // h62 Autofocused input with an onfocus handler (fires without interaction).
        """<input autofocus onfocus="window.__xss('h62')">""",
        // h63 Image alt text trying to close the alt attribute.
        """![x" onerror="window.__xss('h63')](https://example.org/a.png)""",
        // h64 URL with a quote trying to close the src attribute.
        """![x](https://example.org/a.png"onerror="window.__xss('h64'))""",
        // h65 www. link for the auto-links extension followed by a script.
        """www.example.org/<script>window.__xss('h65')</script>""",
        // h66 Mention syntax right before raw HTML.
        """@anna<img src=x onerror="window.__xss('h66')">""",
        // h67 Entity-encoded script in text: must not be decoded twice.
        """&lt;script&gt;window.__xss('h67')&lt;/script&gt;""",
        // h68 Raw anchor whose javascript: scheme is entity-encoded.
        """<a href="&#106;avascript:window.__xss('h68')">entity anchor</a>""",
        // h69 Video source with an onerror handler.
        """<video><source onerror="window.__xss('h69')"></video>""",
        // h70 Zero-width space inside the scheme, for filters that match "javascript" literally.
        "[x](java\u200Bscript:window.__xss('h70'))",
    ];
}
