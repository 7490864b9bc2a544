using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ESoviet.EventStore;
using ESoviet.Web.Accounts;
using ESoviet.Web.Deliberation;
using ESoviet.Web.Infrastructure;
using ESoviet.Web.Membership;
using Npgsql;

namespace ESoviet.Web.Voting;

/// <summary><paramref name="Amends"/> and <paramref name="Repeals"/> are decision numbers (D-n) of this organization.</summary>
public sealed record DraftInput(
    Guid ThreadId, ProposalKind Kind, ProposalText? Text, Charter? NewCharter, string? Subject,
    IReadOnlyList<int>? Amends = null, IReadOnlyList<int>? Repeals = null);

public sealed record ProposalRef(Guid ProposalId);

public sealed record CastVote(Guid ProposalId, Guid EventId, string Voter, VoteChoice Choice, string? Reason, DateTimeOffset CastAt, bool Sealed, bool Repeated);

/// <summary>
/// Runs proposal and vote commands. Lifecycle commands rebuild the proposal from its stream and append with its
/// version. Votes take the fast path: each elector has a stream of their own, the checks run on the read model
/// under a share lock of the proposal row inside the vote's own transaction, and nothing else is locked, so votes
/// commit in parallel.
/// </summary>
public sealed class VotingCommands(EventStore.EventStore store, NpgsqlDataSource dataSource, ThreadQueries threads, TimeProvider time, ProposalCloser closer)
{
    private const int Attempts = 3;

    public async Task<Outcome<ProposalRef>> DraftAsync(OrgMember author, DraftInput input, CancellationToken ct)
    {
        if (input.Text is null) return Rejection.Invalid("text", "The proposal's text is missing.");
        var thread = await threads.FindThreadAsync(author.OrganizationId, input.ThreadId, ct);
        if (thread is null) return Rejection.Invalid("threadId", "A proposal is written inside an existing thread of this organization.");
        var org = await FactsAsync(author.OrganizationId, thread.State == "open", ct);
        var (amends, unknownAmends) = await DecisionsInForceAsync(author.OrganizationId, input.Amends, ct);
        var (repeals, unknownRepeals) = await DecisionsInForceAsync(author.OrganizationId, input.Repeals, ct);
        if (unknownAmends.Count > 0 || unknownRepeals.Count > 0)
        {
            var errors = new Dictionary<string, string[]>();
            if (unknownAmends.Count > 0) errors["amends"] = [$"Not a decision in force here: {string.Join(", ", unknownAmends.Select(n => "D-" + n))}."];
            if (unknownRepeals.Count > 0) errors["repeals"] = [$"Not a decision in force here: {string.Join(", ", unknownRepeals.Select(n => "D-" + n))}."];
            return Rejection.Invalid(errors);
        }
        var id = Guid.CreateVersion7(time.GetUtcNow());
        var decision = ProposalDecisions.Draft(author, org,
            new DraftProposal(input.ThreadId, input.Kind, input.Text, input.NewCharter, input.Subject, amends, repeals), id);
        if (decision.IsRejected) return decision.Rejection!;
        await using var session = store.OpenSession(PrivateMetadata(author));
        session.StartStream(VotingStreams.Proposal(id), "proposal", [.. decision.Events]);
        await session.SaveChangesAsync(ct);
        return new ProposalRef(id);
    }

    public Task<Outcome<ProposalRef>> SubmitAsync(OrgMember by, Guid proposal, CancellationToken ct) =>
        DecideAsync(by, proposal, async (state, _) => ProposalDecisions.Submit(state, by.Handle, (await FactsAsync(by.OrganizationId, true, ct)).Charter, time.GetUtcNow()), ct);

    public Task<Outcome<ProposalRef>> ReviseAsync(OrgMember by, Guid proposal, ProposalText? text, Charter? newCharter, CancellationToken ct) =>
        DecideAsync(by, proposal, async (state, _) => text is null
            ? Rejection.Invalid("text", "The proposal's text is missing.")
            : ProposalDecisions.Revise(state, by.Handle, text, newCharter, (await FactsAsync(by.OrganizationId, true, ct)).Charter), ct);

    public Task<Outcome<ProposalRef>> WithdrawAsync(OrgMember by, Guid proposal, CancellationToken ct) =>
        DecideAsync(by, proposal, (state, _) => Task.FromResult(ProposalDecisions.Withdraw(state, by.Handle)), ct);

