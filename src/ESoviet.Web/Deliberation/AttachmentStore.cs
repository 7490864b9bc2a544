using System.Security.Cryptography;
using ESoviet.Web.Deliberation.Text;
using ESoviet.Web.Infrastructure;
using ESoviet.Web.Membership;
using Npgsql;

namespace ESoviet.Web.Deliberation;

public sealed record StoredFile(byte[] Content, string ContentType, string FileName, bool Inline);

/// <summary>
/// Evidence files, stored once per content (SHA-256) and linked to each organization they were uploaded to.
/// The type is decided by the bytes, never by the name or the client's claim; SVG and HTML are never accepted.
/// </summary>
public sealed class AttachmentStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    public async Task<Outcome<AttachmentRef>> UploadAsync(Guid org, string uploader, string? fileName, string? claimedType, byte[] content, long limit, CancellationToken ct)
    {
        var name = SafeFileName(fileName);
        if (content.Length == 0) return Rejection.Invalid("file", "The file is empty.");
        if (content.Length > limit) return new Rejection(StatusCodes.Status413PayloadTooLarge, $"Files may have at most {limit / (1024 * 1024)} MiB.");
        var sniffed = ContentSniffer.Sniff(content, name, claimedType);
        if (!sniffed.Accepted) return new Rejection(StatusCodes.Status415UnsupportedMediaType, sniffed.Refusal ?? "This kind of file is not accepted.");

        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        await using var batch = dataSource.CreateBatch();
        var blob = new NpgsqlBatchCommand("""
            INSERT INTO attachment_blobs (sha256, content, content_type, size, created_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (sha256) DO NOTHING
            """);
        blob.Parameters.AddWithValue(sha);
        blob.Parameters.AddWithValue(content);
        blob.Parameters.AddWithValue(sniffed.ContentType!);
        blob.Parameters.AddWithValue((long)content.Length);
        blob.Parameters.AddWithValue(time.GetUtcNow());
        var upload = new NpgsqlBatchCommand("""
            INSERT INTO attachment_uploads (org_id, sha256, file_name, content_type, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (org_id, sha256) DO NOTHING
            """);
        upload.Parameters.AddWithValue(org);
        upload.Parameters.AddWithValue(sha);
        upload.Parameters.AddWithValue(name);
        upload.Parameters.AddWithValue(sniffed.ContentType!);
        upload.Parameters.AddWithValue(uploader);
        upload.Parameters.AddWithValue(time.GetUtcNow());
        batch.BatchCommands.Add(blob);
        batch.BatchCommands.Add(upload);
        await batch.ExecuteNonQueryAsync(ct);
        return new AttachmentRef(sha, name, sniffed.ContentType!, content.Length);
    }

    /// <summary>Resolves hashes the caller names to files uploaded to this organization; unknown ones are a field error.</summary>
    public async Task<(IReadOnlyList<AttachmentRef> Files, Rejection? Rejection)> ResolveAsync(Guid org, IReadOnlyList<string>? hashes, CancellationToken ct)
    {
        if (hashes is null || hashes.Count == 0) return ([], null);
        var wanted = hashes.Select(h => h.Trim().ToLowerInvariant()).Distinct().ToArray();
        await using var cmd = dataSource.CreateCommand("""
            SELECT u.sha256, u.file_name, u.content_type, b.size FROM attachment_uploads u JOIN attachment_blobs b ON b.sha256 = u.sha256
             WHERE u.org_id = $1 AND u.sha256 = ANY($2)
            """);
        cmd.Parameters.AddWithValue(org);
        cmd.Parameters.AddWithValue(wanted);
        var found = new Dictionary<string, AttachmentRef>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct)) found[r.GetString(0)] = new AttachmentRef(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3));
        }
        var missing = wanted.Where(h => !found.ContainsKey(h)).ToList();
        if (missing.Count > 0) return ([], Rejection.Invalid("attachments", "Upload each file before attaching it: " + string.Join(", ", missing.Take(3)) + "."));
        return (wanted.Select(h => found[h]).ToList(), null);
    }

    /// <summary>A file, only when it was uploaded to this organization: another organization's evidence stays invisible.</summary>
    public async Task<StoredFile?> ReadAsync(Guid org, string sha256, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT b.content, b.content_type, u.file_name FROM attachment_uploads u JOIN attachment_blobs b ON b.sha256 = u.sha256
             WHERE u.org_id = $1 AND u.sha256 = $2
            """);
        cmd.Parameters.AddWithValue(org);
        cmd.Parameters.AddWithValue(sha256.ToLowerInvariant());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var type = r.GetString(1);
        return new StoredFile(r.GetFieldValue<byte[]>(0), type, r.GetString(2), ContentSniffer.ShowsInline(type));
    }

    private static string SafeFileName(string? name)
    {
        var leaf = Path.GetFileName((name ?? "").Replace('\\', '/'));
        var clean = new string(leaf.Where(c => !char.IsControl(c) && c is not ('"' or '/' or '\\')).ToArray()).Trim();
        if (clean.Length > 120) clean = clean[^120..];
        return clean.Length == 0 ? "file" : clean;
    }
}
