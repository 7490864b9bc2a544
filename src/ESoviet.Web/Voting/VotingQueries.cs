using System.Text.Json;
using ESoviet.Web.Accounts;
using ESoviet.Web.Membership;
using Npgsql;

namespace ESoviet.Web.Voting;

public sealed record ProposalSummary(
    Guid Id, Guid ThreadId, ProposalKind Kind, string Title, string Author, ProposalPhase Phase, DateTimeOffset CreatedAt,
    DateTimeOffset? DiscussionEndsAt, DateTimeOffset? ClosesAt, ProposalOutcome? Outcome);

public sealed record AmendmentView(Guid ContributionId, string OfferedBy, string State, string? Reason, DateTimeOffset OfferedAt, DateTimeOffset? AnsweredAt);

public sealed record RevisionView(int Revision, ProposalText Text, Charter? NewCharter, DateTimeOffset At);

public sealed record TallyView(
    int Electorate, int Voted, int For, int Against, int Abstain, bool ChoicesHidden, bool QuorumMet, int QuorumNeeds, int StillNeededForQuorum,
    ProposalOutcome? Projected);

public sealed record ProposalDetail(
    Guid Id, Guid ThreadId, ProposalKind Kind, string Author, ProposalText Text, Charter? NewCharter, string? Subject, ProposalPhase Phase,
    int Revision, DateTimeOffset CreatedAt, DateTimeOffset? DiscussionEndsAt, DateTimeOffset? OpenedAt, DateTimeOffset? ClosesAt,
    DateTimeOffset? ClosedAt, Charter? Rules, RollCallReveal? Reveal, ProposalOutcome? Outcome, bool? Early,
    IReadOnlyList<AmendmentView> Amendments, TallyView? Tally);

public sealed record RollCallRow(string Voter, VoteChoice? Choice, string? Reason, DateTimeOffset CastAt, int Changes);

public sealed record RollCall(Guid ProposalId, bool ChoicesHidden, IReadOnlyList<RollCallRow> Votes, IReadOnlyList<string> NotYetVoted, TallyView Tally);

/// <summary>Reads proposals and the roll-call. Choices under a roll-call revealed at close are withheld until it closes.</summary>
public sealed class VotingQueries(NpgsqlDataSource dataSource)
{
    private static readonly JsonSerializerOptions Json = MembershipProjection.Json;

