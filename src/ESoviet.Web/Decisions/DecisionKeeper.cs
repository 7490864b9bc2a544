using ESoviet.EventStore;
using ESoviet.EventStore.Projections;
using ESoviet.Web.Accounts;
using ESoviet.Web.Deliberation;
using ESoviet.Web.Infrastructure;
using ESoviet.Web.Membership;
using ESoviet.Web.Voting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ESoviet.Web.Decisions;

/// <summary>
/// What the charter makes happen with time, with no person acting: commitment windows close (silence is a breach),
/// reviews end (the decision is done), habitual breach opens a membership review, and that review goes to the vote
/// when its discussion time has passed. Every step locks its row and re-checks under the lock, and the automatic
/// review's ids are derived from the breaches it cites, so two app nodes never act twice.
/// </summary>
public sealed class DecisionKeeper(
    EventStore.EventStore store, NpgsqlDataSource dataSource, TimeProvider time, DatabaseReadiness readiness, VotingCommands voting,
    IOptions<DeliberationOptions> deliberation, ILogger<DecisionKeeper> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try { await readiness.WaitAsync(stoppingToken); } catch (OperationCanceledException) { return; }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or StreamConflictException or DuplicateEventException)
            {
                logger.LogWarning("Keeping decisions paused: {Message}", e.Message);
            }
            catch (Exception e)
            {
                // A bug in one step must not stop the host (nor the other steps on the next pass): log it loudly and go on.
                logger.LogError(e, "Keeping decisions failed.");
            }
            try { await Task.Delay(Interval, stoppingToken); } catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>One pass over everything that is due; returns how many steps it took.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var done = 0;
        foreach (var (id, org) in await DueAsync("""
            SELECT d.id, d.org_id FROM decisions d
             WHERE d.commitments_open
               AND (d.commitment_due_at <= $1 OR NOT EXISTS (SELECT 1 FROM decision_commitments c WHERE c.decision_id = d.id AND c.answer IS NULL))
            """, ct))
            if (await CloseCommitmentsAsync(id, org, ct)) done++;
        foreach (var (id, org) in await DueAsync("SELECT id, org_id FROM decisions WHERE phase = 'in_review' AND review_ends_at <= $1", ct))
            if (await CloseReviewAsync(id, org, ct)) done++;
        foreach (var (org, member) in await HabitualBreachesAsync(ct))
            if (await OpenReviewAsync(org, member, ct)) done++;
        foreach (var (id, org) in await DueAsync($"""
            SELECT id, org_id FROM proposals WHERE author = '{SystemAuthor.Name}' AND phase = 'discussion' AND discussion_ends_at <= $1
            """, ct))
            if ((await voting.OpenVotingAsSystemAsync(org, id, ct)).Rejection is null) done++;
        return done;
    }

    private async Task<bool> CloseCommitmentsAsync(Guid decision, Guid org, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var closed = false;
        await using var session = store.OpenSession(new EventMetadata(org.ToString()));
        session.Enlist(async (connection, token) =>
        {
            // FOR UPDATE waits for commitments still committing (they hold the row FOR SHARE); later ones find it closed.
            await using (var cmd = new NpgsqlCommand("SELECT 1 FROM decisions WHERE id = $1 AND commitments_open FOR UPDATE", connection))
            {
                cmd.Parameters.AddWithValue(decision);
                if (await cmd.ExecuteScalarAsync(token) is null) return;
            }
            var pending = new List<(string Handle, bool IsMember)>();
            await using (var cmd = new NpgsqlCommand("""
                SELECT c.handle, m.status = 'member'
                  FROM decision_commitments c JOIN decisions d ON d.id = c.decision_id
                  LEFT JOIN memberships m ON m.org_id = d.org_id AND m.handle_key = c.handle_key
                 WHERE c.decision_id = $1 AND c.answer IS NULL ORDER BY c.handle_key
                """, connection))
            {
                cmd.Parameters.AddWithValue(decision);
                await using var r = await cmd.ExecuteReaderAsync(token);
                while (await r.ReadAsync(token)) pending.Add((r.GetString(0), !r.IsDBNull(1) && r.GetBoolean(1)));
            }
            var due = await DueAtAsync(connection, decision, token);
            if (now < due && pending.Count > 0) return;
            // Someone who left or was expelled meanwhile is no longer bound: their silence is no breach.
            session.Append(DecisionStreams.Decision(decision), new CommitmentsClosed(decision, [.. pending.Where(p => p.IsMember).Select(p => p.Handle)]));
            closed = true;
        });
        await session.SaveChangesAsync(ct);
        return closed;
    }

    private static async Task<DateTimeOffset> DueAtAsync(NpgsqlConnection connection, Guid decision, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT commitment_due_at FROM decisions WHERE id = $1", connection);
        cmd.Parameters.AddWithValue(decision);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return r.GetFieldValue<DateTimeOffset>(0);
    }

    private async Task<bool> CloseReviewAsync(Guid decision, Guid org, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var closed = false;
        await using var session = store.OpenSession(new EventMetadata(org.ToString()));
        session.Enlist(async (connection, token) =>
        {
            await using var cmd = new NpgsqlCommand("SELECT 1 FROM decisions WHERE id = $1 AND phase = 'in_review' AND review_ends_at <= $2 FOR UPDATE", connection);
            cmd.Parameters.AddWithValue(decision);
            cmd.Parameters.AddWithValue(now);
            if (await cmd.ExecuteScalarAsync(token) is null) return;
            session.Append(DecisionStreams.Decision(decision), new DecisionClosed(decision, now));
            closed = true;
        });
        await session.SaveChangesAsync(ct);
        return closed;
    }

    /// <summary>Members whose breaches not yet cited by a review, within the charter's window, reach its threshold.</summary>
    private async Task<List<(Guid Org, string Member)>> HabitualBreachesAsync(CancellationToken ct)
    {
        var list = new List<(Guid, string)>();
        await using var cmd = dataSource.CreateCommand("""
            SELECT b.org_id, b.handle_key
              FROM breaches b
              JOIN organizations o ON o.id = b.org_id
              JOIN memberships m ON m.org_id = b.org_id AND m.handle_key = b.handle_key AND m.status = 'member'
             WHERE b.review_id IS NULL AND b.at > $1 - make_interval(days => (o.charter->>'breachWindowDays')::int)
             GROUP BY b.org_id, b.handle_key, o.charter
            HAVING count(*) >= (o.charter->>'habitualBreachCount')::int
            """);
        cmd.Parameters.AddWithValue(time.GetUtcNow());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add((r.GetGuid(0), r.GetString(1)));
        return list;
    }

    /// <summary>
    /// Opens the membership review: a thread stating the breaches, and the proposal, put straight to discussion.
    /// Under the member's membership row lock, re-counted; the ids derive from the breaches, so a second node's attempt
    /// meets the first one's streams and rolls back.
    /// </summary>
    private async Task<bool> OpenReviewAsync(Guid org, string memberKey, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var opened = false;
        await using var session = store.OpenSession(new EventMetadata(org.ToString()));
        session.Enlist(async (connection, token) =>
        {
            string member, slug;
            Charter charter;
            await using (var cmd = new NpgsqlCommand("""
                SELECT m.handle, o.slug, o.charter::text FROM memberships m JOIN organizations o ON o.id = m.org_id
                 WHERE m.org_id = $1 AND m.handle_key = $2 AND m.status = 'member' FOR UPDATE OF m
                """, connection))
            {
                cmd.Parameters.AddWithValue(org);
                cmd.Parameters.AddWithValue(memberKey);
                await using var r = await cmd.ExecuteReaderAsync(token);
                if (!await r.ReadAsync(token)) return;
                (member, slug, charter) = (r.GetString(0), r.GetString(1), MembershipQueries.ParseCharter(r.GetString(2)));
            }
            var breaches = new List<BreachRef>();
            await using (var cmd = new NpgsqlCommand("""
                SELECT b.decision_id, d.number, d.title, b.kind, b.at
                  FROM breaches b JOIN decisions d ON d.id = b.decision_id
                 WHERE b.org_id = $1 AND b.handle_key = $2 AND b.review_id IS NULL AND b.at > $3
                 ORDER BY b.at, d.number
                """, connection))
            {
                cmd.Parameters.AddWithValue(org);
                cmd.Parameters.AddWithValue(memberKey);
                cmd.Parameters.AddWithValue(now.AddDays(-charter.BreachWindowDays));
                await using var r = await cmd.ExecuteReaderAsync(token);
                while (await r.ReadAsync(token))
                    breaches.Add(new BreachRef(r.GetGuid(0), r.GetInt32(1), r.GetString(2), r.GetString(3), r.GetFieldValue<DateTimeOffset>(4)));
            }
            if (breaches.Count < charter.HabitualBreachCount) return;

            var key = $"habitual-breach\n{org}\n{memberKey}\n{string.Join(",", breaches.Select(b => b.DecisionId).Order())}";
            var proposal = VotingCommands.DeriveId(key + "\nproposal");
            var thread = VotingCommands.DeriveId(key + "\nthread");
            var opening = VotingCommands.DeriveId(key + "\nopening");
            var list = string.Join("\n", breaches.Select(b =>
                $"- [D-{b.Number} “{b.Title}”](/o/{slug}/decisions/{b.Number}): {(b.Kind == "refused" ? "refused to abide" : "did not answer in time")} on {b.At:yyyy-MM-dd}"));
            var rule = $"{charter.HabitualBreachCount} breaches within {charter.BreachWindowDays} days";
            var text = new ProposalText(
                $"Membership review of {member}: habitual breach of decisions",
                $"{member} breached {breaches.Count} decisions of the organization within {charter.BreachWindowDays} days:\n\n{list}",
                $"Expel {member}. If adopted, they lose access to the organization; their contributions stay in the archive.",
                $"Opened by the system under the charter's habitual-breach rule ({rule}). No member proposed it and no individual decides: " +
                "the membership discusses it and votes, and expulsion needs the charter's supermajority.",
                $"Reject the review: {member} stays a member, and the breaches stay in the record.",
                "Nothing to implement: an adopted review takes effect at once.");
            var started = DeliberationDecisions.StartThread(new StartThread(text.Title, ["membership-review"], false,
                $"Opened by the system under the charter's habitual-breach rule ({rule}).\n\n{list}\n\nDiscuss the review here; voting opens " +
                $"after the charter's minimum discussion time.", null, []), SystemAuthor.Name, thread, opening, deliberation.Value);
            if (started.IsRejected) throw new InvalidOperationException("The review's thread was refused: " + started.Rejection!.Title);

            session.StartStream(DeliberationStreams.Thread(thread), "thread", started.Events.OfType<ThreadStarted>().ToArray());
            session.StartStream(DeliberationStreams.Contribution(opening), "contribution", started.Events.OfType<ContributionPosted>().ToArray());
            session.StartStream(VotingStreams.Proposal(proposal), "proposal", new ProposalSubmitted(
                proposal, thread, ProposalKind.MembershipReview, SystemAuthor.Name, 1, text, null, member, now.AddHours(charter.MinimumDiscussionHours)));
            session.StartStream(DecisionStreams.BreachReview(proposal), "breach-review", new HabitualBreachFound(org, member, proposal, breaches));
            opened = true;
        });
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is StreamConflictException or DuplicateEventException)
        {
            // Another node opened this very review a moment earlier.
            return false;
        }
        if (opened) logger.LogInformation("Opened a membership review about {Member} under the habitual-breach rule.", memberKey);
        return opened;
    }

    private async Task<List<(Guid Id, Guid Org)>> DueAsync(string sql, CancellationToken ct)
    {
        var list = new List<(Guid, Guid)>();
        await using var cmd = dataSource.CreateCommand(sql);
        cmd.Parameters.AddWithValue(time.GetUtcNow());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add((r.GetGuid(0), r.GetGuid(1)));
        return list;
    }
}
