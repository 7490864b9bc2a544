using System.Net;
using System.Text.Json;
using Npgsql;

namespace ESoviet.Web.Deliberation;

public sealed record ThreadSummary(
    Guid Id, string Title, IReadOnlyList<string> Tags, string State, string Author, DateTimeOffset CreatedAt,
    DateTimeOffset LastActivityAt, int ContributionCount, int Unread);

public sealed record ThreadPage(IReadOnlyList<ThreadSummary> Threads, int Page, int PageSize, int Total)
{
    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

public sealed record ThreadDetail(
    Guid Id, string Title, IReadOnlyList<string> Tags, string State, bool RequiresStructure, string Author, Guid OpeningId,
    DateTimeOffset CreatedAt, DateTimeOffset LastActivityAt, int ContributionCount);

public sealed record ContributionView(
    Guid Id, Guid ThreadId, Guid? ParentId, int Position, int Depth, string Author, string Html,
    ContributionStructure? Structure, IReadOnlyList<AttachmentRef> Attachments,
    DateTimeOffset CreatedAt, DateTimeOffset? EditedAt, int Version, bool Retracted, long Sequence)
{
    public bool IsEdited => EditedAt is not null;
}

public sealed record SearchHit(Guid ContributionId, Guid ThreadId, string ThreadTitle, string Author, DateTimeOffset CreatedAt, string SnippetHtml, double Rank);

public sealed record MentionView(Guid ContributionId, Guid ThreadId, string ThreadTitle, string Author, DateTimeOffset At, bool Seen);

/// <summary>Reads the deliberation read models. Every query is scoped to one organization by its id.</summary>
public sealed class ThreadQueries(NpgsqlDataSource dataSource)
{
    public const int PageSize = 25;