    public Task<Outcome<ProposalRef>> OfferAmendmentAsync(OrgMember by, Guid proposal, Guid contributionId, CancellationToken ct) =>
        DecideAsync(by, proposal, async (state, _) =>
        {
            var contribution = await threads.FindContributionAsync(by.OrganizationId, contributionId, ct);
            if (contribution is null || contribution.Retracted) return Rejection.Invalid("contributionId", "There is no such contribution.");
            return ProposalDecisions.OfferAmendment(state, contributionId, contribution.Author, contribution.ThreadId, by.Handle);
        }, ct);

    public Task<Outcome<ProposalRef>> AnswerAmendmentAsync(OrgMember by, Guid proposal, Guid contributionId, bool accept, string? reason, CancellationToken ct) =>
        DecideAsync(by, proposal, (state, _) => Task.FromResult(ProposalDecisions.AnswerAmendment(state, contributionId, accept, reason, by.Handle)), ct);

    /// <summary>Opens the vote; refused while the proposer already implements the charter's maximum of decisions.</summary>
    public Task<Outcome<ProposalRef>> OpenVotingAsync(OrgMember by, Guid proposal, CancellationToken ct) =>
        DecideAsync(by, proposal, async (state, _) =>
            !by.IsMember
                ? Rejection.Forbidden("Only full members open votes.")
                : ProposalDecisions.OpenVoting(state, by.Handle, await FactsAsync(by.OrganizationId, true, ct), time.GetUtcNow(),
                    await ImplementingAsync(by.OrganizationId, by.Handle, ct)), ct);

    /// <summary>
    /// Opens the vote on a proposal the system opened (an automatic membership review) once its discussion time has
    /// passed: nobody else may, and no person should have to.
    /// </summary>
    public Task<Outcome<ProposalRef>> OpenVotingAsSystemAsync(Guid organization, Guid proposal, CancellationToken ct)
    {
        var system = new OrgMember(organization, "", "", SystemAuthor.Name, MemberStatus.Member);
        return DecideAsync(system, proposal, async (state, _) =>
        {
            if (!SystemAuthor.Is(state.Author)) return Rejection.Forbidden("Only the proposer opens the vote.");
            var facts = await FactsAsync(organization, true, ct);
            // The member under review left (or was expelled) meanwhile: there is nothing left to vote on.
            if (!facts.Members.Any(m => string.Equals(m, state.Subject, StringComparison.OrdinalIgnoreCase)))
                return ProposalDecisions.Withdraw(state, SystemAuthor.Name);
            return ProposalDecisions.OpenVoting(state, SystemAuthor.Name, facts, time.GetUtcNow());
        }, ct, systemActs: true);
    }

