using ESoviet.Web.Deliberation.Text;

namespace ESoviet.Web.Tests.Deliberation.Text;

public sealed class Deciding_which_urls_may_be_linked
{
    [Theory]
    [InlineData("https://example.org/a?b=c#d", UrlKind.External, "https://example.org/a?b=c#d")]
    [InlineData("HTTP://EXAMPLE.ORG", UrlKind.External, "HTTP://EXAMPLE.ORG")]
    [InlineData("mailto:board@example.org", UrlKind.External, "mailto:board@example.org")]
    [InlineData("/o/harbour", UrlKind.Relative, "/o/harbour")]
    [InlineData("#fn:1", UrlKind.Relative, "#fn:1")]
    [InlineData("?page=2", UrlKind.Relative, "?page=2")]
    [InlineData("minutes/2024-05.md", UrlKind.Relative, "minutes/2024-05.md")]
    [InlineData("", UrlKind.Relative, "")]
    [InlineData("  https://example.org  ", UrlKind.External, "https://example.org")]
    [InlineData("//example.org/x", UrlKind.External, "https://example.org/x")]
    [InlineData("/\\example.org/x", UrlKind.External, "https://example.org/x")]
    [InlineData("\\\\example.org/x", UrlKind.External, "https://example.org/x")]
    [InlineData("https://example.org/search?q=javascript:x", UrlKind.External, "https://example.org/search?q=javascript:x")]
    [InlineData("https://example.org\\a?q=b\\c", UrlKind.External, "https://example.org/a?q=b\\c")]
    public void Accepts_web_mail_and_relative_links(string url, UrlKind kind, string written)
    {
        UrlPolicy.ForLink(url).Should().Be(new UrlVerdict(kind, written));
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("JaVaScRiPt:alert(1)")]
    [InlineData(" \u0001javascript:alert(1)")]
    [InlineData("java\tscript:alert(1)")]
    [InlineData("java\nscript:alert(1)")]
    [InlineData("java\r\nscript:alert(1)")]
    [InlineData("&#106;avascript:alert(1)")]
    [InlineData("&#x6A;avascript:alert(1)")]
    [InlineData("&#106avascript:alert(1)")]
    [InlineData("java&#x09;script:alert(1)")]
    [InlineData("javascript&colon;alert(1)")]
    [InlineData("&amp;#106;avascript:alert(1)")]
    [InlineData("%6Aavascript:alert(1)")]
    [InlineData("%256Aavascript:alert(1)")]
    [InlineData("java\u200Bscript:alert(1)")]
    [InlineData("java\uFFFDscript:alert(1)")]
    [InlineData("java script:alert(1)")]
    [InlineData("vbscript:msgbox(1)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://example.org")]
    [InlineData("tel:+4912345")]
    [InlineData("notes:2024")]
    [InlineData(null)]
    public void Refuses_every_other_scheme_however_it_is_disguised(string? url)
    {
        UrlPolicy.ForLink(url).Kind.Should().Be(UrlKind.Unsafe);
    }

    [Theory]
    [InlineData("https://example.org/a.png", UrlKind.External)]
    [InlineData("/files/a.png", UrlKind.Relative)]
    [InlineData("//example.org/a.png", UrlKind.External)]
    [InlineData("mailto:x@example.org", UrlKind.Unsafe)]
    [InlineData("data:image/png;base64,iVBORw0KGgo=", UrlKind.Unsafe)]
    [InlineData("data:image/svg+xml,<svg onload=alert(1)>", UrlKind.Unsafe)]
    [InlineData("javascript:alert(1)", UrlKind.Unsafe)]
    public void Accepts_only_web_and_relative_image_sources(string url, UrlKind kind)
    {
        UrlPolicy.ForImage(url).Kind.Should().Be(kind);
    }
}