    public async Task<ThreadPage> ListAsync(Guid org, Guid? reader, string? tag, int page, CancellationToken ct)
    {
        page = Math.Max(1, page);
        await using var cmd = dataSource.CreateCommand("""
            SELECT t.id, t.title, t.tags, t.state, t.author, t.created_at, t.last_activity_at, t.contribution_count,
                   t.contribution_count - coalesce(r.seen_count, 0), count(*) OVER ()
              FROM threads t
              LEFT JOIN thread_reads r ON r.thread_id = t.id AND r.account_id = $2
             WHERE t.org_id = $1 AND ($3::text IS NULL OR $3 = ANY (t.tags))
             ORDER BY t.last_activity_at DESC, t.id
             LIMIT $4 OFFSET $5
            """);
        cmd.Parameters.AddWithValue(org);
        cmd.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = reader });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = string.IsNullOrWhiteSpace(tag) ? null : tag.Trim().ToLowerInvariant() });
        cmd.Parameters.AddWithValue(PageSize);
        // long: (page - 1) * 25 overflows int for a page past 85 million, and a negative OFFSET is an SQL error.
        cmd.Parameters.AddWithValue((page - 1L) * PageSize);
        var threads = new List<ThreadSummary>();
        var total = 0;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            threads.Add(new ThreadSummary(r.GetGuid(0), r.GetString(1), r.GetFieldValue<string[]>(2), r.GetString(3), r.GetString(4),
                r.GetFieldValue<DateTimeOffset>(5), r.GetFieldValue<DateTimeOffset>(6), r.GetInt32(7), reader is null ? 0 : Math.Max(0, r.GetInt32(8))));
            total = (int)r.GetInt64(9);
        }
        if (threads.Count == 0 && page > 1) total = await CountAsync(org, tag, ct);
        return new ThreadPage(threads, page, PageSize, total);
    }

    private async Task<int> CountAsync(Guid org, string? tag, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT count(*) FROM threads WHERE org_id = $1 AND ($2::text IS NULL OR $2 = ANY (tags))");
        cmd.Parameters.AddWithValue(org);
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = string.IsNullOrWhiteSpace(tag) ? null : tag.Trim().ToLowerInvariant() });
        return (int)(long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task<IReadOnlyList<string>> TagsAsync(Guid org, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "SELECT tag FROM threads, unnest(tags) AS tag WHERE org_id = $1 GROUP BY tag ORDER BY count(*) DESC, tag LIMIT 50");
        cmd.Parameters.AddWithValue(org);
        var tags = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) tags.Add(r.GetString(0));
        return tags;
    }

    public async Task<ThreadDetail?> FindThreadAsync(Guid org, Guid thread, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT id, title, tags, state, requires_structure, author, opening_id, created_at, last_activity_at, contribution_count
              FROM threads WHERE org_id = $1 AND id = $2
            """);
        cmd.Parameters.AddWithValue(org);
        cmd.Parameters.AddWithValue(thread);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new ThreadDetail(r.GetGuid(0), r.GetString(1), r.GetFieldValue<string[]>(2), r.GetString(3), r.GetBoolean(4), r.GetString(5),
            r.GetGuid(6), r.GetFieldValue<DateTimeOffset>(7), r.GetFieldValue<DateTimeOffset>(8), r.GetInt32(9));
    }

    /// <summary>The thread's contributions in reading order: depth first, replies in the order they were posted.</summary>
    public async Task<IReadOnlyList<ContributionView>> ContributionsAsync(Guid org, Guid thread, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            SELECT {ContributionColumns} FROM contributions WHERE org_id = $1 AND thread_id = $2 ORDER BY path
            """);
        cmd.Parameters.AddWithValue(org);
        cmd.Parameters.AddWithValue(thread);
        return await ReadContributionsAsync(cmd, ct);
    }

    public async Task<ContributionView?> FindContributionAsync(Guid org, Guid contribution, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT {ContributionColumns} FROM contributions WHERE org_id = $1 AND id = $2");
        cmd.Parameters.AddWithValue(org);
        cmd.Parameters.AddWithValue(contribution);
        return (await ReadContributionsAsync(cmd, ct)).SingleOrDefault();
    }

    /// <summary>Remembers, privately, how much of a thread this reader has seen.</summary>
    public async Task MarkReadAsync(Guid account, Guid thread, int seen, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            INSERT INTO thread_reads (account_id, thread_id, seen_count) VALUES ($1, $2, $3)
            ON CONFLICT (account_id, thread_id) DO UPDATE SET seen_count = greatest(thread_reads.seen_count, excluded.seen_count)
            """);
        cmd.Parameters.AddWithValue(account);
        cmd.Parameters.AddWithValue(thread);
        cmd.Parameters.AddWithValue(seen);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Ranked full-text search within one organization. websearch_to_tsquery accepts any input (quotes, "or",
    /// "-word", garbage) without raising, so user text is never parsed as query syntax errors.
    /// </summary>
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(Guid org, string query, int limit, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            WITH q AS (SELECT websearch_to_tsquery('english', $2) AS query)
            SELECT c.id, c.thread_id, t.title, c.author, c.created_at,
                   ts_headline('english', concat_ws(' ', CASE WHEN c.position = 0 THEN t.title END, c.why, c.analysis, c.plain), q.query,
                               'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', MaxFragments=2, MaxWords=30, MinWords=12, FragmentDelimiter=' || chr(3)),
                   ts_rank_cd(c.search, q.query)
              FROM contributions c JOIN threads t ON t.id = c.thread_id, q
             WHERE c.org_id = $1 AND c.retracted_at IS NULL AND c.search @@ q.query
             ORDER BY ts_rank_cd(c.search, q.query) DESC, c.created_at DESC
             LIMIT $3
            """);
        cmd.Parameters.AddWithValue(org);
        cmd.Parameters.AddWithValue(query);
        cmd.Parameters.AddWithValue(limit);
        var hits = new List<SearchHit>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            hits.Add(new SearchHit(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetFieldValue<DateTimeOffset>(4),
                SnippetHtml(r.GetString(5)), r.GetFloat(6)));
        }
        return hits;
    }

    public async Task<IReadOnlyList<MentionView>> MentionsAsync(Guid org, string handleKey, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT m.contribution_id, m.thread_id, t.title, m.author, m.at, m.seen
              FROM mentions m JOIN threads t ON t.id = m.thread_id
             WHERE m.org_id = $1 AND m.handle_key = $2
             ORDER BY m.at DESC LIMIT 100
            """);
        cmd.Parameters.AddWithValue(org);
        cmd.Parameters.AddWithValue(handleKey);
        var mentions = new List<MentionView>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            mentions.Add(new MentionView(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetFieldValue<DateTimeOffset>(4), r.GetBoolean(5)));
        return mentions;
    }

    public async Task MarkMentionsSeenAsync(Guid org, string handleKey, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("UPDATE mentions SET seen = true WHERE org_id = $1 AND handle_key = $2 AND NOT seen");
        cmd.Parameters.AddWithValue(org);
        cmd.Parameters.AddWithValue(handleKey);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Encodes everything, then turns the control-character markers PostgreSQL inserted into &lt;mark&gt;.</summary>
    private static string SnippetHtml(string headline) =>
        WebUtility.HtmlEncode(headline)
            .Replace("\u0001", "<mark>", StringComparison.Ordinal)
            .Replace("\u0002", "</mark>", StringComparison.Ordinal)
            .Replace("\u0003", " … ", StringComparison.Ordinal);

    private const string ContributionColumns =
        "id, thread_id, parent_id, position, cardinality(path) - 1, author, html, why, to_whom, source, analysis, attachments, created_at, edited_at, version, retracted_at, seq";

    private static async Task<IReadOnlyList<ContributionView>> ReadContributionsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var list = new List<ContributionView>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var retracted = !r.IsDBNull(15);
            ContributionStructure? structure = null;
            if (!retracted)
            {
                structure = ContributionStructure.Normalize(new ContributionStructure(
                    r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8),
                    r.IsDBNull(9) ? null : r.GetString(9), r.IsDBNull(10) ? null : r.GetString(10)));
            }
            list.Add(new ContributionView(
                r.GetGuid(0), r.GetGuid(1), r.IsDBNull(2) ? null : r.GetGuid(2), r.GetInt32(3), r.GetInt32(4), r.GetString(5),
                // A retracted contribution's text never leaves the database through this view.
                retracted ? "" : r.GetString(6),
                structure,
                retracted ? [] : JsonSerializer.Deserialize<AttachmentRef[]>(r.GetString(11), JsonSerializerOptions.Web) ?? [],
                r.GetFieldValue<DateTimeOffset>(12), r.IsDBNull(13) ? null : r.GetFieldValue<DateTimeOffset>(13), r.GetInt32(14), retracted, r.GetInt64(16)));
        }
        return list;
    }
}
