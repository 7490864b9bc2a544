using System.Text.Json;
using ESoviet.Web.Accounts;
using ESoviet.Web.Membership;
using ESoviet.Web.Voting;
using Npgsql;

namespace ESoviet.Web.Decisions;

public sealed record DecisionLink(int Number, string Title);

public sealed record CommitmentCounts(int Bound, int Abide, int Dissent, int Refused, int Missed, int Pending);

public sealed record DecisionSummary(
    int Number, string Title, DecisionPhase Phase, bool InForce, string Implementer, DateTimeOffset AdoptedAt, int? PercentDone,
    CommitmentCounts Commitments, int OverdueTasks, bool ReportOverdue, IReadOnlyList<DecisionLink> Amends, IReadOnlyList<DecisionLink> Repeals,
    IReadOnlyList<DecisionLink> AmendedBy, DecisionLink? RepealedBy);

public sealed record CommitmentRow(string Member, bool VotedAgainst, string? Answer, string? Dissent, string? Reason, DateTimeOffset? AnsweredAt);

public sealed record MinorityReportView(string? Text, IReadOnlyList<string> Signers);

public sealed record TaskView(Guid Id, string Title, DateOnly DueOn, TaskState State, string? Reason, bool Overdue, IReadOnlyList<string> Volunteers);

public sealed record ReportView(Guid Id, string Author, DateTimeOffset At, int Percent, string Happened, string? Blocked);

public sealed record HandoverView(string From, string To, DateTimeOffset OfferedAt, DateTimeOffset? AcceptedAt);

public sealed record CriticismView(Guid Id, string Author, DateTimeOffset At, string Point, string? Evidence, string? Suggestion);

public sealed record ReviewView(SelfCriticism SelfCriticism, DateTimeOffset CompletedAt, DateTimeOffset ReviewEndsAt, IReadOnlyList<CriticismView> Criticisms);

public sealed record FinalTally(int Electorate, int For, int Against, int Abstain);

public sealed record DecisionDetail(
    Guid Id, int Number, Guid ProposalId, Guid ThreadId, ProposalText Text, string Proposer, string Implementer, DecisionPhase Phase, bool InForce,
    DateTimeOffset AdoptedAt, FinalTally Tally, DateTimeOffset CommitmentDueAt, bool CommitmentsOpen, IReadOnlyList<CommitmentRow> Commitments,
    CommitmentCounts CommitmentCounts, MinorityReportView MinorityReport, IReadOnlyList<TaskView> Tasks, IReadOnlyList<ReportView> Reports,
    int? PercentDone, bool ReportOverdue, string? HandoverTo, IReadOnlyList<HandoverView> Handovers, ReviewView? Review, DateTimeOffset? ClosedAt,
    IReadOnlyList<DecisionLink> Amends, IReadOnlyList<DecisionLink> Repeals, IReadOnlyList<DecisionLink> AmendedBy, DecisionLink? RepealedBy);

public sealed record PendingCommitment(int Number, string Title, DateTimeOffset DueAt);

public sealed record MyTask(int Number, string DecisionTitle, TaskView Task, bool AsImplementer);

public sealed record MyBreach(int Number, string Title, string Kind, DateTimeOffset At);

public sealed record MyWork(
    IReadOnlyList<PendingCommitment> ToAnswer, IReadOnlyList<DecisionSummary> Implementing, IReadOnlyList<MyTask> Tasks,
    IReadOnlyList<DecisionLink> HandoversOffered, IReadOnlyList<MyBreach> Breaches);

public sealed record MemberWork(string Member, int Proposals, int Implemented, int InProgress);

public sealed record SpreadPoint(DateOnly At, int Members, int Implemented, double Gini, double TopTenthShare);

public sealed record VanguardView(IReadOnlyList<MemberWork> Members, int Implemented, double Gini, int TopTenthSize, double TopTenthShare, IReadOnlyList<SpreadPoint> OverTime);

