using System.IO.Compression;
using System.Text;
using System.Xml;

namespace ESoviet.Web.Deliberation.Text;

public enum FileKind
{
    Png,
    Jpeg,
    Gif,
    WebP,
    Pdf,
    PlainText,
    OpenDocument,
    OfficeOpenXml,
}

/// <param name="ContentType">The type to serve the file with; never the one the uploader claimed.</param>
/// <param name="Extension">The canonical extension, with its dot, for the download name.</param>
/// <param name="Inline">Whether it may be shown in the page (raster images only); everything else is an attachment.</param>
/// <param name="Refusal">Why the file was refused, in words for the uploader.</param>
public sealed record SniffResult(bool Accepted, FileKind? Kind, string? ContentType, string? Extension, bool Inline, string? Refusal)
{
    internal static SniffResult Accept(FileKind kind, string contentType, string extension) =>
        new(true, kind, contentType, extension, ContentSniffer.ShowsInline(contentType), null);

    internal static SniffResult Refuse(string reason) => new(false, null, null, null, false, reason);
}

/// <summary>
/// Decides what an uploaded file really is from its bytes, and refuses what we do not serve:
/// anything but PNG, JPEG, GIF, WebP, PDF, UTF-8 text and OpenDocument/Office Open XML documents.
/// The name and claimed type only ever narrow the decision: content that contradicts them is refused,
/// because a file that pretends is a file someone prepared. SVG is never accepted (it carries scripts),
/// nor HTML, executables, legacy Office files or macro-enabled documents.
/// </summary>
public static class ContentSniffer
{
    /// <summary>Only raster images are shown in the page; every other accepted type is served as a download.</summary>
    public static bool ShowsInline(string contentType) => contentType is "image/png" or "image/jpeg" or "image/gif" or "image/webp";

    /// <summary>Bytes an archive may claim to unpack to, summed over the central directory.</summary>
    public const long MaxUncompressedArchiveBytes = 100L * 1024 * 1024;

    /// <summary>Documents compress 3–50×; past 200-fold (and 1 MiB) it is a bomb, not a spreadsheet.</summary>
    public const long MaxCompressionRatio = 200;

    public const int MaxArchiveEntries = 10_000;

    // As much as the WHATWG sniffing algorithm looks at, so leading whitespace cannot hide markup.
    private const int HeadLength = 1445;
    private const int MaxManifestBytes = 1024 * 1024;

