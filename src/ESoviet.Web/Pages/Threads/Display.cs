using System.Globalization;
using ESoviet.Web.Membership;

namespace ESoviet.Web.Pages.Threads;

/// <summary>How deliberation pages write times, sizes and counts: the same words on every page.</summary>
public static class Display
{
    /// <summary>UTC, spelled out: members may sit in different time zones, and the server does not know theirs.</summary>
    public static string When(DateTimeOffset at) => at.ToUniversalTime().ToString("d MMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Day(DateTimeOffset at) => at.ToUniversalTime().ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>For <c>&lt;time datetime&gt;</c>.</summary>
    public static string Iso(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Count(int n, string one, string many) => n == 1 ? $"1 {one}" : $"{n.ToString("N0", CultureInfo.InvariantCulture)} {many}";

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} bytes",
        < 1024 * 1024 => $"{Math.Max(1, (int)Math.Round(bytes / 1024.0))} KB",
        _ => (bytes / (1024.0 * 1024.0)).ToString("0.0", CultureInfo.InvariantCulture) + " MB",
    };

    /// <summary>A short name for a file type, for download links ("PDF document").</summary>
    public static string Kind(string contentType) => contentType switch
    {
        "application/pdf" => "PDF",
        "text/plain" => "text",
        "image/png" => "PNG image",
        "image/jpeg" => "JPEG image",
        "image/gif" => "GIF image",
        "image/webp" => "WebP image",
        _ when contentType.Contains("opendocument", StringComparison.Ordinal) => "OpenDocument",
        _ when contentType.Contains("openxmlformats", StringComparison.Ordinal) => "Office document",
        _ => "file",
    };

    public static bool IsSelf(OrgMember viewer, string handle) => string.Equals(viewer.Handle, handle, StringComparison.OrdinalIgnoreCase);

    public static string AttachmentUrl(string slug, string sha256) => $"/api/orgs/{Uri.EscapeDataString(slug)}/attachments/{sha256}";
}
