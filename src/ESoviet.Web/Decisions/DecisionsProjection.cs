using System.Text.Json;
using ESoviet.EventStore;
using ESoviet.EventStore.Projections;
using ESoviet.Web.Accounts;
using ESoviet.Web.Infrastructure;
using ESoviet.Web.Membership;
using ESoviet.Web.Voting;
using Npgsql;
using static ESoviet.Web.Infrastructure.ProjectionBatch;

namespace ESoviet.Web.Decisions;

/// <summary>
/// Decisions, commitments, tasks, reports, reviews and breaches, updated in the append transaction: the member who
/// answers sees their answer on the next page, and the background keeper reads breaches the moment they commit.
/// Registered after the voting projection, so a proposal row exists before its amends/repeals are written.
/// </summary>
public sealed class DecisionsProjection : IInlineProjection
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
                case ProposalSubmitted system when SystemAuthor.Is(system.Author):
                    // A review the system opens has no private draft before it: its first revision is the submission.
                    Add("""
                        INSERT INTO proposal_revisions (proposal_id, revision, text, new_charter, at) VALUES ($1, $2, $3::jsonb, NULL, $4)
                        ON CONFLICT DO NOTHING
                        """, system.ProposalId, system.Revision, JsonSerializer.Serialize(system.Text, Json), e.Timestamp);
                    break;
                case ProposalDrafted { Amends: not null } or ProposalDrafted { Repeals: not null }:
                    var drafted = (ProposalDrafted)e.Data;
                    Add("UPDATE proposals SET amends = $2, repeals = $3 WHERE id = $1",
                        drafted.ProposalId, (drafted.Amends ?? []).ToArray(), (drafted.Repeals ?? []).ToArray());
                    break;
                case ProposalSubmitted { Amends: not null } or ProposalSubmitted { Repeals: not null }:
                    var submitted = (ProposalSubmitted)e.Data;
                    Add("UPDATE proposals SET amends = $2, repeals = $3 WHERE id = $1",
                        submitted.ProposalId, (submitted.Amends ?? []).ToArray(), (submitted.Repeals ?? []).ToArray());
                    break;
                case DecisionAdopted a:
                    Add("""
                        INSERT INTO decisions (id, org_id, number, proposal_id, thread_id, title, text, proposer, implementer, implementer_key, adopted_at,
                                               electorate, final_for, final_against, final_abstain, phase, commitment_due_at, amends, repeals, last_seq)
                        VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $8, $9, $10, $11, $12, $13, $14, 'awaiting_commitments', $15, $16, $17, $18)
                        """,
                        a.DecisionId, a.OrganizationId, a.Number, a.ProposalId, a.ThreadId, a.Text.Title, JsonSerializer.Serialize(a.Text, Json),
                        a.Implementer, Handles.Key(a.Implementer), e.Timestamp, a.Electorate, a.For, a.Against, a.Abstain, a.CommitmentDueAt,
                        a.Amends.ToArray(), a.Repeals.ToArray(), e.Sequence);
                    var against = a.VotedAgainst.Select(Handles.Key).ToHashSet();
                    Add("""
                        INSERT INTO decision_commitments (decision_id, handle_key, handle, voted_against)
                        SELECT $1, lower(h), h, lower(h) = ANY($3) FROM unnest($2::text[]) AS h
                        """,
                        a.DecisionId, a.Members.ToArray(), against.ToArray());
                    break;
                case DecisionRepealed r:
                    Add("UPDATE decisions SET phase = 'abandoned', repealed_by = $2, commitments_open = false, last_seq = $3 WHERE id = $1",
                        r.DecisionId, r.ByDecisionId, e.Sequence);
                    break;
                case DecisionAmended m:
                    Add("UPDATE decisions SET amended_by = array_append(amended_by, $2), last_seq = $3 WHERE id = $1", m.DecisionId, m.ByDecisionId, e.Sequence);
                    break;
                case CommitmentRecorded c:
                    Add("""
                        UPDATE decision_commitments SET answer = $3, dissent = $4, reason = $5, answered_at = $6
                         WHERE decision_id = $1 AND handle_key = $2
                        """,
                        c.DecisionId, Handles.Key(c.Member), c.Abide ? "abide" : "refuse", Text(c.Dissent), Text(c.Reason), e.Timestamp);
                    if (!c.Abide)
                    {
                        Add("""
                            INSERT INTO breaches (org_id, decision_id, handle_key, handle, kind, at)
                            SELECT org_id, id, $2, $3, 'refused', $4 FROM decisions WHERE id = $1
                            ON CONFLICT DO NOTHING
                            """,
                            c.DecisionId, Handles.Key(c.Member), c.Member, e.Timestamp);
                    }
                    break;
                case CommitmentsClosed closed:
                    Add("""
                        UPDATE decisions SET commitments_open = false, last_seq = $2,
                               phase = CASE WHEN phase = 'awaiting_commitments' THEN 'in_implementation' ELSE phase END
                         WHERE id = $1
                        """, closed.DecisionId, e.Sequence);
                    Add("""
                        UPDATE decision_commitments SET answer = 'missed', answered_at = $3
                         WHERE decision_id = $1 AND answer IS NULL AND handle_key = ANY($2)
                        """, closed.DecisionId, closed.Missed.Select(Handles.Key).ToArray(), e.Timestamp);
                    Add("""
                        INSERT INTO breaches (org_id, decision_id, handle_key, handle, kind, at)
                        SELECT d.org_id, d.id, lower(h), h, 'missed', $3 FROM decisions d, unnest($2::text[]) AS h WHERE d.id = $1
                        ON CONFLICT DO NOTHING
                        """, closed.DecisionId, closed.Missed.ToArray(), e.Timestamp);
                    break;
                case MinorityReportSigned s:
                    Add("INSERT INTO minority_signatures (decision_id, handle_key, handle, signed_at) VALUES ($1, $2, $3, $4)",
                        s.DecisionId, Handles.Key(s.Member), s.Member, e.Timestamp);
                    if (s.Text is not null) Add("UPDATE decisions SET minority_report = $2 WHERE id = $1", s.DecisionId, s.Text);
                    break;
                case TaskPlanned t:
                    Add("""
                        INSERT INTO decision_tasks (id, decision_id, title, due_on, state, planned_at, updated_at, seq)
                        VALUES ($1, $2, $3, $4, 'planned', $5, $5, $6)
                        """, t.TaskId, t.DecisionId, t.Title, t.DueOn, e.Timestamp, e.Sequence);
                    break;
                case TaskStateChanged t:
                    Add("UPDATE decision_tasks SET state = $2, reason = $3, updated_at = $4 WHERE id = $1",
                        t.TaskId, VotingProjection.Word(t.State), Text(t.Reason), e.Timestamp);
                    break;
                case TaskVolunteered v:
                    Add("INSERT INTO task_volunteers (task_id, handle_key, handle, at) VALUES ($1, $2, $3, $4)",
                        v.TaskId, Handles.Key(v.Member), v.Member, e.Timestamp);
                    break;
                case ProgressReported p:
                    Add("INSERT INTO progress_reports (id, decision_id, author, at, percent, happened, blocked) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                        p.ReportId, p.DecisionId, e.Actor ?? "", e.Timestamp, p.Percent, p.Happened, Text(p.Blocked));
                    Add("UPDATE decisions SET percent_done = $2, last_report_at = $3 WHERE id = $1", p.DecisionId, p.Percent, e.Timestamp);
                    break;
                case HandoverOffered h:
                    Add("UPDATE decisions SET handover_to = $2 WHERE id = $1", h.DecisionId, h.To);
                    Add("INSERT INTO handovers (decision_id, from_handle, to_handle, offered_at) VALUES ($1, $2, $3, $4)",
                        h.DecisionId, h.From, h.To, e.Timestamp);
                    break;
                case HandoverAccepted h:
                    Add("UPDATE decisions SET implementer = $2, implementer_key = $3, handover_to = NULL WHERE id = $1", h.DecisionId, h.To, Handles.Key(h.To));
                    Add("""
                        UPDATE handovers SET accepted_at = $4
                         WHERE decision_id = $1 AND from_handle = $2 AND to_handle = $3 AND accepted_at IS NULL
                        """, h.DecisionId, h.From, h.To, e.Timestamp);
                    break;
                case ImplementationCompleted done:
                    Add("""
                        UPDATE decisions SET phase = 'in_review', self_worked = $2, self_did_not_work = $3, self_differently = $4,
                               completed_at = $5, review_ends_at = $6, handover_to = NULL, last_seq = $7
                         WHERE id = $1
                        """, done.DecisionId, done.SelfCriticism.Worked, done.SelfCriticism.DidNotWork, done.SelfCriticism.Differently,
                        e.Timestamp, done.ReviewEndsAt, e.Sequence);
                    break;
                case CriticismAdded c:
                    Add("INSERT INTO criticisms (id, decision_id, author, at, point, evidence, suggestion) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                        c.CriticismId, c.DecisionId, c.By, e.Timestamp, c.Criticism.Point, Text(c.Criticism.Evidence), Text(c.Criticism.Suggestion));
                    break;
                case DecisionClosed c:
                    Add("UPDATE decisions SET phase = 'done', closed_at = $2, last_seq = $3 WHERE id = $1", c.DecisionId, c.ClosedAt, e.Sequence);
                    break;
                case HabitualBreachFound h:
                    Add("INSERT INTO breach_reviews (proposal_id, org_id, member, breaches, opened_at) VALUES ($1, $2, $3, $4::jsonb, $5)",
                        h.ProposalId, h.OrganizationId, h.Member, JsonSerializer.Serialize(h.Breaches, Json), e.Timestamp);
                    Add("UPDATE breaches SET review_id = $3 WHERE handle_key = $1 AND decision_id = ANY($2)",
                        Handles.Key(h.Member), h.Breaches.Select(b => b.DecisionId).ToArray(), h.ProposalId);
                    break;
            }
        }
        await batch.ExecuteAsync(ct);
    }
}
