using ESoviet.Web.Deliberation.Text;
using Markdig;

namespace ESoviet.Web.Tests.Deliberation.Text;

public sealed class Rendering_hostile_markdown_safely
{
    public static TheoryData<int> PayloadIndexes()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < HostileMarkdown.Payloads.Count; i++)
            data.Add(i);
        return data;
    }

    [Fact]
    public void The_payload_list_is_long_and_every_payload_carries_its_id()
    {
        HostileMarkdown.Payloads.Should().HaveCountGreaterThanOrEqualTo(40);
        HostileMarkdown.Payloads.Should().OnlyHaveUniqueItems();
        for (var i = 0; i < HostileMarkdown.Payloads.Count; i++)
            HostileMarkdown.Payloads[i].Should().Contain(HostileMarkdown.IdOf(i));
    }

    [Theory]
    [MemberData(nameof(PayloadIndexes))]
    public void Renders_the_payload_without_active_content(int index)
    {
        var payload = HostileMarkdown.Payloads[index];

        var html = MarkdownRenderer.Render(payload, handle => "/o/harbour/members/" + handle).Html;

        HtmlSafety.Violations(html).Should().BeEmpty($"payload {HostileMarkdown.IdOf(index)} rendered as:\n{html}");
    }

    [Fact]
    public void The_checker_catches_most_payloads_when_markdig_renders_them_unguarded()
    {
        // Proves the payloads attack something and the checker sees it: the same extensions with
        // raw HTML allowed and no URL vetting fail on most of them. The rest (code spans, escaped
        // text) are controls that must stay text either way.
        var unguarded = new MarkdownPipelineBuilder()
            .UsePipeTables().UseTaskLists().UseFootnotes().UseAutoLinks().UseEmphasisExtras().Build();

        var caught = HostileMarkdown.Payloads
            .Count(payload => HtmlSafety.Violations(Markdown.ToHtml(payload, unguarded)).Count > 0);

        caught.Should().BeGreaterThanOrEqualTo(HostileMarkdown.Payloads.Count * 3 / 4);
    }

    [Theory]
    [InlineData("<script>x</script>", "tag <script>")]
    [InlineData("<p onclick=\"x\">a</p>", "event handler onclick on <p>")]
    [InlineData("<a href=\"&#106;avascript:x\">a</a>", "<a> URL with scheme javascript: &#106;avascript:x")]
    [InlineData("<a href=\" java\tscript:x\">a</a>", "<a> URL with scheme javascript")]
    [InlineData("<img src=\"data:image/png;base64,AA\" alt=\"\" loading=\"lazy\" />", "<img> URL with scheme data")]
    [InlineData("<a href=\"https://example.org\">a</a>", "external link without rel")]
    [InlineData("<a href=\"//evil.example\" rel=\"x\">a</a>", "<a> protocol-relative")]
    [InlineData("<img src=\"/a.png\" />", "image without alt")]
    [InlineData("<!-- x -->", "stray '<'")]
    [InlineData("<p style=\"color:red\">a</p>", "attribute style on <p>")]
    public void The_checker_flags_each_kind_of_violation(string html, string expected)
    {
        HtmlSafety.Violations(html).Should().Contain(violation => violation.StartsWith(expected.Split(':')[0]));
    }

    [Fact]
    public void The_checker_accepts_escaped_markup_in_text()
    {
        HtmlSafety.Violations("<p>&lt;script&gt;alert(1)&lt;/script&gt; onclick=\"x\" javascript:x</p>").Should().BeEmpty();
    }
}
