using ESoviet.Web.Deliberation.Text;

namespace ESoviet.Web.Tests.Deliberation.Text;

public sealed class Rendering_markdown
{
    private static string Html(string markdown) => MarkdownRenderer.Render(markdown).Html;

    [Fact]
    public void Renders_commonmark_basics()
    {
        var html = Html("# Agenda\n\nSome *emphasis*, **strong** and `code`.\n\n> quoted\n\n1. one\n2. two\n\n```\nblock\n```");

        html.Should().Contain("<h1>Agenda</h1>")
            .And.Contain("<em>emphasis</em>")
            .And.Contain("<strong>strong</strong>")
            .And.Contain("<code>code</code>")
            .And.Contain("<blockquote>\n<p>quoted</p>\n</blockquote>")
            .And.Contain("<ol>\n<li>one</li>\n<li>two</li>\n</ol>")
            .And.Contain("<pre><code>block\n</code></pre>");
    }

    [Fact]
    public void Renders_pipe_tables_with_alignment_as_classes_because_the_csp_forbids_inline_styles()
    {
        var html = Html("| Motion | Votes |\n|:--|--:|\n| Budget | 12 |");

        html.Should().Contain("<table>")
            .And.Contain("<th class=\"align-left\">Motion</th>")
            .And.Contain("<td class=\"align-right\">12</td>")
            .And.NotContain("style=");
    }

    [Fact]
    public void Renders_task_lists_as_disabled_checkboxes()
    {
        var html = Html("- [x] minutes sent\n- [ ] budget drafted");

        html.Should().Contain("<input disabled=\"disabled\" type=\"checkbox\" checked=\"checked\" /> minutes sent")
            .And.Contain("<input disabled=\"disabled\" type=\"checkbox\" /> budget drafted");
    }

    [Fact]
    public void Renders_footnotes()
    {
        var html = Html("As agreed[^1].\n\n[^1]: Meeting of 3 May.");

        html.Should().Contain("<a id=\"fnref:1\" href=\"#fn:1\" class=\"footnote-ref\"><sup>1</sup></a>")
            .And.Contain("<li id=\"fn:1\">\n<p>Meeting of 3 May.");
    }

    [Fact]
    public void Renders_emphasis_extras()
    {
        Html("~~withdrawn~~").Should().Contain("<del>withdrawn</del>");
    }

    [Fact]
    public void Links_bare_urls_and_www_as_https()
    {
        var html = Html("See https://example.org/minutes and www.example.org.");

        html.Should().Contain("<a href=\"https://example.org/minutes\" rel=\"nofollow noopener noreferrer ugc\">https://example.org/minutes</a>")
            .And.Contain("<a href=\"https://www.example.org\" rel=\"nofollow noopener noreferrer ugc\">www.example.org</a>");
    }

    [Fact]
    public void Marks_external_links_but_not_relative_ones()
    {
        var html = Html("[ext](https://example.org) [mail](mailto:board@example.org) [rel](/o/harbour) [frag](#top) [query](?page=2) [path](minutes/2024)");

        html.Should().Contain("<a href=\"https://example.org\" rel=\"nofollow noopener noreferrer ugc\">ext</a>")
            .And.Contain("<a href=\"mailto:board@example.org\" rel=\"nofollow noopener noreferrer ugc\">mail</a>")
            .And.Contain("<a href=\"/o/harbour\">rel</a>")
            .And.Contain("<a href=\"#top\">frag</a>")
            .And.Contain("<a href=\"?page=2\">query</a>")
            .And.Contain("<a href=\"minutes/2024\">path</a>");
    }

    [Fact]
    public void Renders_commonmark_autolinks_including_email()
    {
        var html = Html("<https://example.org> <board@example.org>");

        html.Should().Contain("<a href=\"https://example.org\" rel=\"nofollow noopener noreferrer ugc\">https://example.org</a>")
            .And.Contain("<a href=\"mailto:board@example.org\" rel=\"nofollow noopener noreferrer ugc\">board@example.org</a>");
    }

    [Fact]
    public void Rewrites_protocol_relative_links_to_https()
    {
        Html("[x](//example.org/a)").Should().Contain("<a href=\"https://example.org/a\" rel=\"nofollow noopener noreferrer ugc\">x</a>");
    }

    [Fact]
    public void Renders_images_lazily_with_an_alt_attribute_even_when_empty()
    {
        var html = Html("![Floor plan](/files/plan.png) ![](/files/b.png)");

        html.Should().Contain("<img src=\"/files/plan.png\" loading=\"lazy\" alt=\"Floor plan\" />")
            .And.Contain("<img src=\"/files/b.png\" loading=\"lazy\" alt=\"\" />");
    }

    [Fact]
    public void Turns_an_image_from_another_site_into_a_link_so_readers_are_not_tracked()
    {
        var html = Html("![the notice](https://example.org/a.png) ![](https://example.org/b.png)");

        html.Should().NotContain("<img")
            .And.Contain("<a href=\"https://example.org/a.png\" rel=\"nofollow noopener noreferrer ugc\">Image: the notice</a>")
            .And.Contain(">Image: https://example.org/b.png</a>");
    }

