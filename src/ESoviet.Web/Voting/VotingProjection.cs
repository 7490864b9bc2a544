using System.Text.Json;
using ESoviet.EventStore;
using ESoviet.EventStore.Projections;
using ESoviet.Web.Accounts;
using ESoviet.Web.Infrastructure;
using ESoviet.Web.Membership;
using Npgsql;
using static ESoviet.Web.Infrastructure.ProjectionBatch;

namespace ESoviet.Web.Voting;

/// <summary>
/// Proposals, electorates and the roll-call, updated in the append transaction: a voter sees their own row on the
/// next page load, and the tally is always a recount of the roll-call rows. All of an append's statements go to
/// PostgreSQL in one round trip.
/// </summary>
public sealed class VotingProjection : IInlineProjection
{
    private static readonly JsonSerializerOptions Json = MembershipProjection.Json;

    public async Task ApplyAsync(NpgsqlConnection connection, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        await using var batch = new ProjectionBatch(connection);
        void Add(string sql, params object?[] args) => batch.Add(sql, args);

        foreach (var e in events)
        {
            switch (e.Data)
            {
                case VoteCast vote:
                    // The WHERE keeps the latest vote by sequence even if two of one elector's votes were applied out of order.
                    Add("""
                        INSERT INTO roll_call (proposal_id, handle_key, voter, choice, reason, cast_at, event_id, seq)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                        ON CONFLICT (proposal_id, handle_key) DO UPDATE
                           SET choice = excluded.choice, reason = excluded.reason, cast_at = excluded.cast_at,
                               changes = roll_call.changes + 1, event_id = excluded.event_id, seq = excluded.seq
                         WHERE roll_call.seq < excluded.seq
                        """,
                        vote.ProposalId, Handles.Key(vote.Voter), vote.Voter, Text(vote.Choice is { } c ? Word(c) : null), Text(vote.Reason),
                        e.Timestamp, e.Id, e.Sequence);
                    break;
                case ProposalDrafted drafted:
                    Add("""
                        INSERT INTO proposals (id, org_id, thread_id, kind, author, title, text, new_charter, subject, phase, revision, created_at, last_seq)
                        VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, 'draft', 1, $10, $11)
                        """,
                        drafted.ProposalId, drafted.OrganizationId, drafted.ThreadId, Word(drafted.Kind), drafted.Author, drafted.Text.Title,
                        JsonSerializer.Serialize(drafted.Text, Json), Text(drafted.NewCharter is null ? null : JsonSerializer.Serialize(drafted.NewCharter, Json)),
                        Text(drafted.Subject), e.Timestamp, e.Sequence);
                    Add("INSERT INTO proposal_revisions (proposal_id, revision, text, new_charter, at) VALUES ($1, 1, $2::jsonb, $3::jsonb, $4)",
                        drafted.ProposalId, JsonSerializer.Serialize(drafted.Text, Json),
                        Text(drafted.NewCharter is null ? null : JsonSerializer.Serialize(drafted.NewCharter, Json)), e.Timestamp);
                    break;
                case ProposalSubmitted submitted:
                    // The submission carries the whole proposal, so the row can be built from the public record alone.
                    Add("""
                        INSERT INTO proposals (id, org_id, thread_id, kind, author, title, text, new_charter, subject, phase, revision, created_at,
                                               discussion_ends_at, last_seq)
                        VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, 'discussion', $10, $11, $12, $13)
                        ON CONFLICT (id) DO UPDATE SET phase = 'discussion', discussion_ends_at = excluded.discussion_ends_at, last_seq = excluded.last_seq
                        """,
                        submitted.ProposalId, Org(e), submitted.ThreadId, Word(submitted.Kind), submitted.Author, submitted.Text.Title,
                        JsonSerializer.Serialize(submitted.Text, Json),
                        Text(submitted.NewCharter is null ? null : JsonSerializer.Serialize(submitted.NewCharter, Json)), Text(submitted.Subject),
                        submitted.Revision, e.Timestamp, submitted.DiscussionEndsAt, e.Sequence);
                    break;
                case ProposalRevised revised:
                    Add("UPDATE proposals SET revision = $2, title = $3, text = $4::jsonb, new_charter = $5::jsonb, last_seq = $6 WHERE id = $1",
                        revised.ProposalId, revised.Revision, revised.Text.Title, JsonSerializer.Serialize(revised.Text, Json),
                        Text(revised.NewCharter is null ? null : JsonSerializer.Serialize(revised.NewCharter, Json)), e.Sequence);
                    Add("INSERT INTO proposal_revisions (proposal_id, revision, text, new_charter, at) VALUES ($1, $2, $3::jsonb, $4::jsonb, $5)",
                        revised.ProposalId, revised.Revision, JsonSerializer.Serialize(revised.Text, Json),
                        Text(revised.NewCharter is null ? null : JsonSerializer.Serialize(revised.NewCharter, Json)), e.Timestamp);
                    break;
                case AmendmentOffered offered:
                    Add("INSERT INTO amendments (proposal_id, contribution_id, offered_by, state, offered_at) VALUES ($1, $2, $3, 'offered', $4)",
                        offered.ProposalId, offered.ContributionId, offered.By, e.Timestamp);
                    break;
                case AmendmentAnswered answered:
                    Add("UPDATE amendments SET state = $3, reason = $4, answered_at = $5 WHERE proposal_id = $1 AND contribution_id = $2",
                        answered.ProposalId, answered.ContributionId, answered.Accepted ? "accepted" : "declined", Text(answered.Reason), e.Timestamp);
                    break;
                case ProposalWithdrawn withdrawn:
                    Add("UPDATE proposals SET phase = 'withdrawn', closed_at = $2, last_seq = $3 WHERE id = $1", withdrawn.ProposalId, e.Timestamp, e.Sequence);
                    break;
                case VotingOpened opened:
                    Add("""
                        UPDATE proposals SET phase = 'voting', opened_at = $2, closes_at = $3, charter = $4::jsonb, electorate_size = $5, reveal = $6, last_seq = $7
                         WHERE id = $1
                        """,
                        opened.ProposalId, opened.OpenedAt, opened.ClosesAt, JsonSerializer.Serialize(opened.Charter, Json), opened.Electorate.Count,
                        opened.Charter.RollCallReveal == RollCallReveal.AtClose ? "at_close" : "live", e.Sequence);
                    Add("INSERT INTO electorate (proposal_id, handle_key, handle) SELECT $1, lower(h), h FROM unnest($2::text[]) AS h",
                        opened.ProposalId, opened.Electorate.ToArray());
                    break;
                case VotesRevealed revealed:
                    Add("""
                        UPDATE roll_call r SET choice = v.choice, reason = v.reason
                          FROM unnest($2::uuid[], $3::text[], $4::text[]) AS v (event_id, choice, reason)
                         WHERE r.proposal_id = $1 AND r.event_id = v.event_id
                        """,
                        revealed.ProposalId, revealed.Votes.Select(v => v.VoteEventId).ToArray(),
                        revealed.Votes.Select(v => Word(v.Choice)).ToArray(), revealed.Votes.Select(v => v.Reason).ToArray());
                    Add("DELETE FROM vote_secrets WHERE proposal_id = $1", revealed.ProposalId);
                    break;
                case VotingClosed closed:
                    Add("""
                        UPDATE proposals SET phase = 'closed', closed_at = $2, outcome = $3, final_for = $4, final_against = $5, final_abstain = $6,
                                             early = $7, last_seq = $8
                         WHERE id = $1
                        """,
                        closed.ProposalId, closed.ClosedAt, Word(closed.Outcome), closed.For, closed.Against, closed.Abstain, closed.Early, e.Sequence);
                    break;
                case CharterAmended amended:
                    Add("UPDATE organizations SET charter = $2::jsonb WHERE id = $1", amended.OrganizationId, JsonSerializer.Serialize(amended.Charter, Json));
                    break;
                case MemberExpelled expelled:
                    Add("UPDATE memberships SET status = 'expelled', left_at = $3 WHERE org_id = $1 AND handle_key = $2",
                        expelled.OrganizationId, Handles.Key(expelled.Handle), e.Timestamp);
                    break;
            }
        }
        await batch.ExecuteAsync(ct);
    }

    /// <summary>The snake_case word an enum is stored and serialized as.</summary>
    public static string Word<T>(T value) where T : struct, Enum => EnumWords<T>.Of(value);

    private static class EnumWords<T> where T : struct, Enum
    {
        private static readonly Dictionary<T, string> Words = Enum.GetValues<T>().ToDictionary(v => v, v => JsonSerializer.Serialize(v).Trim('"'));

        public static string Of(T value) => Words[value];
    }

    private static Guid Org(StoredEvent e) =>
        Guid.TryParse(e.TenantId, out var org) ? org : throw new InvalidOperationException($"Event {e.Sequence} has no organization.");
}
