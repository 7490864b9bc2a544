using System.Text.Json;
using ESoviet.EventStore;
using ESoviet.Web.Membership;
using ESoviet.Web.Voting;
using Npgsql;

namespace ESoviet.Web.Decisions;

/// <summary>
/// Turns an adopted policy into a decision inside the transaction that closes its vote, so there is never an adopted
/// policy without its decision, nor a decision without the outcome. Charter changes and membership reviews take effect
/// directly and become no decision.
/// </summary>
public static class DecisionAdoption
{
    /// <summary>The decision's id is its proposal's: one adopted proposal, one decision.</summary>
    public static Guid DecisionIdOf(Guid proposal) => proposal;

    public static async Task AppendAsync(
        NpgsqlConnection connection, EventSession session, Guid proposal, Guid org, Tally tally, IReadOnlyList<string> votedAgainst,
        DateTimeOffset now, CancellationToken ct)
    {
        Guid thread;
        string author;
        ProposalText text;
        Guid[] amends, repeals;
        await using (var cmd = new NpgsqlCommand("SELECT thread_id, author, text::text, amends, repeals FROM proposals WHERE id = $1", connection))
        {
            cmd.Parameters.AddWithValue(proposal);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            (thread, author, text, amends, repeals) = (r.GetGuid(0), r.GetString(1), JsonSerializer.Deserialize<ProposalText>(r.GetString(2), MembershipProjection.Json)!,
                r.GetFieldValue<Guid[]>(3), r.GetFieldValue<Guid[]>(4));
        }

        Charter charter;
        string[] members;
        await using (var cmd = new NpgsqlCommand("""
            SELECT o.charter::text, coalesce(array_agg(m.handle ORDER BY m.handle_key) FILTER (WHERE m.handle IS NOT NULL), '{}')
              FROM organizations o LEFT JOIN memberships m ON m.org_id = o.id AND m.status = 'member'
             WHERE o.id = $1 GROUP BY o.id
            """, connection))
        {
            cmd.Parameters.AddWithValue(org);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            (charter, members) = (MembershipQueries.ParseCharter(r.GetString(0)), r.GetFieldValue<string[]>(1));
        }

        // The counter row stays locked until this transaction ends: two closes in one organization take turns, and a
        // rolled-back close gives its number back.
        int number;
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO decision_numbers (org_id, last_number) VALUES ($1, 1)
            ON CONFLICT (org_id) DO UPDATE SET last_number = decision_numbers.last_number + 1
            RETURNING last_number
            """, connection))
        {
            cmd.Parameters.AddWithValue(org);
            number = (int)(await cmd.ExecuteScalarAsync(ct))!;
        }

        var id = DecisionIdOf(proposal);
        // Only decisions still in force are repealed or amended; one repealed meanwhile by another decision stays as it is.
        var targets = new List<(Guid Id, bool Repeal)>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT id, id = ANY($3) FROM decisions WHERE org_id = $1 AND id = ANY($2 || $3) AND phase <> 'abandoned' ORDER BY id FOR UPDATE
            """, connection))
        {
            cmd.Parameters.AddWithValue(org);
            cmd.Parameters.AddWithValue(amends);
            cmd.Parameters.AddWithValue(repeals);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) targets.Add((r.GetGuid(0), r.GetBoolean(1)));
        }

        session.StartStream(DecisionStreams.Decision(id), "decision", new DecisionAdopted(
            id, org, number, proposal, thread, author, text, tally.Electorate, tally.For, tally.Against, tally.Abstain, members, votedAgainst,
            now.AddDays(charter.CommitmentDays), amends, repeals));
        foreach (var (target, repeal) in targets)
        {
            session.Append(DecisionStreams.Decision(target),
                repeal ? new DecisionRepealed(target, id, number) : new DecisionAmended(target, id, number));
        }
    }
}