    [Fact]
    public void Shows_raw_html_as_escaped_text()
    {
        var html = Html("<div class=\"x\">block</div>\n\ninline <b>bold</b> and <!-- comment -->");

        html.Should().Contain("&lt;div class=&quot;x&quot;&gt;block&lt;/div&gt;")
            .And.Contain("inline &lt;b&gt;bold&lt;/b&gt; and &lt;!-- comment --&gt;")
            .And.NotContain("<div").And.NotContain("<b>");
    }

    [Fact]
    public void Keeps_the_text_of_an_unsafe_link_without_its_anchor()
    {
        Html("Read [the motion](javascript:alert(1)) first.").Should().Be("<p>Read the motion first.</p>\n");
    }

    [Fact]
    public void Replaces_an_unsafe_image_by_its_alt_text()
    {
        Html("![chart *of* votes](data:image/svg+xml,<svg/>)").Should().Be("<p>chart of votes</p>\n");
    }

    [Fact]
    public void Shows_an_unsafe_autolink_as_text()
    {
        Html("<vbscript:msgbox(1)>").Should().Be("<p>vbscript:msgbox(1)</p>\n");
    }

    [Fact]
    public void Refuses_mailto_and_relative_images_other_than_http_or_paths()
    {
        Html("![a](mailto:x@example.org)").Should().Be("<p>a</p>\n");
    }

    [Fact]
    public void Produces_plain_text_without_markup_for_search()
    {
        var result = MarkdownRenderer.Render("# Budget\n\nWe **approve** [the plan](/p) & `x < y`.\n\n<b>raw</b>");

        result.PlainText.Should().Contain("Budget").And.Contain("We approve the plan & x < y.").And.Contain("<b>raw</b>");
        result.PlainText.Should().NotContain("**").And.NotContain("href").And.NotContain("&amp;");
    }

    [Fact]
    public void Renders_empty_and_null_input_as_nothing()
    {
        MarkdownRenderer.Render("").Should().BeEquivalentTo(new RenderResult("", "", []));
        MarkdownRenderer.Render(null).Html.Should().BeEmpty();
    }

    [Fact]
    public void Shows_absurdly_nested_input_verbatim_instead_of_failing()
    {
        var nested = new string('>', 20_000) + " <script>x</script>";

        var result = MarkdownRenderer.Render(nested);

        result.Html.Should().StartWith("<p>&gt;&gt;&gt;").And.Contain("&lt;script&gt;");
        HtmlSafety.Violations(result.Html).Should().BeEmpty();
    }

    public static TheoryData<string> IntricateMarkdown() => new()
    {
        string.Concat(Enumerable.Repeat("[a](", 25_000)),
        string.Concat(Enumerable.Repeat("[^1]", 25_000)),
        string.Concat(Enumerable.Repeat("*a ", 33_000)),
        string.Concat(Enumerable.Repeat("www.a.b ", 12_000)),
        "| a | b |\n|---|---|\n" + string.Concat(Enumerable.Repeat("| [x](y) | **z** |\n", 5_000)),
        string.Concat(Enumerable.Repeat("1. ", 33_000)),
        string.Concat(Enumerable.Repeat("- > ", 25_000)),
    };

    [Theory]
    [MemberData(nameof(IntricateMarkdown))]
    public void Shows_markup_markdig_would_take_seconds_over_verbatim(string markdown)
    {
        var result = MarkdownRenderer.Render(markdown);

        result.Html.Should().StartWith("<p>").And.NotContain("<a").And.NotContain("<em>").And.NotContain("<li>");
        result.PlainText.Should().Be(markdown.Trim());
    }

    [Fact]
    public void Renders_long_ordinary_texts_in_full()
    {
        var paragraphs = string.Concat(Enumerable.Repeat(
            "The *board* proposes [the budget](/o/harbour/d/12) as discussed with @anna on www.example.org.\n\n", 1_000));
        var table = "| Motion | Link | Result |\n|---|---|---|\n" +
                    string.Concat(Enumerable.Range(1, 300).Select(i => $"| **M-{i}** | [text](/m/{i}) | _adopted_ |\n"));

        MarkdownRenderer.Render(paragraphs).Html.Should().Contain("<a href=\"/o/harbour/d/12\">the budget</a>");
        MarkdownRenderer.Render(table).Html.Should().Contain("<td><a href=\"/m/300\">text</a></td>");
    }

    [Fact]
    public void Renders_the_same_output_from_many_threads_at_once()
    {
        const string markdown = "Hello @anna, see [x](https://example.org) and ![y](/a.png)\n\n| a |\n|---|\n| b |";
        var expected = MarkdownRenderer.Render(markdown, h => "/m/" + h);

        var results = Enumerable.Range(0, 200).AsParallel()
            .Select(_ => MarkdownRenderer.Render(markdown, h => "/m/" + h))
            .ToList();

        results.Should().AllSatisfy(r => r.Should().BeEquivalentTo(expected));
    }
}