    public async Task<IReadOnlyList<ProposalSummary>> ListAsync(Guid org, string viewer, ProposalPhase? phase, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT id, thread_id, kind, title, author, phase, created_at, discussion_ends_at, closes_at, outcome
              FROM proposals
             WHERE org_id = $1 AND ($2::text IS NULL OR phase = $2) AND (discussion_ends_at IS NOT NULL OR lower(author) = $3)
             ORDER BY CASE phase WHEN 'voting' THEN 0 WHEN 'discussion' THEN 1 WHEN 'draft' THEN 2 ELSE 3 END, created_at DESC
             LIMIT 200
            """);
        cmd.Parameters.AddWithValue(org);
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = phase is null ? null : VotingProjection.Word(phase.Value) });
        cmd.Parameters.AddWithValue(Handles.Key(viewer));
        var list = new List<ProposalSummary>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(new ProposalSummary(r.GetGuid(0), r.GetGuid(1), Enum<ProposalKind>(r.GetString(2)), r.GetString(3), r.GetString(4),
                Enum<ProposalPhase>(r.GetString(5)), r.GetFieldValue<DateTimeOffset>(6), Time(r, 7), Time(r, 8),
                r.IsDBNull(9) ? null : Enum<ProposalOutcome>(r.GetString(9))));
        }
        return list;
    }

    /// <summary>The proposal, or null when it does not exist here or is someone else's draft.</summary>
    public async Task<ProposalDetail?> FindAsync(Guid org, Guid id, string viewer, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT id, thread_id, kind, author, text::text, new_charter::text, subject, phase, revision, created_at, discussion_ends_at,
                   opened_at, closes_at, closed_at, charter::text, reveal, outcome, early
              FROM proposals WHERE org_id = $1 AND id = $2
            """);
        cmd.Parameters.AddWithValue(org);
        cmd.Parameters.AddWithValue(id);
        ProposalDetail detail;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) return null;
            var phase = Enum<ProposalPhase>(r.GetString(7));
            // Never submitted (a draft, or a draft discarded): its author's alone.
            if (r.IsDBNull(10) && Handles.Key(r.GetString(3)) != Handles.Key(viewer)) return null;
            detail = new ProposalDetail(
                r.GetGuid(0), r.GetGuid(1), Enum<ProposalKind>(r.GetString(2)), r.GetString(3),
                JsonSerializer.Deserialize<ProposalText>(r.GetString(4), Json)!,
                r.IsDBNull(5) ? null : JsonSerializer.Deserialize<Charter>(r.GetString(5), Json),
                r.IsDBNull(6) ? null : r.GetString(6), phase, r.GetInt32(8), r.GetFieldValue<DateTimeOffset>(9),
                Time(r, 10), Time(r, 11), Time(r, 12), Time(r, 13),
                r.IsDBNull(14) ? null : JsonSerializer.Deserialize<Charter>(r.GetString(14), Json),
                r.IsDBNull(15) ? null : (r.GetString(15) == "at_close" ? RollCallReveal.AtClose : RollCallReveal.Live),
                r.IsDBNull(16) ? null : Enum<ProposalOutcome>(r.GetString(16)), r.IsDBNull(17) ? null : r.GetBoolean(17), [], null);
        }
        var amendments = await AmendmentsAsync(id, ct);
        var tally = detail.Rules is null ? null : await TallyAsync(detail, ct);
        return detail with { Amendments = amendments, Tally = tally };
    }

    public async Task<IReadOnlyList<RevisionView>> RevisionsAsync(Guid id, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT revision, text::text, new_charter::text, at FROM proposal_revisions WHERE proposal_id = $1 ORDER BY revision");
        cmd.Parameters.AddWithValue(id);
        var list = new List<RevisionView>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(new RevisionView(r.GetInt32(0), JsonSerializer.Deserialize<ProposalText>(r.GetString(1), Json)!,
                r.IsDBNull(2) ? null : JsonSerializer.Deserialize<Charter>(r.GetString(2), Json), r.GetFieldValue<DateTimeOffset>(3)));
        }
        return list;
    }

    public async Task<RollCall?> RollCallAsync(ProposalDetail proposal, CancellationToken ct)
    {
        if (proposal.Rules is null) return null;
        var hidden = Hidden(proposal);
        var votes = new List<RollCallRow>();
        var missing = new List<string>();
        await using (var cmd = dataSource.CreateCommand("""
            SELECT e.handle, r.choice, r.reason, r.cast_at, r.changes
              FROM electorate e LEFT JOIN roll_call r ON r.proposal_id = e.proposal_id AND r.handle_key = e.handle_key
             WHERE e.proposal_id = $1
             ORDER BY e.handle_key
            """))
        {
            cmd.Parameters.AddWithValue(proposal.Id);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                if (r.IsDBNull(3))
                {
                    missing.Add(r.GetString(0));
                    continue;
                }
                votes.Add(new RollCallRow(r.GetString(0),
                    hidden || r.IsDBNull(1) ? null : Enum<VoteChoice>(r.GetString(1)),
                    hidden || r.IsDBNull(2) ? null : r.GetString(2),
                    r.GetFieldValue<DateTimeOffset>(3), r.GetInt32(4)));
            }
        }
        // FindAsync already counted the tally when it read the proposal: no second recount.
        return new RollCall(proposal.Id, hidden, votes, missing, proposal.Tally ?? await TallyAsync(proposal, ct));
    }

    /// <summary>The caller's own current vote, which they may always see, sealed or not.</summary>
    public async Task<RollCallRow?> MyVoteAsync(Guid proposal, string handle, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT r.voter, coalesce(r.choice, s.choice), coalesce(r.reason, s.reason), r.cast_at, r.changes
              FROM roll_call r LEFT JOIN vote_secrets s ON s.event_id = r.event_id
             WHERE r.proposal_id = $1 AND r.handle_key = $2
            """);
        cmd.Parameters.AddWithValue(proposal);
        cmd.Parameters.AddWithValue(Handles.Key(handle));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new RollCallRow(r.GetString(0), r.IsDBNull(1) ? null : Enum<VoteChoice>(r.GetString(1)), r.IsDBNull(2) ? null : r.GetString(2),
            r.GetFieldValue<DateTimeOffset>(3), r.GetInt32(4));
    }

    /// <summary>The tally is always recounted from the roll-call rows: it cannot drift from them.</summary>
    public async Task<TallyView> TallyAsync(ProposalDetail proposal, CancellationToken ct) =>
        (await CountAsync(proposal.Id, ct))!.Read(proposal.Rules!, proposal.Kind, Hidden(proposal), proposal.Outcome);

    /// <summary>
    /// The tally of a proposal with frozen rules (in voting or closed), read in one statement; null when there is none.
    /// Many votes share one such read through <see cref="TallyRecounts"/>.
    /// </summary>
    public async Task<TallyView?> TallyAsync(Guid id, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            SELECT p.kind, p.charter::text, p.reveal = 'at_close' AND p.phase <> 'closed', p.outcome, p.electorate_size, c.*
              FROM proposals p, LATERAL ({CountSql} WHERE proposal_id = p.id) c
             WHERE p.id = $1 AND p.charter IS NOT NULL
            """);
        cmd.Parameters.AddWithValue(id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var count = new Count(r.GetInt32(4), (int)r.GetInt64(5), (int)r.GetInt64(6), (int)r.GetInt64(7), (int)r.GetInt64(8));
        return count.Read(JsonSerializer.Deserialize<Charter>(r.GetString(1), Json)!, Enum<ProposalKind>(r.GetString(0)), r.GetBoolean(2),
            r.IsDBNull(3) ? null : Enum<ProposalOutcome>(r.GetString(3)));
    }

    // One pass over the proposal's rows of the roll-call (its primary key's prefix); sealed votes have no choice yet.
    private const string CountSql = """
        SELECT count(*), count(*) FILTER (WHERE choice = 'for'), count(*) FILTER (WHERE choice = 'against'), count(*) FILTER (WHERE choice = 'abstain')
          FROM roll_call
        """;

    private async Task<Count?> CountAsync(Guid id, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            SELECT p.electorate_size, c.* FROM proposals p, LATERAL ({CountSql} WHERE proposal_id = p.id) c WHERE p.id = $1
            """);
        cmd.Parameters.AddWithValue(id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new Count(r.GetInt32(0), (int)r.GetInt64(1), (int)r.GetInt64(2), (int)r.GetInt64(3), (int)r.GetInt64(4));
    }

    private sealed record Count(int Electorate, int Voted, int For, int Against, int Abstain)
    {
        public TallyView Read(Charter rules, ProposalKind kind, bool hidden, ProposalOutcome? outcome)
        {
            // A sealed vote (choice not yet revealed) counts for turnout; until the reveal it reads as an abstention.
            var tally = new Tally(Electorate, For, Against, Abstain);
            var reading = VotingRules.Read(tally with { Abstain = Abstain + (Voted - tally.Turnout) }, rules, kind);
            return new TallyView(Electorate, Voted, hidden ? 0 : For, hidden ? 0 : Against, hidden ? 0 : Abstain, hidden,
                reading.QuorumMet, reading.QuorumNeeds, reading.VotesStillNeededForQuorum, hidden ? null : outcome ?? reading.OutcomeIfClosedNow);
        }
    }

    private static bool Hidden(ProposalDetail proposal) => proposal.Reveal == RollCallReveal.AtClose && proposal.Phase != ProposalPhase.Closed;

    private async Task<IReadOnlyList<AmendmentView>> AmendmentsAsync(Guid id, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "SELECT contribution_id, offered_by, state, reason, offered_at, answered_at FROM amendments WHERE proposal_id = $1 ORDER BY offered_at");
        cmd.Parameters.AddWithValue(id);
        var list = new List<AmendmentView>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new AmendmentView(r.GetGuid(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetFieldValue<DateTimeOffset>(4), Time(r, 5)));
        return list;
    }

    private static DateTimeOffset? Time(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);

    private static T Enum<T>(string word) where T : struct, System.Enum => JsonSerializer.Deserialize<T>($"\"{word}\"");
}
