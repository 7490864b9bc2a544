using ESoviet.Web.Deliberation.Text;

namespace ESoviet.Web.Tests.Deliberation.Text;

public sealed class Diffing_contribution_versions
{
    private static string Old(IEnumerable<DiffSegment> segments) =>
        string.Concat(segments.Where(s => s.Kind != DiffKind.Inserted).Select(s => s.Text));

    private static string New(IEnumerable<DiffSegment> segments) =>
        string.Concat(segments.Where(s => s.Kind != DiffKind.Deleted).Select(s => s.Text));

    [Fact]
    public void Shows_a_replaced_word_as_deleted_then_inserted()
    {
        TextDiff.Compare("We approve the budget.", "We reject the budget.").Should().Equal(
            new DiffSegment(DiffKind.Unchanged, "We "),
            new DiffSegment(DiffKind.Deleted, "approve"),
            new DiffSegment(DiffKind.Inserted, "reject"),
            new DiffSegment(DiffKind.Unchanged, " the budget."));
    }

    [Fact]
    public void Shows_added_and_removed_words()
    {
        TextDiff.Compare("The board meets monthly.", "The new board meets.").Should().Equal(
            new DiffSegment(DiffKind.Unchanged, "The "),
            new DiffSegment(DiffKind.Inserted, "new "),
            new DiffSegment(DiffKind.Unchanged, "board meets"),
            new DiffSegment(DiffKind.Deleted, " monthly"),
            new DiffSegment(DiffKind.Unchanged, "."));
    }

    [Fact]
    public void Compares_by_lines_when_asked()
    {
        TextDiff.Compare("one\ntwo\nthree\n", "one\n2\nthree\n", DiffGranularity.Line).Should().Equal(
            new DiffSegment(DiffKind.Unchanged, "one\n"),
            new DiffSegment(DiffKind.Deleted, "two\n"),
            new DiffSegment(DiffKind.Inserted, "2\n"),
            new DiffSegment(DiffKind.Unchanged, "three\n"));
    }

    [Fact]
    public void Treats_hyphenated_words_and_contractions_as_one_word()
    {
        TextDiff.Compare("a well-known motion", "a little-known motion").Should().Equal(
            new DiffSegment(DiffKind.Unchanged, "a "),
            new DiffSegment(DiffKind.Deleted, "well-known"),
            new DiffSegment(DiffKind.Inserted, "little-known"),
            new DiffSegment(DiffKind.Unchanged, " motion"));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("", "New text")]
    [InlineData("Old text", "")]
    [InlineData("Same", "Same")]
    [InlineData("Ünïcödé wörds, 😀 and 😁!", "Ünïcode words, 😁 and 😀?")]
    [InlineData("Line one\r\nLine two\r\n\r\n- item", "Line one\nLine 2\n\n- item\n- another")]
    [InlineData("   leading and trailing   ", "leading  and\ttrailing")]
    public void Loses_nothing_of_either_version(string oldText, string newText)
    {
        foreach (var granularity in Enum.GetValues<DiffGranularity>())
        {
            var segments = TextDiff.Compare(oldText, newText, granularity);

            Old(segments).Should().Be(oldText);
            New(segments).Should().Be(newText);
            segments.Should().NotContain(s => s.Text.Length == 0);
            segments.Zip(segments.Skip(1)).Should().NotContain(pair => pair.First.Kind == pair.Second.Kind);
        }
    }

    [Fact]
    public void Keeps_emoji_whole()
    {
        var segments = TextDiff.Compare("vote 😀", "vote 😁");

        segments.Should().Equal(
            new DiffSegment(DiffKind.Unchanged, "vote "),
            new DiffSegment(DiffKind.Deleted, "😀"),
            new DiffSegment(DiffKind.Inserted, "😁"));
    }

    [Fact]
    public void Returns_nothing_for_two_empty_versions_and_one_segment_for_equal_ones()
    {
        TextDiff.Compare(null, "").Should().BeEmpty();
        TextDiff.Compare("Same", "Same").Should().Equal(new DiffSegment(DiffKind.Unchanged, "Same"));
    }

    [Fact]
    public void Falls_back_to_lines_for_huge_rewrites()
    {
        var oldText = string.Join("\n", Enumerable.Range(0, 6_000).Select(i => $"old line {i}"));
        var newText = string.Join("\n", Enumerable.Range(0, 6_000).Select(i => $"new row {i}"));

        var segments = TextDiff.Compare(oldText, newText);

        Old(segments).Should().Be(oldText);
        New(segments).Should().Be(newText);
        segments.Should().HaveCount(2);
    }

    [Fact]
    public void Renders_html_with_ins_and_del_and_every_text_encoded()
    {
        var segments = TextDiff.Compare("Keep <b>this</b> & \"that\"", "Keep <script>alert(1)</script> & \"that\"");

        var html = TextDiff.ToHtml(segments);

        html.Should().Be(
            "<span>Keep &lt;</span><del>b</del><ins>script</ins><span>&gt;</span><del>this</del><ins>alert(1)</ins>" +
            "<span>&lt;/</span><del>b</del><ins>script</ins><span>&gt; &amp; &quot;that&quot;</span>");
        HtmlSafety.Violations(html).Should().BeEmpty();
    }
}