/// <summary>Reads the decision register, one decision, a member's own commitments and tasks, and how the work is spread.</summary>
public sealed class DecisionQueries(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>A decision with no report for this long is flagged.</summary>
    public static readonly TimeSpan ReportInterval = TimeSpan.FromDays(14);

    private const string SummaryColumns = """
        d.number, d.title, d.phase, d.implementer, d.adopted_at, d.percent_done, d.last_report_at,
        (SELECT count(*) FROM decision_commitments c WHERE c.decision_id = d.id),
        (SELECT count(*) FROM decision_commitments c WHERE c.decision_id = d.id AND c.answer = 'abide'),
        (SELECT count(*) FROM decision_commitments c WHERE c.decision_id = d.id AND c.answer = 'abide' AND c.dissent IS NOT NULL),
        (SELECT count(*) FROM decision_commitments c WHERE c.decision_id = d.id AND c.answer = 'refuse'),
        (SELECT count(*) FROM decision_commitments c WHERE c.decision_id = d.id AND c.answer = 'missed'),
        (SELECT count(*) FROM decision_commitments c WHERE c.decision_id = d.id AND c.answer IS NULL),
        (SELECT count(*) FROM decision_tasks t WHERE t.decision_id = d.id AND t.state NOT IN ('done', 'dropped') AND t.due_on < $2),
        (SELECT coalesce(array_agg(x.number ORDER BY x.number), '{}') FROM decisions x WHERE x.id = ANY(d.amends)),
        (SELECT coalesce(array_agg(x.number ORDER BY x.number), '{}') FROM decisions x WHERE x.id = ANY(d.repeals)),
        (SELECT coalesce(array_agg(x.number ORDER BY x.number), '{}') FROM decisions x WHERE x.id = ANY(d.amended_by)),
        (SELECT x.number FROM decisions x WHERE x.id = d.repealed_by),
        d.id
        """;

    public async Task<IReadOnlyList<DecisionSummary>> RegisterAsync(Guid org, CancellationToken ct)
    {
        var titles = await TitlesAsync(org, ct);
        await using var cmd = dataSource.CreateCommand($"SELECT {SummaryColumns} FROM decisions d WHERE d.org_id = $1 ORDER BY d.number DESC");
        cmd.Parameters.AddWithValue(org);
        cmd.Parameters.AddWithValue(Today());
        var list = new List<DecisionSummary>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(Summary(r, titles));
        return list;
    }

    public async Task<DecisionDetail?> FindAsync(Guid org, int number, CancellationToken ct)
    {
        var titles = await TitlesAsync(org, ct);
        DecisionSummary summary;
        Guid id, proposal, thread;
        ProposalText text;
        string proposer;
        FinalTally tally;
        DateTimeOffset due;
        bool open;
        string? handoverTo, minority;
        SelfCriticism? self = null;
        DateTimeOffset? completedAt, reviewEndsAt, closedAt;
        await using (var cmd = dataSource.CreateCommand($"""
            SELECT {SummaryColumns}, d.proposal_id, d.thread_id, d.text::text, d.proposer, d.electorate, d.final_for, d.final_against, d.final_abstain,
                   d.commitment_due_at, d.commitments_open, d.handover_to, d.minority_report,
                   d.self_worked, d.self_did_not_work, d.self_differently, d.completed_at, d.review_ends_at, d.closed_at
              FROM decisions d WHERE d.org_id = $1 AND d.number = $3
            """))
        {
            cmd.Parameters.AddWithValue(org);
            cmd.Parameters.AddWithValue(Today());
            cmd.Parameters.AddWithValue(number);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return null;
            summary = Summary(r, titles);
            const int b = 19;
            id = r.GetGuid(18);
            (proposal, thread) = (r.GetGuid(b), r.GetGuid(b + 1));
            text = JsonSerializer.Deserialize<ProposalText>(r.GetString(b + 2), MembershipProjection.Json)!;
            proposer = r.GetString(b + 3);
            tally = new FinalTally(r.GetInt32(b + 4), r.GetInt32(b + 5), r.GetInt32(b + 6), r.GetInt32(b + 7));
            due = r.GetFieldValue<DateTimeOffset>(b + 8);
            open = r.GetBoolean(b + 9);
            handoverTo = Str(r, b + 10);
            minority = Str(r, b + 11);
            if (!r.IsDBNull(b + 12)) self = new SelfCriticism(r.GetString(b + 12), r.GetString(b + 13), r.GetString(b + 14));
            (completedAt, reviewEndsAt, closedAt) = (Time(r, b + 15), Time(r, b + 16), Time(r, b + 17));
        }

        var commitments = await ListAsync("""
            SELECT handle, voted_against, answer, dissent, reason, answered_at FROM decision_commitments WHERE decision_id = $1 ORDER BY handle_key
            """, id, r => new CommitmentRow(r.GetString(0), r.GetBoolean(1), Str(r, 2), Str(r, 3), Str(r, 4), Time(r, 5)), ct);
        var signers = await ListAsync("SELECT handle FROM minority_signatures WHERE decision_id = $1 ORDER BY signed_at", id, r => r.GetString(0), ct);
        var tasks = await TasksAsync("t.decision_id = $1", id, ct);
        var reports = await ListAsync("""
            SELECT id, author, at, percent, happened, blocked FROM progress_reports WHERE decision_id = $1 ORDER BY at DESC
            """, id, r => new ReportView(r.GetGuid(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2), r.GetInt32(3), r.GetString(4), Str(r, 5)), ct);
        var handovers = await ListAsync("""
            SELECT from_handle, to_handle, offered_at, accepted_at FROM handovers WHERE decision_id = $1 ORDER BY offered_at
            """, id, r => new HandoverView(r.GetString(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2), Time(r, 3)), ct);
        ReviewView? review = null;
        if (self is not null)
        {
            var criticisms = await ListAsync("""
                SELECT id, author, at, point, evidence, suggestion FROM criticisms WHERE decision_id = $1 ORDER BY at
                """, id, r => new CriticismView(r.GetGuid(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2), r.GetString(3), Str(r, 4), Str(r, 5)), ct);
            review = new ReviewView(self, completedAt!.Value, reviewEndsAt!.Value, criticisms);
        }
        return new DecisionDetail(id, number, proposal, thread, text, proposer, summary.Implementer, summary.Phase, summary.InForce, summary.AdoptedAt,
            tally, due, open, commitments, summary.Commitments, new MinorityReportView(minority, signers), tasks, reports, summary.PercentDone,
            summary.ReportOverdue, handoverTo, handovers, review, closedAt, summary.Amends, summary.Repeals, summary.AmendedBy, summary.RepealedBy);
    }

    /// <summary>What asks for the member's attention: commitments to answer, decisions and tasks in hand, handovers offered, their breaches.</summary>
    public async Task<MyWork> MineAsync(Guid org, string handle, CancellationToken ct)
    {
        var key = Handles.Key(handle);
        var toAnswer = new List<PendingCommitment>();
        await using (var cmd = dataSource.CreateCommand("""
            SELECT d.number, d.title, d.commitment_due_at FROM decision_commitments c JOIN decisions d ON d.id = c.decision_id
             WHERE d.org_id = $1 AND c.handle_key = $2 AND c.answer IS NULL AND d.commitments_open ORDER BY d.commitment_due_at
            """))
        {
            cmd.Parameters.AddWithValue(org);
            cmd.Parameters.AddWithValue(key);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) toAnswer.Add(new PendingCommitment(r.GetInt32(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2)));
        }
        var implementing = (await RegisterAsync(org, ct))
            .Where(d => Handles.Key(d.Implementer) == key && d.Phase is DecisionPhase.AwaitingCommitments or DecisionPhase.InImplementation or DecisionPhase.InReview)
            .ToList();
        var tasks = new List<MyTask>();
        await using (var cmd = dataSource.CreateCommand("""
            SELECT d.number, d.title, t.id, d.implementer_key = $2
              FROM decision_tasks t JOIN decisions d ON d.id = t.decision_id
             WHERE d.org_id = $1 AND t.state NOT IN ('done', 'dropped') AND d.phase IN ('awaiting_commitments', 'in_implementation')
               AND (d.implementer_key = $2 OR EXISTS (SELECT 1 FROM task_volunteers v WHERE v.task_id = t.id AND v.handle_key = $2))
             ORDER BY t.due_on, d.number
            """))
        {
            cmd.Parameters.AddWithValue(org);
            cmd.Parameters.AddWithValue(key);
            var rows = new List<(int, string, Guid, bool)>();
            await using (var r = await cmd.ExecuteReaderAsync(ct))
                while (await r.ReadAsync(ct)) rows.Add((r.GetInt32(0), r.GetString(1), r.GetGuid(2), r.GetBoolean(3)));
            var views = (await TasksAsync("t.id = ANY($1)", rows.Select(x => x.Item3).ToArray(), ct)).ToDictionary(t => t.Id);
            tasks.AddRange(rows.Select(x => new MyTask(x.Item1, x.Item2, views[x.Item3], x.Item4)));
        }
        var offered = new List<DecisionLink>();
        await using (var cmd = dataSource.CreateCommand("SELECT number, title FROM decisions WHERE org_id = $1 AND lower(handover_to) = $2 ORDER BY number"))
        {
            cmd.Parameters.AddWithValue(org);
            cmd.Parameters.AddWithValue(key);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) offered.Add(new DecisionLink(r.GetInt32(0), r.GetString(1)));
        }
        var breaches = new List<MyBreach>();
        await using (var cmd = dataSource.CreateCommand("""
            SELECT d.number, d.title, b.kind, b.at FROM breaches b JOIN decisions d ON d.id = b.decision_id
             WHERE b.org_id = $1 AND b.handle_key = $2 ORDER BY b.at DESC
            """))
        {
            cmd.Parameters.AddWithValue(org);
            cmd.Parameters.AddWithValue(key);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) breaches.Add(new MyBreach(r.GetInt32(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3)));
        }
        return new MyWork(toAnswer, implementing, tasks, offered, breaches);
    }

    /// <summary>
    /// Per current member: proposals put to the membership, decisions implemented (done or in review) and in progress.
    /// For the organization: the Gini coefficient and the most active tenth's share of implemented decisions, at the
    /// end of each month since the first decision, among the members of that moment.
    /// </summary>
    public async Task<VanguardView> VanguardAsync(Guid org, CancellationToken ct)
    {
        var members = new List<(string Key, string Handle, DateTimeOffset? Since, DateTimeOffset? Left, string Status)>();
        await using (var cmd = dataSource.CreateCommand("""
            SELECT handle_key, handle, member_since, left_at, status FROM memberships WHERE org_id = $1 AND member_since IS NOT NULL ORDER BY handle_key
            """))
        {
            cmd.Parameters.AddWithValue(org);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) members.Add((r.GetString(0), r.GetString(1), Time(r, 2), Time(r, 3), r.GetString(4)));
        }
        var proposals = new Dictionary<string, int>();
        await using (var cmd = dataSource.CreateCommand("""
            SELECT lower(author), count(*) FROM proposals WHERE org_id = $1 AND discussion_ends_at IS NOT NULL GROUP BY lower(author)
            """))
        {
            cmd.Parameters.AddWithValue(org);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) proposals[r.GetString(0)] = (int)r.GetInt64(1);
        }
        var decisions = new List<(string Key, DecisionPhase Phase, DateTimeOffset Adopted, DateTimeOffset? Completed)>();
        await using (var cmd = dataSource.CreateCommand("SELECT implementer_key, phase, adopted_at, completed_at FROM decisions WHERE org_id = $1"))
        {
            cmd.Parameters.AddWithValue(org);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) decisions.Add((r.GetString(0), Enum<DecisionPhase>(r.GetString(1)), r.GetFieldValue<DateTimeOffset>(2), Time(r, 3)));
        }

        static bool Implemented(DecisionPhase p) => p is DecisionPhase.Done or DecisionPhase.InReview;
        var current = members.Where(m => m.Status == "member").ToList();
        var work = current.Select(m => new MemberWork(m.Handle, proposals.GetValueOrDefault(m.Key),
            decisions.Count(d => d.Key == m.Key && Implemented(d.Phase)),
            decisions.Count(d => d.Key == m.Key && d.Phase is DecisionPhase.AwaitingCommitments or DecisionPhase.InImplementation))).ToList();
        var counts = work.Select(w => w.Implemented).ToList();

        var points = new List<SpreadPoint>();
        var now = time.GetUtcNow();
        if (decisions.Count > 0)
        {
            var first = decisions.Min(d => d.Adopted);
            var month = new DateTimeOffset(first.Year, first.Month, 1, 0, 0, 0, TimeSpan.Zero);
            while (month <= now)
            {
                var end = month.AddMonths(1) > now ? now : month.AddMonths(1);
                var then = members.Where(m => m.Since <= end && (m.Left is null || m.Left > end)).ToList();
                var c = then.Select(m => decisions.Count(d => d.Key == m.Key && d.Completed is { } done && done <= end)).ToList();
                points.Add(new SpreadPoint(DateOnly.FromDateTime(end.UtcDateTime), then.Count, c.Sum(), WorkSpread.Gini(c), WorkSpread.TopTenthShare(c)));
                month = month.AddMonths(1);
            }
        }
        return new VanguardView(work, counts.Sum(), WorkSpread.Gini(counts), WorkSpread.TopTenthSize(counts.Count), WorkSpread.TopTenthShare(counts), points);
    }

    /// <summary>For a proposal's page: the decision it became (if adopted as a policy) and the decisions it amends or repeals.</summary>
    public async Task<(DecisionLink? Became, IReadOnlyList<DecisionLink> Amends, IReadOnlyList<DecisionLink> Repeals)> OfProposalAsync(
        Guid org, Guid proposal, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT d.number, d.title,
                   (SELECT coalesce(array_agg(x.number ORDER BY x.number), '{}') FROM decisions x WHERE x.id = ANY(p.amends)),
                   (SELECT coalesce(array_agg(x.title ORDER BY x.number), '{}') FROM decisions x WHERE x.id = ANY(p.amends)),
                   (SELECT coalesce(array_agg(x.number ORDER BY x.number), '{}') FROM decisions x WHERE x.id = ANY(p.repeals)),
                   (SELECT coalesce(array_agg(x.title ORDER BY x.number), '{}') FROM decisions x WHERE x.id = ANY(p.repeals))
              FROM proposals p LEFT JOIN decisions d ON d.proposal_id = p.id
             WHERE p.org_id = $1 AND p.id = $2
            """);
        cmd.Parameters.AddWithValue(org);
        cmd.Parameters.AddWithValue(proposal);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return (null, [], []);
        static List<DecisionLink> Zip(int[] numbers, string[] titles) => numbers.Zip(titles, (n, t) => new DecisionLink(n, t)).ToList();
        return (r.IsDBNull(0) ? null : new DecisionLink(r.GetInt32(0), r.GetString(1)),
            Zip(r.GetFieldValue<int[]>(2), r.GetFieldValue<string[]>(3)), Zip(r.GetFieldValue<int[]>(4), r.GetFieldValue<string[]>(5)));
    }

    private async Task<IReadOnlyList<TaskView>> TasksAsync(string where, object arg, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            SELECT t.id, t.title, t.due_on, t.state, t.reason, t.state NOT IN ('done', 'dropped') AND t.due_on < $2,
                   (SELECT coalesce(array_agg(v.handle ORDER BY v.at), ARRAY[]::text[]) FROM task_volunteers v WHERE v.task_id = t.id)
              FROM decision_tasks t WHERE {where} ORDER BY t.seq
            """);
        cmd.Parameters.AddWithValue(arg);
        cmd.Parameters.AddWithValue(Today());
        var list = new List<TaskView>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new TaskView(r.GetGuid(0), r.GetString(1), r.GetFieldValue<DateOnly>(2), Enum<TaskState>(r.GetString(3)), Str(r, 4), r.GetBoolean(5),
                r.GetFieldValue<string[]>(6)));
        return list;
    }

    private async Task<Dictionary<int, string>> TitlesAsync(Guid org, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT number, title FROM decisions WHERE org_id = $1");
        cmd.Parameters.AddWithValue(org);
        var titles = new Dictionary<int, string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) titles[r.GetInt32(0)] = r.GetString(1);
        return titles;
    }

    private DecisionSummary Summary(NpgsqlDataReader r, Dictionary<int, string> titles)
    {
        var phase = Enum<DecisionPhase>(r.GetString(2));
        var adopted = r.GetFieldValue<DateTimeOffset>(4);
        var lastReport = Time(r, 6) ?? adopted;
        var underway = phase is DecisionPhase.AwaitingCommitments or DecisionPhase.InImplementation;
        IReadOnlyList<DecisionLink> Links(int i) => r.GetFieldValue<int[]>(i).Select(n => new DecisionLink(n, titles.GetValueOrDefault(n, ""))).ToList();
        return new DecisionSummary(
            r.GetInt32(0), r.GetString(1), phase, phase != DecisionPhase.Abandoned, r.GetString(3), adopted, r.IsDBNull(5) ? null : r.GetInt32(5),
            new CommitmentCounts((int)r.GetInt64(7), (int)r.GetInt64(8), (int)r.GetInt64(9), (int)r.GetInt64(10), (int)r.GetInt64(11), (int)r.GetInt64(12)),
            (int)r.GetInt64(13), underway && time.GetUtcNow() - lastReport > ReportInterval,
            Links(14), Links(15), Links(16), r.IsDBNull(17) ? null : new DecisionLink(r.GetInt32(17), titles.GetValueOrDefault(r.GetInt32(17), "")));
    }

    private async Task<List<T>> ListAsync<T>(string sql, object arg, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        cmd.Parameters.AddWithValue(arg);
        var list = new List<T>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(read(r));
        return list;
    }

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    private static string? Str(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset? Time(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);

    private static T Enum<T>(string word) where T : struct, System.Enum => JsonSerializer.Deserialize<T>($"\"{word}\"");
}
