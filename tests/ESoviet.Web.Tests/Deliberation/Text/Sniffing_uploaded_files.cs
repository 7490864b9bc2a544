using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using ESoviet.Web.Deliberation.Text;

namespace ESoviet.Web.Tests.Deliberation.Text;

public sealed class Sniffing_uploaded_files
{
    private static readonly byte[] Png =
    [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, // signature
        0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, // IHDR, 13 bytes
        0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89,
    ];

    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0xFF, 0xD9];
    private static readonly byte[] Gif = "GIF89a\x01\0\x01\0\0\0\0;"u8.ToArray();
    private static readonly byte[] WebP = [.. "RIFF"u8, 0x1A, 0, 0, 0, .. "WEBPVP8L"u8, 0x0D, 0, 0, 0, 0x2F, 0, 0, 0];
    private static readonly byte[] Pdf = "%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"u8.ToArray();
    private static readonly byte[] Text = "Minutes of the assembly\nVotes: 12-3-1 ✓\n"u8.ToArray();

    private static byte[] Zip(params (string Name, string Content)[] entries) =>
        Zip(entries.Select(e => (e.Name, Encoding.UTF8.GetBytes(e.Content))).ToArray());

    private static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                var level = name == "mimetype" ? CompressionLevel.NoCompression : CompressionLevel.Optimal;
                using var stream = archive.CreateEntry(name, level).Open();
                stream.Write(content);
            }
        }
        return buffer.ToArray();
    }

    private static byte[] Odt() => Zip(
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        ("content.xml", "<?xml version=\"1.0\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\"/>"));

    private static byte[] Docx(string mainType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        params (string Name, string Content)[] extra) => Zip(
        [
            ("[Content_Types].xml",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">" +
                "<Default Extension=\"xml\" ContentType=\"application/xml\"/>" +
                $"<Override PartName=\"/word/document.xml\" ContentType=\"{mainType}\"/></Types>"),
            ("word/document.xml", "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"/>"),
            .. extra,
        ]);

    /// <summary>Rewrites the uncompressed size every central directory entry declares, as a bomb would.</summary>
    private static byte[] DeclaringUncompressedSize(byte[] zip, uint size)
    {
        var patched = zip.ToArray();
        for (var i = 0; i + 46 <= patched.Length; i++)
        {
            if (patched.AsSpan(i, 4).SequenceEqual("PK\x01\x02"u8))
                BinaryPrimitives.WriteUInt32LittleEndian(patched.AsSpan(i + 24, 4), size);
        }
        return patched;
    }

    [Theory]
    [InlineData("photo.png", "image/png", FileKind.Png, "image/png", true)]
    [InlineData("photo.jpg", "image/jpeg", FileKind.Jpeg, "image/jpeg", true)]
    [InlineData("photo.JPEG", null, FileKind.Jpeg, "image/jpeg", true)]
    [InlineData("anim.gif", "image/gif", FileKind.Gif, "image/gif", true)]
    [InlineData("photo.webp", "image/webp", FileKind.WebP, "image/webp", true)]
    [InlineData("minutes.pdf", "application/pdf", FileKind.Pdf, "application/pdf", false)]
    [InlineData("minutes.txt", "text/plain", FileKind.PlainText, "text/plain; charset=utf-8", false)]
    [InlineData("minutes.md", "text/markdown", FileKind.PlainText, "text/plain; charset=utf-8", false)]
    [InlineData("votes.csv", "application/vnd.ms-excel", FileKind.PlainText, "text/csv; charset=utf-8", false)]
    public void Accepts_allowed_types_and_shows_only_raster_images_inline(
        string fileName, string? claimedType, FileKind kind, string contentType, bool inline)
    {
        var bytes = kind switch
        {
            FileKind.Png => Png,
            FileKind.Jpeg => Jpeg,
            FileKind.Gif => Gif,
            FileKind.WebP => WebP,
            FileKind.Pdf => Pdf,
            _ => Text,
        };

        var result = ContentSniffer.Sniff(bytes, fileName, claimedType);

        result.Should().BeEquivalentTo(new
        {
            Accepted = true, Kind = kind, ContentType = contentType, Extension = Path.GetExtension(fileName).ToLowerInvariant(),
            Inline = inline, Refusal = (string?)null,
        });
    }

    [Fact]
    public void Accepts_an_opendocument_text_by_its_mimetype_entry()
    {
        var result = ContentSniffer.Sniff(Odt(), "motion.odt", "application/vnd.oasis.opendocument.text");

        result.Accepted.Should().BeTrue(result.Refusal);
        result.Kind.Should().Be(FileKind.OpenDocument);
        result.ContentType.Should().Be("application/vnd.oasis.opendocument.text");
        result.Inline.Should().BeFalse();
    }

    [Fact]
    public void Accepts_a_word_document_by_its_content_types_manifest()
    {
        var result = ContentSniffer.Sniff(Docx(), "motion.docx", "application/octet-stream");

        result.Accepted.Should().BeTrue(result.Refusal);
        result.Kind.Should().Be(FileKind.OfficeOpenXml);
        result.ContentType.Should().Be("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    }

    [Fact]
    public void Names_a_file_without_extension_by_what_it_is()
    {
        var result = ContentSniffer.Sniff(Png, "upload", null);

        result.Accepted.Should().BeTrue();
        result.Extension.Should().Be(".png");
    }

    [Fact]
    public void Reads_a_seekable_stream_from_its_start()
    {
        using var stream = new MemoryStream(Odt());
        stream.Position = stream.Length;

        ContentSniffer.Sniff(stream, "motion.odt", null).Kind.Should().Be(FileKind.OpenDocument);
    }

    [Fact]
    public void Refuses_an_empty_file()
    {
        ContentSniffer.Sniff([], "empty.txt", "text/plain").Refusal.Should().Be("The file is empty.");
    }

    [Theory]
    [InlineData("drawing.svg", "image/svg+xml")]
    [InlineData("drawing.png", "image/svg+xml")]
    [InlineData("drawing.svg", null)]
    public void Refuses_svg_whatever_it_contains(string fileName, string? claimedType)
    {
        ContentSniffer.Sniff(Png, fileName, claimedType).Refusal.Should().Contain("SVG");
    }

    [Theory]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>", "drawing.txt")]
    [InlineData("<?xml version=\"1.0\"?><svg/>", "drawing.txt")]
    [InlineData("<!DOCTYPE html><script>alert(1)</script>", "page.png")]
    [InlineData("  \n<html><body>hi</body></html>", "page.txt")]
    [InlineData("\uFEFF<script>alert(1)</script>", "notes.md")]
    [InlineData("<p>hi", "notes.txt")]
    [InlineData("<!-- hidden --><b>x</b>", "notes.md")]
    public void Refuses_html_svg_and_xml(string content, string fileName)
    {
        var result = ContentSniffer.Sniff(Encoding.UTF8.GetBytes(content), fileName, null);

        result.Accepted.Should().BeFalse();
        result.Refusal.Should().Contain("HTML");
    }

    [Theory]
    [InlineData("<pre> is a tag we talk about")]
    [InlineData("a <script> inside text is only text")]
    [InlineData("MZ is how my initials start")]
    public void Accepts_text_that_merely_mentions_markup(string content)
    {
        ContentSniffer.Sniff(Encoding.UTF8.GetBytes(content), "notes.txt", "text/plain").Accepted.Should().BeTrue();
    }

    [Fact]
    public void Refuses_a_png_named_as_a_pdf()
    {
        ContentSniffer.Sniff(Png, "minutes.pdf", "application/pdf").Refusal
            .Should().Be("The file is a PNG image, which does not match its name ending in .pdf.");
    }

    [Fact]
    public void Refuses_a_pdf_claimed_to_be_an_image()
    {
        ContentSniffer.Sniff(Pdf, "minutes", "image/png").Refusal
            .Should().Be("The file is a PDF document, but was sent as image/png.");
    }

    [Fact]
    public void Refuses_text_named_as_an_image()
    {
        ContentSniffer.Sniff(Text, "photo.png", "image/png").Accepted.Should().BeFalse();
    }

    [Fact]
    public void Refuses_an_opendocument_named_as_a_word_document()
    {
        ContentSniffer.Sniff(Odt(), "motion.docx", null).Accepted.Should().BeFalse();
    }

    [Theory]
    [InlineData(new byte[] { 0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00 }, "setup.pdf")]
    [InlineData(new byte[] { 0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00 }, "tool.txt")]
    [InlineData(new byte[] { 0xCF, 0xFA, 0xED, 0xFE, 0x07, 0x00, 0x00, 0x01 }, "app.png")]
    [InlineData(new byte[] { 0x23, 0x21, 0x2F, 0x62, 0x69, 0x6E, 0x2F, 0x73, 0x68, 0x0A }, "script.txt")]
    public void Refuses_executables(byte[] content, string fileName)
    {
        ContentSniffer.Sniff(content, fileName, null).Refusal.Should().Be("Programs and scripts are not accepted.");
    }

    [Theory]
    [InlineData(new byte[] { 0x4D, 0x69, 0x6E, 0x00, 0x75, 0x74, 0x65, 0x73 })]
    [InlineData(new byte[] { 0x4D, 0x69, 0x6E, 0xC3, 0x28, 0x75, 0x74, 0x65 })]
    [InlineData(new byte[] { 0xFF, 0xFE, 0x4D, 0x00, 0x69, 0x00 })]
    public void Refuses_binary_or_non_utf8_content_named_as_text(byte[] content)
    {
        ContentSniffer.Sniff(content, "minutes.txt", "text/plain").Accepted.Should().BeFalse();
    }

    [Fact]
    public void Refuses_legacy_office_files()
    {
        byte[] doc = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0];

        ContentSniffer.Sniff(doc, "motion.doc", "application/msword").Refusal.Should().Contain("macros");
    }

    [Fact]
    public void Refuses_macro_enabled_office_documents()
    {
        var docm = Docx("application/vnd.ms-word.document.macroEnabled.main+xml");
        var docxWithVba = Docx(extra: ("word/vbaProject.bin", "Attribute VB_Name"));

        ContentSniffer.Sniff(docm, "motion.docx", null).Refusal.Should().Contain("macros");
        ContentSniffer.Sniff(docxWithVba, "motion.docx", null).Refusal.Should().Contain("macros");
    }

    [Fact]
    public void Refuses_opendocuments_with_basic_macros()
    {
        var odtWithMacro = Zip(
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("content.xml", "<office:document-content/>"),
            ("Basic/Standard/Module1.xml", "<script:module script:name=\"Module1\">Sub AutoOpen</script:module>"));

        ContentSniffer.Sniff(odtWithMacro, "motion.odt", null).Refusal.Should().Contain("macros");
    }

    [Fact]
    public void Refuses_plain_zip_archives()
    {
        ContentSniffer.Sniff(Zip(("readme.txt", "hello")), "files.zip", "application/zip").Refusal
            .Should().Be("Archives are not accepted, only OpenDocument and Office documents.");
    }

    [Fact]
    public void Refuses_an_archive_that_declares_a_huge_uncompressed_size()
    {
        var bomb = DeclaringUncompressedSize(Odt(), 0xF000_0000);

        ContentSniffer.Sniff(bomb, "motion.odt", null).Refusal.Should().Be("The document would unpack to more than 100 MiB.");
    }

    [Fact]
    public void Refuses_a_zip_bomb_named_as_a_pdf()
    {
        var bomb = DeclaringUncompressedSize(Odt(), 0xF000_0000);

        ContentSniffer.Sniff(bomb, "minutes.pdf", "application/pdf").Accepted.Should().BeFalse();
    }

    [Fact]
    public void Refuses_an_archive_compressed_absurdly_well()
    {
        var bomb = Zip(
            ("mimetype", Encoding.ASCII.GetBytes("application/vnd.oasis.opendocument.text")),
            ("content.xml", new byte[20 * 1024 * 1024]));

        ContentSniffer.Sniff(bomb, "motion.odt", null).Refusal.Should().Contain("zip bomb");
    }

    [Fact]
    public void Refuses_a_damaged_archive()
    {
        var truncated = Odt()[..40];

        ContentSniffer.Sniff(truncated, "motion.odt", null).Refusal.Should().Be("The document is damaged.");
    }

    [Fact]
    public void Refuses_an_office_manifest_with_a_dtd()
    {
        var billionLaughs = Zip(
            ("[Content_Types].xml", "<?xml version=\"1.0\"?><!DOCTYPE t [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><Types>&b;</Types>"));

        ContentSniffer.Sniff(billionLaughs, "motion.docx", null).Refusal.Should().Be("The document is damaged.");
    }

    [Fact]
    public void Refuses_an_opendocument_of_another_flavour()
    {
        var formula = Zip(("mimetype", "application/vnd.oasis.opendocument.formula"));

        ContentSniffer.Sniff(formula, "x.odf", null).Accepted.Should().BeFalse();
    }

    [Fact]
    public void Refuses_unknown_binary_content()
    {
        ContentSniffer.Sniff([0x00, 0x01, 0x02, 0x03], "data.bin", null).Refusal.Should().StartWith("The file is of a type we do not accept");
    }

    [Fact]
    public void Rejects_a_stream_it_cannot_seek()
    {
        var act = () => ContentSniffer.Sniff(new NonSeekableStream(), "a.txt", null);

        act.Should().Throw<ArgumentException>();
    }

    private sealed class NonSeekableStream : MemoryStream
    {
        public override bool CanSeek => false;
    }
}
