using ESoviet.Web.Deliberation.Text;

namespace ESoviet.Web.Tests.Deliberation.Text;

public sealed class Detecting_mentions
{
    private static readonly HashSet<string> Members = new(StringComparer.OrdinalIgnoreCase) { "anna", "bob_k", "carl-2", "dora" };

    private static string? MemberLink(string handle) =>
        Members.Contains(handle) ? "/o/harbour/members/" + handle : null;

    private static RenderResult Render(string markdown) => MarkdownRenderer.Render(markdown, MemberLink);

    [Fact]
    public void Links_a_mentioned_member()
    {
        var result = Render("Thanks @anna!");

        result.Html.Should().Be("<p>Thanks <a href=\"/o/harbour/members/anna\" class=\"mention\">@anna</a>!</p>\n");
        result.Mentions.Should().Equal("anna");
        result.PlainText.Should().Be("Thanks @anna!");
    }

    [Fact]
    public void Reports_each_member_once_in_order_of_first_mention()
    {
        Render("@bob_k and @carl-2, then @ANNA and @Bob_K again").Mentions.Should().Equal("bob_k", "carl-2", "ANNA");
    }

    [Fact]
    public void Leaves_handles_of_non_members_as_text()
    {
        var result = Render("Ask @nobody or @dora.");

        result.Html.Should().Be("<p>Ask @nobody or <a href=\"/o/harbour/members/dora\" class=\"mention\">@dora</a>.</p>\n");
        result.Mentions.Should().Equal("dora");
    }

    [Theory]
    [InlineData("Write to anna@example.org")]
    [InlineData("Write to dora@anna.example")]
    [InlineData("Code: `@anna`")]
    [InlineData("```\n@anna\n```")]
    [InlineData("    @anna in an indented code block")]
    [InlineData("See https://social.example/@anna")]
    [InlineData("See example.org/@anna")]
    [InlineData("Domain @anna.example is not a person")]
    [InlineData("@anna@social.example is a fediverse address")]
    [InlineData("Escaped \\@anna")]
    [InlineData("Too short @ab")]
    [InlineData("Too long @abcdefghijklmnopqrstuvwxyz0123456")]
    [InlineData("Alone @ sign")]
    [InlineData("[link to @anna](/x)")]
    public void Does_not_take_for_a_mention(string markdown)
    {
        var result = Render(markdown);

        result.Mentions.Should().BeEmpty();
        result.Html.Should().NotContain("class=\"mention\"");
    }

    [Theory]
    [InlineData("@anna at the start")]
    [InlineData("(@anna)")]
    [InlineData("**@anna**")]
    [InlineData("- @anna in a list")]
    [InlineData("> @anna in a quote")]
    [InlineData("| who |\n|---|\n| @anna |")]
    [InlineData("line one\n@anna on line two")]
    [InlineData("cc: @anna")]
    [InlineData("@anna.")]
    [InlineData("@anna's point")]
    public void Finds_a_mention(string markdown)
    {
        Render(markdown).Mentions.Should().Equal("anna");
    }

    [Fact]
    public void Accepts_handles_of_exactly_three_and_thirty_two_characters()
    {
        var longest = new string('a', 32);

        MarkdownRenderer.Render($"@abc and @{longest}").Mentions.Should().Equal("abc", longest);
    }

    [Fact]
    public void Reports_syntactic_mentions_without_linking_when_no_resolver_is_given()
    {
        var result = MarkdownRenderer.Render("Hi @anna and @nobody");

        result.Mentions.Should().Equal("anna", "nobody");
        result.Html.Should().Be("<p>Hi @anna and @nobody</p>\n");
    }

    [Fact]
    public void Refuses_an_unsafe_link_from_the_resolver()
    {
        var result = MarkdownRenderer.Render("Hi @anna", _ => "javascript:alert(1)");

        result.Html.Should().Be("<p>Hi @anna</p>\n");
        result.Mentions.Should().BeEmpty();
    }
}
