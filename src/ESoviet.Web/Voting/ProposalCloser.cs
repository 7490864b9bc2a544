using System.Collections.Concurrent;
using System.Text.Json;
using ESoviet.EventStore;
using ESoviet.Web.Accounts;
using ESoviet.Web.Decisions;
using ESoviet.Web.Infrastructure;
using ESoviet.Web.Membership;
using Npgsql;

namespace ESoviet.Web.Voting;

/// <summary>
/// Closes votes: at the end of the voting period, or early once every elector has voted. Closing takes the proposal
/// row FOR UPDATE, so it waits for votes still committing and every later vote finds the proposal closed; then it
/// counts the roll-call, reveals sealed votes, and appends the outcome with its effects (a new charter, an
/// expulsion, a decision) in one transaction. Any node may close; the row lock and the phase check make it happen once.
/// </summary>
public sealed class ProposalCloser(
    EventStore.EventStore store, NpgsqlDataSource dataSource, TimeProvider time, DatabaseReadiness readiness, ILogger<ProposalCloser> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    // Checking whether everyone has voted counts a proposal's roll-call, so in a burst of votes it runs at most about
    // four times a second, not once per vote: closing early may come a quarter of a second after the last vote.
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(250);
    private readonly AsyncSignal _votes = new();
    private readonly ConcurrentDictionary<Guid, byte> _recent = new();

    /// <summary>A vote committed: the proposal may now have every elector's vote.</summary>
    public void VoteRecorded(Guid proposal)
    {
        _recent[proposal] = 0;
        _votes.Set();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try { await readiness.WaitAsync(stoppingToken); } catch (OperationCanceledException) { return; }
        while (!stoppingToken.IsCancellationRequested)
        {
            var seen = _votes.Generation;
            try
            {
                await CloseDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Closing votes paused: {Message}", e.Message);
            }
            try
            {
                await Task.Delay(Pause, stoppingToken);
                await _votes.WaitAsync(seen, Interval, stoppingToken);
            }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Closes every vote whose time is up or whose electorate has fully voted; returns how many it closed.</summary>
    public async Task<int> CloseDueAsync(CancellationToken ct)
    {
        var recent = _recent.Keys.ToArray();
        foreach (var id in recent) _recent.TryRemove(id, out _);
        var due = new List<Guid>();
        await using (var cmd = dataSource.CreateCommand("""
            SELECT p.id FROM proposals p
             WHERE p.phase = 'voting'
               AND (p.closes_at <= $1
                    OR (p.id = ANY($2) AND p.electorate_size <= (SELECT count(*) FROM roll_call r WHERE r.proposal_id = p.id)))
            """))
        {
            cmd.Parameters.AddWithValue(time.GetUtcNow());
            cmd.Parameters.AddWithValue(recent);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) due.Add(r.GetGuid(0));
        }
        var closed = 0;
        foreach (var id in due)
        {
            if (await CloseAsync(id, ct)) closed++;
        }
        return closed;
    }

    public async Task<bool> CloseAsync(Guid proposal, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var closed = false;
        Guid org;
        await using (var cmd = dataSource.CreateCommand("SELECT org_id FROM proposals WHERE id = $1"))
        {
            cmd.Parameters.AddWithValue(proposal);
            if (await cmd.ExecuteScalarAsync(ct) is not Guid found) return false;
            org = found;
        }
        // The system closes the vote: the events carry the organization but no actor.
        await using var session = store.OpenSession(new EventMetadata(org.ToString()));
        session.Enlist(async (connection, token) =>
        {
            var row = await LockAsync(connection, proposal, token);
            if (row is null) return;
            var votes = await CurrentVotesAsync(connection, proposal, row.Sealed, token);
            var early = now < row.ClosesAt;
            if (early && votes.Current.Count < row.Electorate) return;

            var tally = Tally.Count(row.Electorate, votes.Current.Select(v => v.Choice));
            var outcome = VotingRules.Outcome(tally, row.Charter, row.Kind);
            var events = new List<object>();
            if (row.Sealed) events.Add(new VotesRevealed(proposal, votes.Revealed));
            events.Add(new VotingClosed(proposal, now, early, row.Electorate, tally.For, tally.Against, tally.Abstain, outcome));
            session.Append(VotingStreams.Proposal(proposal), [.. events]);
            if (outcome == ProposalOutcome.Adopted && row.Kind == ProposalKind.CharterChange && row.NewCharter is not null)
                session.Append(OrganizationStreams.StreamId(row.Org), new CharterAmended(row.Org, proposal, row.NewCharter));
            if (outcome == ProposalOutcome.Adopted && row.Kind == ProposalKind.MembershipReview && row.Subject is not null)
                session.Append(MembershipState.StreamId(row.Org, row.Subject), new MemberExpelled(row.Org, row.Subject, proposal));
            // An adopted policy binds the membership as decision D-n, numbered in this same transaction.
            if (outcome == ProposalOutcome.Adopted && row.Kind == ProposalKind.Policy)
                await DecisionAdoption.AppendAsync(connection, session, proposal, row.Org, tally,
                    [.. votes.Current.Where(v => v.Choice == VoteChoice.Against).Select(v => v.Voter)], now, token);
            closed = true;
        });
        await session.SaveChangesAsync(ct);
        if (closed) logger.LogInformation("Closed voting on proposal {Proposal}.", proposal);
        return closed;
    }

    private sealed record Locked(Guid Org, ProposalKind Kind, Charter Charter, int Electorate, DateTimeOffset ClosesAt, bool Sealed, Charter? NewCharter, string? Subject);

    private sealed record CurrentVote(string Voter, VoteChoice Choice);

    private static async Task<Locked?> LockAsync(NpgsqlConnection connection, Guid proposal, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT org_id, kind, charter::text, electorate_size, closes_at, reveal, new_charter::text, subject
              FROM proposals WHERE id = $1 AND phase = 'voting' FOR UPDATE
            """, connection);
        cmd.Parameters.AddWithValue(proposal);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new Locked(
            r.GetGuid(0), JsonSerializer.Deserialize<ProposalKind>($"\"{r.GetString(1)}\""),
            JsonSerializer.Deserialize<Charter>(r.GetString(2), MembershipProjection.Json)!, r.GetInt32(3), r.GetFieldValue<DateTimeOffset>(4),
            r.GetString(5) == "at_close",
            r.IsDBNull(6) ? null : JsonSerializer.Deserialize<Charter>(r.GetString(6), MembershipProjection.Json),
            r.IsDBNull(7) ? null : r.GetString(7));
    }

    /// <summary>Each elector's current vote; for a sealed roll-call also every vote ever cast, opened for the record.</summary>
    private static async Task<(List<CurrentVote> Current, List<RevealedVote> Revealed)> CurrentVotesAsync(
        NpgsqlConnection connection, Guid proposal, bool sealedVotes, CancellationToken ct)
    {
        var current = new List<CurrentVote>();
        var revealed = new List<RevealedVote>();
        if (!sealedVotes)
        {
            await using var cmd = new NpgsqlCommand("SELECT voter, choice FROM roll_call WHERE proposal_id = $1 AND choice IS NOT NULL", connection);
            cmd.Parameters.AddWithValue(proposal);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) current.Add(new CurrentVote(r.GetString(0), Parse(r.GetString(1))));
            return (current, revealed);
        }
        await using (var cmd = new NpgsqlCommand("""
            SELECT s.event_id, s.voter, s.choice, s.reason, s.nonce, (r.event_id = s.event_id)
              FROM vote_secrets s LEFT JOIN roll_call r ON r.proposal_id = s.proposal_id AND r.handle_key = s.handle_key
             WHERE s.proposal_id = $1
             ORDER BY s.voter, s.event_id
            """, connection))
        {
            cmd.Parameters.AddWithValue(proposal);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var choice = Parse(r.GetString(2));
                revealed.Add(new RevealedVote(r.GetGuid(0), r.GetString(1), choice, r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4)));
                if (!r.IsDBNull(5) && r.GetBoolean(5)) current.Add(new CurrentVote(r.GetString(1), choice));
            }
        }
        return (current, revealed);
    }

    private static VoteChoice Parse(string word) => JsonSerializer.Deserialize<VoteChoice>($"\"{word}\"");
}
