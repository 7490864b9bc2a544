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
    /// Entries per query (keyset pages). A page is read whole into the response buffer and the connection goes back to
    /// the pool before the page is flushed, so a slow download holds at most one page of memory and never a connection
    /// while it waits for the client.
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
    public async Task<long> WriteAsync(Guid organizationId, long after, long upTo, PipeWriter output, CancellationToken ct)
    {
        long written = 0;
        var position = after;
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            while (position < upTo)
            {
                var rows = 0;
                await using (var connection = await dataSource.OpenConnectionAsync(ct))
                await using (var cmd = new NpgsqlCommand(PageSql, connection))
                {
                    cmd.Parameters.AddWithValue(organizationId);
                    cmd.Parameters.AddWithValue(position);
                    cmd.Parameters.AddWithValue(upTo);
                    cmd.Parameters.AddWithValue(PageSize);
                    await using var reader = await cmd.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
                    while (await reader.ReadAsync(ct))
                    {
                        position = reader.GetInt64(0);
                        var length = (int)reader.GetBytes(1, 0, null, 0, 0);
                        if (length > buffer.Length)
                        {
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = ArrayPool<byte>.Shared.Rent(length);
                        }
                        reader.GetBytes(1, 0, buffer, 0, length);
                        output.Write(buffer.AsSpan(0, length));
                        rows++;
                    }
                }
                written += rows;
                var flushed = await output.FlushAsync(ct);
                if (rows < PageSize || flushed.IsCanceled || flushed.IsCompleted) break;
            }
            return written;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
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
