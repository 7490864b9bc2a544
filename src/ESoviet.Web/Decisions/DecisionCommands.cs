using ESoviet.EventStore;
using ESoviet.Web.Accounts;
using ESoviet.Web.Infrastructure;
using ESoviet.Web.Membership;
using Npgsql;

namespace ESoviet.Web.Decisions;

/// <summary>A decision acted on; <paramref name="ItemId"/> is the task, report or criticism just created, if any.</summary>
public sealed record DecisionRef(int Number, Guid? ItemId = null);

/// <summary>A member's recorded answer; a refusal carries the notice the member is shown.</summary>
public sealed record CommitmentAnswer(int Number, string Member, string Answer, string? Dissent, string? Reason, string? Notice);

/// <summary>
/// Runs decision commands. Commitments take the fast path, like votes: a stream per member and decision, checked under
/// a share lock of the decision row, so answers commit in parallel and the window's close waits for them. Everything
/// else rebuilds the decision from its stream and appends with the version it decided on.
/// </summary>
public sealed class DecisionCommands(EventStore.EventStore store, NpgsqlDataSource dataSource, TimeProvider time, MembershipQueries membership)
{
    private const int Attempts = 3;

    public async Task<Outcome<CommitmentAnswer>> CommitAsync(OrgMember by, int number, bool? abide, string? dissent, string? reason, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        Rejection? refused = null;
        CommitmentRecorded? recorded = null;
        await using var session = store.OpenSession(Metadata(by));
        session.Enlist(async (connection, token) =>
        {
            await using var cmd = new NpgsqlCommand("""
                SELECT d.id, d.commitments_open, d.commitment_due_at, c.handle_key IS NOT NULL, c.answer IS NOT NULL
                  FROM decisions d LEFT JOIN decision_commitments c ON c.decision_id = d.id AND c.handle_key = $3
                 WHERE d.org_id = $1 AND d.number = $2
                   FOR SHARE OF d
                """, connection);
            cmd.Parameters.AddWithValue(by.OrganizationId);
            cmd.Parameters.AddWithValue(number);
            cmd.Parameters.AddWithValue(Handles.Key(by.Handle));
            CommitmentFacts? facts = null;
            await using (var r = await cmd.ExecuteReaderAsync(token))
            {
                if (await r.ReadAsync(token))
                    facts = new CommitmentFacts(r.GetGuid(0), r.GetBoolean(1), r.GetFieldValue<DateTimeOffset>(2), r.GetBoolean(3), r.GetBoolean(4));
            }
            var decision = DecisionRules.Commit(facts, by, abide, dissent, reason, now);
            if (decision.IsRejected)
            {
                refused = decision.Rejection;
                throw new Refused();
            }
            recorded = (CommitmentRecorded)decision.Events[0];
            session.StartStream(DecisionStreams.Commitment(recorded.DecisionId, by.Handle), "commitment", recorded);
        });
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Refused)
        {
            return refused!;
        }
        catch (StreamConflictException)
        {
            return Rejection.Conflict("You have already answered; your answer stays in the record.");
        }
        return new CommitmentAnswer(number, by.Handle, recorded!.Abide ? "abide" : "refuse", recorded.Dissent, recorded.Reason,
            recorded.Abide ? null : DecisionRules.RefusalNotice);
    }

    public Task<Outcome<DecisionRef>> SignMinorityReportAsync(OrgMember by, int number, string? text, CancellationToken ct) =>
        DecideAsync(by, number, d => Task.FromResult(DecisionRules.SignMinorityReport(d, by, text)), ct);

    public Task<Outcome<DecisionRef>> PlanTaskAsync(OrgMember by, int number, string? title, DateOnly? dueOn, CancellationToken ct)
    {
        var id = Guid.CreateVersion7(time.GetUtcNow());
        return DecideAsync(by, number, d => Task.FromResult(DecisionRules.PlanTask(d, by.Handle, title, dueOn, id)), ct, id);
    }

    public Task<Outcome<DecisionRef>> ChangeTaskAsync(OrgMember by, int number, Guid task, TaskState? state, string? reason, CancellationToken ct) =>
        DecideAsync(by, number, d => Task.FromResult(DecisionRules.ChangeTask(d, by.Handle, task, state, reason)), ct, task);

    public Task<Outcome<DecisionRef>> VolunteerAsync(OrgMember by, int number, Guid task, CancellationToken ct) =>
        DecideAsync(by, number, d => Task.FromResult(DecisionRules.Volunteer(d, by, task)), ct, task);

    public Task<Outcome<DecisionRef>> ReportAsync(OrgMember by, int number, int? percent, string? happened, string? blocked, CancellationToken ct)
    {
        var id = Guid.CreateVersion7(time.GetUtcNow());
        return DecideAsync(by, number, d => Task.FromResult(DecisionRules.Report(d, by.Handle, percent, happened, blocked, id)), ct, id);
    }

    public Task<Outcome<DecisionRef>> OfferHandoverAsync(OrgMember by, int number, string? to, CancellationToken ct) =>
        DecideAsync(by, number, async d => DecisionRules.OfferHandover(d, by.Handle, to, to is null ? null : await CurrentMemberAsync(by.OrganizationId, to, ct)), ct);

    public Task<Outcome<DecisionRef>> AcceptHandoverAsync(OrgMember by, int number, CancellationToken ct) =>
        DecideAsync(by, number, async d => DecisionRules.AcceptHandover(d, by.Handle,
            await ImplementingAsync(by.OrganizationId, by.Handle, ct), await membership.CharterAsync(by.OrganizationId, ct)), ct);

    public Task<Outcome<DecisionRef>> CompleteAsync(OrgMember by, int number, SelfCriticism? self, CancellationToken ct) =>
        DecideAsync(by, number, async d => DecisionRules.Complete(d, by.Handle, self, await membership.CharterAsync(by.OrganizationId, ct), time.GetUtcNow()), ct);

    public Task<Outcome<DecisionRef>> CriticizeAsync(OrgMember by, int number, Criticism? criticism, CancellationToken ct)
    {
        var id = Guid.CreateVersion7(time.GetUtcNow());
        return DecideAsync(by, number, d => Task.FromResult(DecisionRules.Criticize(d, by, criticism, id)), ct, id);
    }

    private async Task<Outcome<DecisionRef>> DecideAsync(OrgMember by, int number, Func<DecisionState, Task<Decision>> decide, CancellationToken ct, Guid? item = null)
    {
        var id = await IdOfAsync(by.OrganizationId, number, ct);
        if (id is null) return Rejection.NotFound("There is no such decision.");
        if (!by.IsMember) return Rejection.Forbidden("Only full members act on decisions. Candidates can once they are admitted.");
        for (var attempt = 1; ; attempt++)
        {
            var loaded = await store.AggregateStreamAsync<DecisionState>(DecisionStreams.Decision(id.Value), ct);
            if (loaded is null) return Rejection.NotFound("There is no such decision.");
            var decision = await decide(loaded.State);
            if (decision.IsRejected) return decision.Rejection!;
            try
            {
                await using var session = store.OpenSession(Metadata(by));
                session.Append(DecisionStreams.Decision(id.Value), loaded.Version, [.. decision.Events]);
                await session.SaveChangesAsync(ct);
                return new DecisionRef(number, item);
            }
            catch (StreamConflictException) when (attempt < Attempts)
            {
            }
            catch (StreamConflictException)
            {
                return Rejection.Conflict("The decision changed at the same moment; reload and try again.");
            }
        }
    }

    private async Task<Guid?> IdOfAsync(Guid org, int number, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT id FROM decisions WHERE org_id = $1 AND number = $2");
        cmd.Parameters.AddWithValue(org);
        cmd.Parameters.AddWithValue(number);
        return await cmd.ExecuteScalarAsync(ct) as Guid?;
    }

    private async Task<string?> CurrentMemberAsync(Guid org, string handle, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT handle FROM memberships WHERE org_id = $1 AND handle_key = $2 AND status = 'member'");
        cmd.Parameters.AddWithValue(org);
        cmd.Parameters.AddWithValue(Handles.Key(handle.Trim()));
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    private async Task<int> ImplementingAsync(Guid org, string handle, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT count(*) FROM decisions WHERE org_id = $1 AND implementer_key = $2 AND phase IN ('awaiting_commitments', 'in_implementation')
            """);
        cmd.Parameters.AddWithValue(org);
        cmd.Parameters.AddWithValue(Handles.Key(handle));
        return (int)(long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static EventMetadata Metadata(OrgMember who) => new(who.OrganizationId.ToString(), who.Handle);

    private sealed class Refused : Exception;
}
