using System.Text.Json;
using System.Text.RegularExpressions;
using ESoviet.EventStore;
using ESoviet.EventStore.Projections;
using ESoviet.Web.Accounts;
using ESoviet.Web.Deliberation.Text;
using Npgsql;

namespace ESoviet.Web.Deliberation;

/// <summary>
/// Keeps threads, contributions (with their rendered HTML and search vector) and mentions up to date inside
/// the append transaction. Rendering happens here, once per post or edit, never per page view.
/// </summary>
public sealed partial class DeliberationProjection : IInlineProjection
{
    public async Task ApplyAsync(NpgsqlConnection connection, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case ThreadStarted started:
                    await StartThreadAsync(connection, e, started, ct);
                    break;
                case ContributionPosted posted:
                    await PostAsync(connection, e, posted, ct);
                    break;
                case ContributionEdited edited:
                    await EditAsync(connection, e, edited, ct);
                    break;
                case ContributionRetracted retracted:
                    await ExecuteAsync(connection, ct, """
                        UPDATE contributions SET retracted_at = $2, search = ''::tsvector, plain = '', seq = $3 WHERE id = $1
                        """, retracted.ContributionId, e.Timestamp, e.Sequence);
                    break;
                case ThreadClosed closed:
                    await ExecuteAsync(connection, ct, "UPDATE threads SET state = 'closed', last_seq = $2 WHERE id = $1", closed.ThreadId, e.Sequence);
                    break;
            }
        }
    }

    private static async Task StartThreadAsync(NpgsqlConnection connection, StoredEvent e, ThreadStarted started, CancellationToken ct) =>
        await ExecuteAsync(connection, ct, """
            INSERT INTO threads (id, org_id, title, tags, requires_structure, author, opening_id, created_at, last_activity_at, last_seq)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)
            """,
            started.ThreadId, OrgOf(e), started.Title, started.Tags.ToArray(), started.RequiresStructure, started.Author,
            started.OpeningContributionId, e.Timestamp, e.Sequence);

    private static async Task PostAsync(NpgsqlConnection connection, StoredEvent e, ContributionPosted posted, CancellationToken ct)
    {
        var org = OrgOf(e);
        var rendered = await RenderAsync(connection, org, posted.Markdown, ct);
        await ExecuteAsync(connection, ct, """
            WITH slot AS (
                UPDATE threads SET contribution_count = contribution_count + 1, last_activity_at = $11, last_seq = $12
                 WHERE id = $2
                RETURNING contribution_count - 1 AS position, title
            )
            INSERT INTO contributions (id, org_id, thread_id, parent_id, position, path, author, markdown, html,
                                       why, to_whom, source, analysis, attachments, created_at, seq, search, plain)
            SELECT $1, $13, $2, $3, slot.position,
                   coalesce((SELECT p.path FROM contributions p WHERE p.id = $3), ARRAY[]::int[]) || slot.position,
                   $4, $5, $6, $7, $8, $9, $10, $14::jsonb, $11, $12,
                   setweight(to_tsvector('english', CASE WHEN slot.position = 0 THEN slot.title ELSE '' END), 'A')
                   || setweight(to_tsvector('english', concat_ws(' ', $7, $8, $9, $10)), 'B')
                   || to_tsvector('english', $15),
                   $15
              FROM slot
            """,
            posted.ContributionId, posted.ThreadId, new NpgsqlParameter<Guid?> { TypedValue = posted.ParentId }, posted.Author, posted.Markdown, rendered.Html,
            Nullable(posted.Structure?.Why), Nullable(posted.Structure?.ToWhom), Nullable(posted.Structure?.Source), Nullable(posted.Structure?.Analysis),
            e.Timestamp, e.Sequence, org, JsonSerializer.Serialize(posted.Attachments, JsonSerializerOptions.Web), rendered.PlainText);
        await RecordMentionsAsync(connection, org, posted.ContributionId, posted.ThreadId, posted.Author, rendered.Mentions, e.Timestamp, ct);
    }

    private static async Task EditAsync(NpgsqlConnection connection, StoredEvent e, ContributionEdited edited, CancellationToken ct)
    {
        var org = OrgOf(e);
        var rendered = await RenderAsync(connection, org, edited.Markdown, ct);
        await ExecuteAsync(connection, ct, """
            UPDATE contributions c
               SET markdown = $2, html = $3, why = $4, to_whom = $5, source = $6, analysis = $7, attachments = $8::jsonb,
                   edited_at = $9, version = c.version + 1, seq = $10, plain = $11,
                   search = setweight(to_tsvector('english', CASE WHEN c.position = 0 THEN t.title ELSE '' END), 'A')
                            || setweight(to_tsvector('english', concat_ws(' ', $4, $5, $6, $7)), 'B')
                            || to_tsvector('english', $11)
              FROM threads t
             WHERE c.id = $1 AND t.id = c.thread_id
            """,
            edited.ContributionId, edited.Markdown, rendered.Html,
            Nullable(edited.Structure?.Why), Nullable(edited.Structure?.ToWhom), Nullable(edited.Structure?.Source), Nullable(edited.Structure?.Analysis),
            JsonSerializer.Serialize(edited.Attachments, JsonSerializerOptions.Web), e.Timestamp, e.Sequence, rendered.PlainText);
        await ExecuteAsync(connection, ct, "UPDATE threads SET last_activity_at = $2, last_seq = $3 WHERE id = $1", edited.ThreadId, e.Timestamp, e.Sequence);
        await RecordMentionsAsync(connection, org, edited.ContributionId, edited.ThreadId, edited.Author, rendered.Mentions, e.Timestamp, ct);
    }

    /// <summary>
    /// Renders with mention links only for handles that belong to the organization: "@someone" who is not a
    /// member stays plain text, and links never reveal who is a member of another organization.
    /// </summary>
    private static async Task<RenderResult> RenderAsync(NpgsqlConnection connection, Guid org, string markdown, CancellationToken ct)
    {
        var candidates = MentionCandidate().Matches(markdown).Select(m => Handles.Key(m.Groups[1].Value)).Distinct().ToArray();
        var members = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string slug = "";
        await using (var cmd = new NpgsqlCommand("""
            SELECT o.slug, m.handle
              FROM organizations o
              LEFT JOIN memberships m ON m.org_id = o.id AND m.handle_key = ANY($2) AND m.status IN ('candidate', 'member')
             WHERE o.id = $1
            """, connection))
        {
            cmd.Parameters.AddWithValue(org);
            cmd.Parameters.AddWithValue(candidates);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                slug = reader.GetString(0);
                if (!reader.IsDBNull(1)) members[reader.GetString(1)] = reader.GetString(1);
            }
        }
        return MarkdownRenderer.Render(markdown, handle =>
            members.TryGetValue(handle, out var exact) ? $"/o/{slug}/members#member-{Handles.Key(exact)}" : null);
    }

    private static async Task RecordMentionsAsync(
        NpgsqlConnection connection, Guid org, Guid contribution, Guid thread, string author, IReadOnlyList<string> mentioned, DateTimeOffset at, CancellationToken ct)
    {
        var keys = mentioned.Select(Handles.Key).Where(k => k != Handles.Key(author)).Distinct().ToArray();
        if (keys.Length == 0) return;
        // Members who turned mentions off are simply not recorded; repeated mentions in later edits are not repeated.
        await ExecuteAsync(connection, ct, """
            INSERT INTO mentions (org_id, handle_key, contribution_id, thread_id, author, at)
            SELECT $1, a.handle_key, $2, $3, $4, $5
              FROM accounts a
             WHERE a.handle_key = ANY($6) AND a.mentions_enabled
            ON CONFLICT (handle_key, contribution_id) DO NOTHING
            """, org, contribution, thread, author, at, keys);
    }

    private static Guid OrgOf(StoredEvent e) =>
        Guid.TryParse(e.TenantId, out var org) ? org : throw new InvalidOperationException($"Event {e.Sequence} has no organization.");

    // Typed, so PostgreSQL knows a NULL's type even where the SQL alone does not say it (concat_ws).
    private static NpgsqlParameter Nullable(string? value) => new NpgsqlParameter<string?> { TypedValue = value };

    private static async Task ExecuteAsync(NpgsqlConnection connection, CancellationToken ct, string sql, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var arg in args) cmd.Parameters.Add(arg as NpgsqlParameter ?? new NpgsqlParameter { Value = arg });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    [GeneratedRegex(@"(?<![\w@.])@([A-Za-z0-9_-]{3,32})")]
    private static partial Regex MentionCandidate();
}