    public static SniffResult Sniff(byte[] content, string fileName, string? claimedContentType)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var stream = new MemoryStream(content, writable: false);
        return Sniff(stream, fileName, claimedContentType);
    }

    /// <param name="content">The whole file, seekable (an <c>IFormFile</c> stream is); it is read from the start and never fully unpacked.</param>
    public static SniffResult Sniff(Stream content, string fileName, string? claimedContentType)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!content.CanSeek || !content.CanRead)
            throw new ArgumentException("The upload must be readable and seekable.", nameof(content));

        var extension = Path.GetExtension(fileName ?? "").ToLowerInvariant();
        var claimed = MediaType(claimedContentType);
        if (extension is ".svg" or ".svgz" || claimed == "image/svg+xml")
            return SniffResult.Refuse("SVG images can carry scripts and are not accepted; upload a PNG instead.");
        if (content.Length == 0)
            return SniffResult.Refuse("The file is empty.");

        content.Position = 0;
        var buffer = new byte[HeadLength];
        var read = content.ReadAtLeast(buffer, HeadLength, throwOnEndOfStream: false);
        var head = buffer.AsSpan(0, read);

        var sniffed = SniffByMagic(head, content);
        if (sniffed.Refusal is not null)
            return SniffResult.Refuse(sniffed.Refusal);

        var type = sniffed.Type!;
        if (extension.Length > 0 && !type.Extensions.Contains(extension))
            return SniffResult.Refuse($"The file is {type.Description}, which does not match its name ending in {extension}.");
        if (claimed is not null && !IsGeneric(claimed) && !type.ClaimedTypes.Contains(claimed))
            return SniffResult.Refuse($"The file is {type.Description}, but was sent as {claimed}.");

        var canonicalExtension = extension.Length > 0 ? extension : type.Extensions[0];
        var contentType = type.Kind == FileKind.PlainText && canonicalExtension == ".csv"
            ? "text/csv; charset=utf-8"
            : type.ContentType;
        return SniffResult.Accept(type.Kind, contentType, canonicalExtension);
    }

    private sealed record FileType(FileKind Kind, string ContentType, string Description, string[] Extensions, string[] ClaimedTypes);

    private readonly record struct Sniffed(FileType? Type, string? Refusal)
    {
        public static implicit operator Sniffed(FileType type) => new(type, null);
        public static Sniffed Refuse(string reason) => new(null, reason);
    }

    private static readonly string[] ZipClaims = ["application/zip", "application/x-zip-compressed"];

    private static readonly FileType Png = new(FileKind.Png, "image/png", "a PNG image", [".png"], ["image/png", "image/x-png"]);
    private static readonly FileType Jpeg = new(FileKind.Jpeg, "image/jpeg", "a JPEG image", [".jpg", ".jpeg", ".jpe", ".jfif"], ["image/jpeg", "image/pjpeg", "image/jpg"]);
    private static readonly FileType Gif = new(FileKind.Gif, "image/gif", "a GIF image", [".gif"], ["image/gif"]);
    private static readonly FileType WebP = new(FileKind.WebP, "image/webp", "a WebP image", [".webp"], ["image/webp"]);
    private static readonly FileType Pdf = new(FileKind.Pdf, "application/pdf", "a PDF document", [".pdf"], ["application/pdf", "application/x-pdf"]);

    // Windows reports .csv as application/vnd.ms-excel; it is still text.
    private static readonly FileType Text = new(FileKind.PlainText, "text/plain; charset=utf-8", "plain text",
        [".txt", ".md", ".markdown", ".csv"],
        ["text/plain", "text/markdown", "text/x-markdown", "text/csv", "text/x-csv", "application/csv", "application/vnd.ms-excel"]);

    private static readonly Dictionary<string, FileType> OpenDocumentTypes = new[]
    {
        OpenDocument("text", ".odt", "an OpenDocument text"),
        OpenDocument("spreadsheet", ".ods", "an OpenDocument spreadsheet"),
        OpenDocument("presentation", ".odp", "an OpenDocument presentation"),
    }.ToDictionary(type => type.ContentType);

    private static readonly Dictionary<string, FileType> OfficeMainPartTypes = new()
    {
        ["application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"] =
            Office("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "a Word document"),
        ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"] =
            Office("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "an Excel workbook"),
        ["application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"] =
            Office("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx", "a PowerPoint presentation"),
    };

    private static FileType OpenDocument(string flavour, string extension, string description)
    {
        var contentType = "application/vnd.oasis.opendocument." + flavour;
        return new(FileKind.OpenDocument, contentType, description, [extension], [contentType, .. ZipClaims]);
    }

    private static FileType Office(string contentType, string extension, string description) =>
        new(FileKind.OfficeOpenXml, contentType, description, [extension], [contentType, .. ZipClaims]);

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static ReadOnlySpan<byte> JpegSignature => [0xFF, 0xD8, 0xFF];
    private static ReadOnlySpan<byte> CompoundFileSignature => [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    private static ReadOnlySpan<byte> MachO32 => [0xFE, 0xED, 0xFA, 0xCE];
    private static ReadOnlySpan<byte> MachO64 => [0xFE, 0xED, 0xFA, 0xCF];
    private static ReadOnlySpan<byte> MachO32Reversed => [0xCE, 0xFA, 0xED, 0xFE];
    private static ReadOnlySpan<byte> MachO64Reversed => [0xCF, 0xFA, 0xED, 0xFE];
    private static ReadOnlySpan<byte> FatBinaryOrJavaClass => [0xCA, 0xFE, 0xBA, 0xBE];
    private static ReadOnlySpan<byte> Utf8ByteOrderMark => [0xEF, 0xBB, 0xBF];

    private static Sniffed SniffByMagic(ReadOnlySpan<byte> head, Stream content)
    {
        if (head.StartsWith(PngSignature) && head.Length >= 16 && head[12..16].SequenceEqual("IHDR"u8))
            return Png;
        if (head.StartsWith(JpegSignature))
            return Jpeg;
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
            return Gif;
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
            return WebP;
        if (head.StartsWith("%PDF-"u8))
            return Pdf;
        if (head.StartsWith("PK\x03\x04"u8))
            return InspectArchive(content);
        if (head.StartsWith(CompoundFileSignature))
            return Sniffed.Refuse("Old Office files (.doc, .xls, .ppt) can carry macros; save it as .docx, .odt or PDF.");
        if (IsExecutable(head))
            return Sniffed.Refuse("Programs and scripts are not accepted.");
        if (!IsUtf8TextWithoutNul(content))
            return Sniffed.Refuse("The file is of a type we do not accept: images (PNG, JPEG, GIF, WebP), PDF, text, OpenDocument or Office documents.");
        if (LooksLikeMarkup(head))
            return Sniffed.Refuse("HTML, SVG and XML files are not accepted: a browser could run what they contain.");
        return Text;
    }

    private static bool IsExecutable(ReadOnlySpan<byte> head) =>
        head.StartsWith("\u007FELF"u8) ||
        head.StartsWith(MachO32) || head.StartsWith(MachO64) || head.StartsWith(MachO32Reversed) ||
        head.StartsWith(MachO64Reversed) || head.StartsWith(FatBinaryOrJavaClass) ||
        head.StartsWith("\0asm"u8) ||
        // A DOS/Windows header is full of zero bytes; "MZ" at the start of a sentence is not.
        (head.StartsWith("MZ"u8) && head[..Math.Min(head.Length, 64)].Contains((byte)0)) ||
        head.StartsWith("#!"u8);

    private static bool IsUtf8TextWithoutNul(Stream content)
    {
        content.Position = 0;
        var decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetDecoder();
        var bytes = new byte[64 * 1024];
        var chars = new char[bytes.Length + 1];
        try
        {
            int read;
            while ((read = content.Read(bytes, 0, bytes.Length)) > 0)
            {
                if (bytes.AsSpan(0, read).Contains((byte)0))
                    return false;
                decoder.GetChars(bytes, 0, read, chars, 0, flush: false);
            }
            decoder.GetChars(bytes, 0, 0, chars, 0, flush: true);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    // The WHATWG MIME sniffing signatures for HTML, plus XML and SVG: what a browser that ignores
    // our nosniff header would render as a page.
    private static readonly string[] MarkupStarts =
    [
        "<!doctype html", "<html", "<head", "<script", "<iframe", "<h1", "<div", "<font", "<table", "<a", "<style",
        "<title", "<b", "<body", "<br", "<p", "<!--", "<?xml", "<svg",
    ];

    private static bool LooksLikeMarkup(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(Utf8ByteOrderMark))
            head = head[3..];
        head = head.TrimStart(" \t\n\r\f"u8);
        var start = Encoding.ASCII.GetString(head[..Math.Min(head.Length, 32)]).ToLowerInvariant();
        foreach (var markup in MarkupStarts)
        {
            if (!start.StartsWith(markup, StringComparison.Ordinal))
                continue;
            // "<!--" and "<?xml" need nothing after them; a tag name must end where a tag name ends.
            if (markup is "<!--" or "<?xml" || start.Length == markup.Length || start[markup.Length] is ' ' or '>' or '\t' or '\n' or '\r' or '/' or '\f')
                return true;
        }
        return false;
    }

    /// <summary>
    /// Reads only the central directory and at most one small manifest entry; sizes are those the
    /// archive declares, so a bomb is refused before a byte of it is unpacked.
    /// </summary>
    private static Sniffed InspectArchive(Stream content)
    {
        content.Position = 0;
        try
        {
            using var archive = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
            var entries = archive.Entries;
            if (entries.Count > MaxArchiveEntries)
                return Sniffed.Refuse("The archive has too many entries.");

            long uncompressed = 0, compressed = 0;
            foreach (var entry in entries)
            {
                uncompressed += entry.Length;
                compressed += entry.CompressedLength;
                if (entry.Length < 0 || uncompressed > MaxUncompressedArchiveBytes)
                    return Sniffed.Refuse("The document would unpack to more than 100 MiB.");
            }
            if (uncompressed > 1024 * 1024 && uncompressed / Math.Max(1, compressed) > MaxCompressionRatio)
                return Sniffed.Refuse("The document is compressed suspiciously well; it looks like a zip bomb.");

            if (archive.GetEntry("mimetype") is { } mimetype)
            {
                // OpenDocument keeps Basic macros under Basic/ and other scripts under Scripts/.
                if (entries.Any(entry => entry.FullName.StartsWith("Basic/", StringComparison.OrdinalIgnoreCase) ||
                                         entry.FullName.StartsWith("Scripts/", StringComparison.OrdinalIgnoreCase)))
                    return Sniffed.Refuse("Documents with macros are not accepted; save it without macros.");
                var declared = Encoding.ASCII.GetString(ReadCapped(mimetype, 256)).Trim();
                return OpenDocumentTypes.TryGetValue(declared, out var type)
                    ? type
                    : Sniffed.Refuse("Only OpenDocument texts, spreadsheets and presentations are accepted.");
            }

            if (archive.GetEntry("[Content_Types].xml") is { } manifest)
            {
                if (entries.Any(entry => entry.FullName.EndsWith("vbaProject.bin", StringComparison.OrdinalIgnoreCase)))
                    return Sniffed.Refuse("Documents with macros are not accepted; save it as .docx, .xlsx or .pptx without macros.");
                if (manifest.Length > MaxManifestBytes)
                    return Sniffed.Refuse("The document's manifest is implausibly large.");
                var partTypes = OfficePartTypes(ReadCapped(manifest, MaxManifestBytes));
                if (partTypes.Any(partType => partType.Contains("macroEnabled", StringComparison.OrdinalIgnoreCase)))
                    return Sniffed.Refuse("Documents with macros are not accepted; save it as .docx, .xlsx or .pptx without macros.");
                foreach (var partType in partTypes)
                {
                    if (OfficeMainPartTypes.TryGetValue(partType, out var type))
                        return type;
                }
                return Sniffed.Refuse("Only Word, Excel and PowerPoint documents are accepted.");
            }

            return Sniffed.Refuse("Archives are not accepted, only OpenDocument and Office documents.");
        }
        catch (Exception exception) when (exception is InvalidDataException or XmlException or IOException)
        {
            return Sniffed.Refuse("The document is damaged.");
        }
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes, whatever the entry claims to hold.</summary>
    private static byte[] ReadCapped(ZipArchiveEntry entry, int limit)
    {
        using var stream = entry.Open();
        var buffer = new byte[limit];
        var read = stream.ReadAtLeast(buffer, limit, throwOnEndOfStream: false);
        return buffer[..read];
    }

    private static List<string> OfficePartTypes(byte[] manifest)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = MaxManifestBytes,
        };
        var types = new List<string>();
        using var reader = XmlReader.Create(new MemoryStream(manifest), settings);
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName is "Override" or "Default" &&
                reader.GetAttribute("ContentType") is { } contentType)
                types.Add(contentType.Trim());
        }
        return types;
    }

    private static string? MediaType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
            return null;
        var semicolon = contentType.IndexOf(';');
        return (semicolon < 0 ? contentType : contentType[..semicolon]).Trim().ToLowerInvariant();
    }

    private static bool IsGeneric(string mediaType) =>
        mediaType is "application/octet-stream" or "binary/octet-stream" or "application/unknown" or "application/x-unknown";
}
