using System.Text.Json;
using ESoviet.EventStore;
using ESoviet.Web.Accounts;
using ESoviet.Web.Deliberation;
using ESoviet.Web.Membership;
using ESoviet.Web.Voting;
using Npgsql;

namespace ESoviet.Web.Live;

/// <summary>An event ready to send: its payload, the topics it goes to, and whether only one person may see it.</summary>
/// <param name="PrivateTo">The handle key of the only reader (a draft proposal's author), or null for everyone who may read the topic.</param>
public sealed record LiveItem(long Seq, string Type, TopicKey[] Topics, object Data, string? PrivateTo)
{
    public bool IsFor(TopicGrant grant) => PrivateTo is null || PrivateTo == grant.HandleKey;
}

/// <summary>
/// Turns committed events into what pages need, with the read models they need fetched once per batch of events,
/// never once per event: contributions' stored HTML in one query, the proposals involved in another, and one tally per
/// proposal and batch. Votes are built from the event itself, so a sealed vote's choice is never even read.
/// </summary>
public sealed class LivePayloads(NpgsqlDataSource dataSource, VotingQueries voting)
{
    private static readonly ProposalText NoText = new("", "", "", "", "", "");

    /// <param name="wantsTally">Called once per proposal with votes in the batch (with its newest vote's seq): attach a tally to that vote?</param>
    public async Task<List<LiveItem>> BuildAsync(
        IReadOnlyList<(StoredEvent Event, TopicKey[] Topics)> events, Func<Guid, long, bool> wantsTally, CancellationToken ct)
    {
        var contributionIds = new HashSet<Guid>();
        var proposalIds = new HashSet<Guid>();
        var lastVote = new Dictionary<Guid, long>();
        foreach (var (e, _) in events)
        {
            switch (e.Data)
            {
                case ContributionPosted p: contributionIds.Add(p.ContributionId); break;
                case ContributionEdited ed: contributionIds.Add(ed.ContributionId); break;
                case VoteCast v: lastVote[v.ProposalId] = e.Sequence; break;
            }
            if (LiveRouting.ProposalOf(e.Data) is { } proposal) proposalIds.Add(proposal);
        }

        var contributions = contributionIds.Count == 0 ? [] : await ContributionsAsync(contributionIds, ct);
        var proposals = proposalIds.Count == 0 ? [] : await ProposalsAsync(proposalIds, ct);
        var tallies = new Dictionary<Guid, TallyView>();
        foreach (var (proposal, seq) in lastVote)
        {
            if (proposals.TryGetValue(proposal, out var detail) && detail.Rules is not null && wantsTally(proposal, seq))
                tallies[proposal] = await voting.TallyAsync(detail, ct);
        }

        var items = new List<LiveItem>(events.Count);
        foreach (var (e, topics) in events)
        {
            var proposalId = LiveRouting.ProposalOf(e.Data);
            var proposal = proposalId is { } pid ? proposals.GetValueOrDefault(pid) : null;
            // A proposal that never left its author (a draft, or a draft withdrawn unsubmitted) stays theirs alone.
            var privateTo = proposal is not null && IsPrivate(proposal) ? Handles.Key(proposal.Author) : null;
            object? data = e.Data switch
            {
                ThreadStarted t => new ThreadStartedData(t.ThreadId, t.Title, t.Tags, t.Author, t.OpeningContributionId, e.Timestamp),
                ContributionPosted p => contributions.GetValueOrDefault(p.ContributionId),
                ContributionEdited ed => contributions.GetValueOrDefault(ed.ContributionId),
                ContributionRetracted r => new ContributionRetractedData(r.ContributionId, r.ThreadId, r.Author, e.Timestamp),
                ThreadClosed c => new ThreadClosedData(c.ThreadId, c.Reason, e.Timestamp),
                VoteCast v => new VoteData(v.ProposalId,
                    new RollCallEntry(v.Voter, v.Choice, v.Reason, e.Timestamp, (int)e.Version - 1, v.Commitment is not null),
                    lastVote[v.ProposalId] == e.Sequence ? tallies.GetValueOrDefault(v.ProposalId) : null),
                VotesRevealed r => proposal is null ? null : await RevealedAsync(proposal, ct),
                _ when proposalId is not null && proposal is null => null,
                _ => e.Data,
            };
            // Gone from the read model (a proposal of a reset test database, say): nothing a page could show.
            if (data is null) continue;
            items.Add(new LiveItem(e.Sequence, e.EventTypeName, topics, data, privateTo));
        }
        return items;
    }