    /// <summary>How many decisions the member implements now (adopted, not yet marked done, repealed or handed over).</summary>
    public async Task<int> ImplementingAsync(Guid org, string handle, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT count(*) FROM decisions
             WHERE org_id = $1 AND implementer_key = $2 AND phase IN ('awaiting_commitments', 'in_implementation')
            """);
        cmd.Parameters.AddWithValue(org);
        cmd.Parameters.AddWithValue(Handles.Key(handle));
        return (int)(long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Decision numbers → ids of decisions in force here; and the numbers that are not.</summary>
    private async Task<(IReadOnlyList<Guid>? Ids, IReadOnlyList<int> Unknown)> DecisionsInForceAsync(Guid org, IReadOnlyList<int>? numbers, CancellationToken ct)
    {
        if (numbers is not { Count: > 0 }) return (null, []);
        var found = new Dictionary<int, Guid>();
        await using (var cmd = dataSource.CreateCommand("SELECT number, id FROM decisions WHERE org_id = $1 AND number = ANY($2) AND phase <> 'abandoned'"))
        {
            cmd.Parameters.AddWithValue(org);
            cmd.Parameters.AddWithValue(numbers.Distinct().ToArray());
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) found[r.GetInt32(0)] = r.GetGuid(1);
        }
        var distinct = numbers.Distinct().ToList();
        return (distinct.Where(found.ContainsKey).Select(n => found[n]).ToList(), distinct.Where(n => !found.ContainsKey(n)).ToList());
    }

    /// <summary>
    /// Casts (or changes) a vote. With an idempotency key the event id is derived from it, so a retried request
    /// finds its first attempt instead of voting twice; the same key with a different vote is refused (422).
    /// </summary>
    public async Task<Outcome<CastVote>> CastAsync(OrgMember voter, Guid proposal, VoteChoice? choice, string? reason, string? idempotencyKey, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var key = Handles.Key(voter.Handle);
        var eventId = idempotencyKey is null ? Guid.CreateVersion7(now) : DeriveId($"vote\n{proposal}\n{key}\n{idempotencyKey}");
        Rejection? refused = null;
        VoteCast? cast = null;
        var sealedVote = false;

        await using var session = store.OpenSession(Metadata(voter));
        session.Enlist(async (connection, token) =>
        {
            var facts = await VoteFactsAsync(connection, voter.OrganizationId, proposal, key, token);
            var decision = ProposalDecisions.Cast(facts, voter, choice, reason, now);
            if (decision.IsRejected)
            {
                refused = decision.Rejection;
                throw new VoteRefused();
            }
            cast = (VoteCast)decision.Events[0];
            sealedVote = facts!.Sealed;
            if (sealedVote) cast = await SealAsync(connection, cast, eventId, key, token);
            session.Append(VotingStreams.Vote(proposal, key), new NewEvent(cast, eventId));
        });
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (VoteRefused)
        {
            // A retry whose first attempt committed (its response lost to a crash) gets that attempt's answer, even
            // when the vote has closed since: "voting is closed" would tell the client its counted vote was refused.
            if (idempotencyKey is not null && await IsRecordedAsync(eventId, ct))
                return await RepeatedAsync(voter, proposal, key, eventId, choice, reason, ct);
            return refused!;
        }
        catch (DuplicateEventException)
        {
            return await RepeatedAsync(voter, proposal, key, eventId, choice, reason, ct);
        }
        closer.VoteRecorded(proposal);
        return new CastVote(proposal, eventId, voter.Handle, choice!.Value, cast!.Reason ?? (sealedVote ? reason?.Trim() : null), now, sealedVote, false);
    }

    private async Task<bool> IsRecordedAsync(Guid eventId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT EXISTS (SELECT 1 FROM {store.Options.Schema}.events WHERE id = $1)");
        cmd.Parameters.AddWithValue(eventId);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Under a roll-call revealed at close, the event commits to the vote by hash; the vote itself waits in vote_secrets.</summary>
    private static async Task<VoteCast> SealAsync(NpgsqlConnection connection, VoteCast vote, Guid eventId, string handleKey, CancellationToken ct)
    {
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO vote_secrets (event_id, proposal_id, handle_key, voter, choice, reason, nonce) VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, connection);
        cmd.Parameters.AddWithValue(eventId);
        cmd.Parameters.AddWithValue(vote.ProposalId);
        cmd.Parameters.AddWithValue(handleKey);
        cmd.Parameters.AddWithValue(vote.Voter);
        cmd.Parameters.AddWithValue(VotingProjection.Word(vote.Choice!.Value));
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = vote.Reason });
        cmd.Parameters.AddWithValue(nonce);
        await cmd.ExecuteNonQueryAsync(ct);
        return vote with { Choice = null, Reason = null, Commitment = Commitment(vote.ProposalId, vote.Voter, vote.Choice!.Value, vote.Reason, nonce) };
    }

    /// <summary>See docs/ledger.md: what a sealed vote's commitment hashes.</summary>
    public static string Commitment(Guid proposal, string voter, VoteChoice choice, string? reason, string nonce) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"esoviet-vote-v1\n{proposal:D}\n{voter}\n{VotingProjection.Word(choice)}\n{reason ?? ""}\n{nonce}")));

    private async Task<Outcome<CastVote>> RepeatedAsync(
        OrgMember voter, Guid proposal, string key, Guid eventId, VoteChoice? choice, string? reason, CancellationToken ct)
    {
        var original = (await store.FetchStreamAsync(VotingStreams.Vote(proposal, key), 0, ct)).FirstOrDefault(e => e.Id == eventId);
        if (original?.Data is not VoteCast first) return Rejection.Conflict("This Idempotency-Key was used for another request.");
        var (firstChoice, firstReason) = (first.Choice, first.Reason);
        if (first.Commitment is not null)
        {
            await using var cmd = dataSource.CreateCommand("SELECT choice, reason FROM vote_secrets WHERE event_id = $1");
            cmd.Parameters.AddWithValue(eventId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (await r.ReadAsync(ct))
            {
                firstChoice = JsonSerializer.Deserialize<VoteChoice>($"\"{r.GetString(0)}\"");
                firstReason = r.IsDBNull(1) ? null : r.GetString(1);
            }
        }
        var normalizedReason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (firstChoice != choice || firstReason != normalizedReason)
            return new Rejection(StatusCodes.Status422UnprocessableEntity, "This Idempotency-Key was already used for a different vote.");
        return new CastVote(proposal, eventId, voter.Handle, firstChoice!.Value, firstReason, original.Timestamp, first.Commitment is not null, true);
    }

    private static async Task<VoteFacts?> VoteFactsAsync(NpgsqlConnection connection, Guid org, Guid proposal, string handleKey, CancellationToken ct)
    {
        // FOR SHARE: many votes hold it at once; closing waits for them with FOR UPDATE, and votes after it see 'closed'.
        await using var cmd = new NpgsqlCommand("""
            SELECT p.phase, p.closes_at, p.reveal,
                   EXISTS (SELECT 1 FROM electorate e WHERE e.proposal_id = p.id AND e.handle_key = $3)
              FROM proposals p
             WHERE p.id = $1 AND p.org_id = $2 AND p.phase <> 'draft'
               FOR SHARE
            """, connection);
        cmd.Parameters.AddWithValue(proposal);
        cmd.Parameters.AddWithValue(org);
        cmd.Parameters.AddWithValue(handleKey);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new VoteFacts(proposal, ParsePhase(r.GetString(0)), r.IsDBNull(1) ? null : r.GetFieldValue<DateTimeOffset>(1), r.GetBoolean(3),
            !r.IsDBNull(2) && r.GetString(2) == "at_close");
    }

    /// <summary>Rebuilds the proposal, decides, and appends with the version it decided on; retries on a concurrent change.</summary>
    private async Task<Outcome<ProposalRef>> DecideAsync(
        OrgMember by, Guid proposal, Func<ProposalState, long, Task<Decision>> decide, CancellationToken ct, bool systemActs = false)
    {
        for (var attempt = 1; ; attempt++)
        {
            var loaded = await store.AggregateStreamAsync<ProposalState>(VotingStreams.Proposal(proposal), ct);
            if (loaded is null || !await BelongsAsync(by.OrganizationId, proposal, ct)) return Rejection.NotFound("There is no such proposal.");
            // A draft (or a draft its author discarded) is the author's alone: to anyone else it does not exist.
            if (loaded.State.IsPrivate && !loaded.State.IsAuthor(by.Handle)) return Rejection.NotFound("There is no such proposal.");
            var decision = await decide(loaded.State, loaded.Version);
            if (decision.IsRejected) return decision.Rejection!;
            // Until submission every event stays private: no tenant, so neither the ledger nor live feeds carry it.
            var stillPrivate = loaded.State.IsPrivate && !decision.Events.Any(e => e is ProposalSubmitted);
            try
            {
                // The system acts with no actor, as when it closes a vote.
                await using var session = store.OpenSession(
                    stillPrivate ? PrivateMetadata(by) : systemActs ? new EventMetadata(by.OrganizationId.ToString()) : Metadata(by));
                session.Append(VotingStreams.Proposal(proposal), loaded.Version, [.. decision.Events]);
                await session.SaveChangesAsync(ct);
                return new ProposalRef(proposal);
            }
            catch (StreamConflictException) when (attempt < Attempts)
            {
            }
            catch (StreamConflictException)
            {
                return Rejection.Conflict("The proposal changed at the same moment; reload and try again.");
            }
        }
    }

    private async Task<bool> BelongsAsync(Guid org, Guid proposal, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM proposals WHERE id = $1 AND org_id = $2)");
        cmd.Parameters.AddWithValue(proposal);
        cmd.Parameters.AddWithValue(org);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private async Task<OrganizationFacts> FactsAsync(Guid org, bool threadIsOpen, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT o.charter::text, coalesce(array_agg(m.handle ORDER BY m.handle_key) FILTER (WHERE m.handle IS NOT NULL), '{}')
              FROM organizations o LEFT JOIN memberships m ON m.org_id = o.id AND m.status = 'member'
             WHERE o.id = $1 GROUP BY o.id
            """);
        cmd.Parameters.AddWithValue(org);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new OrganizationFacts(JsonSerializer.Deserialize<Charter>(r.GetString(0), MembershipProjection.Json)!, r.GetFieldValue<string[]>(1), threadIsOpen);
    }

    public static ProposalPhase ParsePhase(string phase) => JsonSerializer.Deserialize<ProposalPhase>($"\"{phase}\"");

    /// <summary>A name-based UUID (version 8) from SHA-256, so the same request always maps to the same event id.</summary>
    public static Guid DeriveId(string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    private static EventMetadata Metadata(OrgMember who) => new(who.OrganizationId.ToString(), who.Handle);

    private static EventMetadata PrivateMetadata(OrgMember who) => new(null, who.Handle);

    private sealed class VoteRefused : Exception;
}
