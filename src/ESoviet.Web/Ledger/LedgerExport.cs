using System.Buffers;
using System.Data;
using System.IO.Pipelines;
using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Npgsql;

namespace ESoviet.Web.Ledger;

/// <summary>
/// Streams an organization's sealed entries as JSON Lines, one per entry in position order:
/// <c>{"hash":"&lt;64 hex&gt;","prev":"&lt;64 hex&gt;","entry":&lt;entry&gt;}</c>. The prefix has a fixed length, so the
/// hashed bytes of a line are simply <c>line[157 .. len-1]</c> (docs/ledger.md).
/// The entry is rebuilt from the events row now, by the same SQL that sealed it, and printed beside the hash stored
/// then: a row edited after sealing no longer matches its hash, and any verifier sees it.
/// </summary>
public sealed class LedgerExport(NpgsqlDataSource dataSource)
{
    public const string ContentType = "application/x-ndjson";

    /// <summary>Length of <c>{"hash":"…","prev":"…","entry":</c>: where the entry bytes start in every line.</summary>
    public const int EntryOffset = 157;

    /// <summary>
    /// Entries per query (keyset pages). Pages are read whole into memory and the connection goes back to the pool at
    /// once, so a slow download holds at most two pages (the one being sent and the next, read meanwhile) and never a
    /// connection while it waits for the client.
    /// </summary>
    public int PageSize { get; init; } = 2_000;

    // The whole line is assembled by PostgreSQL as UTF-8 bytes and copied to the response untouched.
    private const string PageSql = """
        SELECT l.position,
               convert_to('{"hash":"' || l.hash || '","prev":"' || l.prev || '","entry":'
                          || CASE WHEN e.seq IS NULL THEN 'null' ELSE ledger_entry(l.position, e) END
                          || E'}\n', 'UTF8')
          FROM ledger_entries l
          LEFT JOIN es.events e ON e.seq = l.seq
         WHERE l.org_id = $1 AND l.position > $2 AND l.position <= $3
         ORDER BY l.position
         LIMIT $4
        """;

    /// <summary>Writes the entries after position <paramref name="after"/> up to <paramref name="upTo"/>; returns how many.</summary>
    /// <remarks>
    /// The next page is read while the current one is written and flushed: building the lines is the database's work
    /// and sending them the app's, so on two cores the two overlap instead of taking turns.
    /// </remarks>
    public async Task<long> WriteAsync(Guid organizationId, long after, long upTo, PipeWriter output, CancellationToken ct)
    {
        long written = 0;
        Task<Page>? next = after < upTo ? ReadPageAsync(organizationId, after, upTo, ct) : null;
        try
        {
            while (next is not null)
            {
                var reading = next;
                next = null;
                var page = await reading;
                next = page.Rows == PageSize && page.Last < upTo ? ReadPageAsync(organizationId, page.Last, upTo, ct) : null;
                output.Write(page.Buffer.AsSpan(0, page.Length));
                ArrayPool<byte>.Shared.Return(page.Buffer);
                written += page.Rows;
                var flushed = await output.FlushAsync(ct);
                if (flushed.IsCanceled || flushed.IsCompleted) break;
            }
            return written;
        }
        finally
        {
            // A download cut short still waits for the page being read, so its connection goes back to the pool.
            if (next is not null)
            {
                try { ArrayPool<byte>.Shared.Return((await next).Buffer); }
                catch (Exception e) when (e is OperationCanceledException or NpgsqlException or IOException) { }
            }
        }
    }

    /// <summary>A page's lines in a pooled buffer: <see cref="Buffer"/>[..<see cref="Length"/>].</summary>
    private sealed record Page(byte[] Buffer, int Length, int Rows, long Last);

    private async Task<Page> ReadPageAsync(Guid organizationId, long after, long upTo, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(PageSize * 1024);
        var length = 0;
        var rows = 0;
        var last = after;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var cmd = new NpgsqlCommand(PageSql, connection);
            cmd.Parameters.AddWithValue(organizationId);
            cmd.Parameters.AddWithValue(after);
            cmd.Parameters.AddWithValue(upTo);
            cmd.Parameters.AddWithValue(PageSize);
            await using var reader = await cmd.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
            while (await reader.ReadAsync(ct))
            {
                last = reader.GetInt64(0);
                var line = (int)reader.GetBytes(1, 0, null, 0, 0);
                if (length + line > buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, length + line));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                reader.GetBytes(1, 0, buffer, length, line);
                length += line;
                rows++;
            }
            return new Page(buffer, length, rows, last);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}

/// <summary>The response of <c>GET /api/orgs/{slug}/ledger</c>: headers naming the head, then the streamed lines.</summary>
public sealed class LedgerExportResult(Guid organizationId, string slug, long after, LedgerHead head) : IResult, IEndpointMetadataProvider
{
    public const string HeadPositionHeader = "Ledger-Head-Position";
    public const string HeadHashHeader = "Ledger-Head-Hash";

    public async Task ExecuteAsync(HttpContext http)
    {
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = LedgerExport.ContentType;
        response.Headers.ContentDisposition = $"attachment; filename=\"{slug}-ledger.jsonl\"";
        // Members' votes and words: no shared cache may keep a copy.
        response.Headers.CacheControl = "private, no-store";
        response.Headers[HeadPositionHeader] = head.Entries.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers[HeadHashHeader] = head.Hash;
        var export = http.RequestServices.GetRequiredService<LedgerExport>();
        await export.WriteAsync(organizationId, after, head.Entries, response.BodyWriter, http.RequestAborted);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), [LedgerExport.ContentType]));
}