    /// <summary>The proposal's tally as it stands, or null when it has none (voting has not opened) or is unknown.</summary>
    public async Task<TallyView?> TallyAsync(Guid proposal, CancellationToken ct)
    {
        var details = await ProposalsAsync([proposal], ct);
        return details.TryGetValue(proposal, out var detail) && detail.Rules is not null ? await voting.TallyAsync(detail, ct) : null;
    }

    public static bool IsPrivate(ProposalDetail proposal) =>
        proposal.Phase == ProposalPhase.Draft || (proposal.Phase == ProposalPhase.Withdrawn && proposal.DiscussionEndsAt is null);

    private async Task<VotesRevealedData?> RevealedAsync(ProposalDetail proposal, CancellationToken ct)
    {
        var rollCall = await voting.RollCallAsync(proposal, ct);
        return rollCall is null ? null : new VotesRevealedData(proposal.Id, rollCall.Votes, rollCall.Tally);
    }

    /// <summary>
    /// What the tally and privacy rules read of each proposal: enough of a <see cref="ProposalDetail"/> for
    /// <see cref="VotingQueries.TallyAsync"/> to count exactly as the pages do (text and amendments are left out).
    /// </summary>
    private async Task<Dictionary<Guid, ProposalDetail>> ProposalsAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT id, thread_id, kind, author, phase, created_at, discussion_ends_at, charter::text, reveal, outcome
              FROM proposals WHERE id = ANY($1)
            """);
        cmd.Parameters.AddWithValue(ids.ToArray());
        var found = new Dictionary<Guid, ProposalDetail>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            found[r.GetGuid(0)] = new ProposalDetail(
                r.GetGuid(0), r.GetGuid(1), Word<ProposalKind>(r.GetString(2)), r.GetString(3), NoText, null, null,
                Word<ProposalPhase>(r.GetString(4)), 0, r.GetFieldValue<DateTimeOffset>(5),
                r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6), null, null, null,
                r.IsDBNull(7) ? null : JsonSerializer.Deserialize<Charter>(r.GetString(7), MembershipProjection.Json),
                r.IsDBNull(8) ? null : (r.GetString(8) == "at_close" ? RollCallReveal.AtClose : RollCallReveal.Live),
                r.IsDBNull(9) ? null : Word<ProposalOutcome>(r.GetString(9)), null, [], null);
        }
        return found;
    }

    private async Task<Dictionary<Guid, ContributionData>> ContributionsAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT id, thread_id, parent_id, position, cardinality(path) - 1, author, html, why, to_whom, source, analysis,
                   attachments::text, created_at, edited_at, version, retracted_at IS NOT NULL
              FROM contributions WHERE id = ANY($1)
            """);
        cmd.Parameters.AddWithValue(ids.ToArray());
        var found = new Dictionary<Guid, ContributionData>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            // As on the pages: a retracted contribution's text, header and files never leave the database.
            var retracted = r.GetBoolean(15);
            found[r.GetGuid(0)] = new ContributionData(
                r.GetGuid(0), r.GetGuid(1), r.IsDBNull(2) ? null : r.GetGuid(2), r.GetString(5), r.GetInt32(3), r.GetInt32(4),
                retracted ? "" : r.GetString(6),
                retracted ? null : ContributionStructure.Normalize(new ContributionStructure(Text(r, 7), Text(r, 8), Text(r, 9), Text(r, 10))),
                retracted ? [] : JsonSerializer.Deserialize<AttachmentRef[]>(r.GetString(11), JsonSerializerOptions.Web) ?? [],
                r.GetFieldValue<DateTimeOffset>(12), r.IsDBNull(13) ? null : r.GetFieldValue<DateTimeOffset>(13), r.GetInt32(14), retracted);
        }
        return found;
    }

    private static string? Text(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static T Word<T>(string word) where T : struct, Enum => JsonSerializer.Deserialize<T>($"\"{word}\"");
}
