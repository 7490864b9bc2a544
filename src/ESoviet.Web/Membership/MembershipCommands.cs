using ESoviet.EventStore;
using ESoviet.Web.Accounts;
using ESoviet.Web.Infrastructure;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ESoviet.Web.Membership;

/// <summary>Either what a command produced, or why it was refused.</summary>
public readonly record struct Outcome<T>(T? Value, Rejection? Rejection) where T : class
{
    public bool IsRejected => Rejection is not null;

    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(Rejection rejection) => new(null, rejection);
}

/// <summary>The handle and password for an account made on the spot, when nobody is signed in.</summary>
public sealed record NewAccountInput(string? Handle, string? Password);

/// <summary>A new account's recovery codes in clear text: shown once, then only their hashes exist.</summary>
public sealed record CreatedAccount(Account Account, IReadOnlyList<string> RecoveryCodes);

public sealed record Founded(Guid OrganizationId, string Slug, string Name, Account Founder, CreatedAccount? NewAccount);

public sealed record IssuedInvitation(Guid Id, string Token, DateTimeOffset ExpiresAt);

public sealed record Joined(Guid OrganizationId, string Slug, string Name, Account Account, CreatedAccount? NewAccount);

public sealed record Vouched(string Candidate, int Vouches, int VouchesNeeded, bool Admitted);

/// <summary>
/// Runs membership commands: loads the state a decision needs, asks the pure decision, appends its events with the
/// stream version it was decided on. A concurrent write to the same stream makes the append fail and the command
/// is decided again on fresh state, so two vouches racing for one candidate admit them once.
/// </summary>
public sealed class MembershipCommands(
    EventStore.EventStore store,
    NpgsqlDataSource dataSource,
    MembershipQueries queries,
    AccountStore accounts,
    TimeProvider time,
    IOptions<ESovietOptions> options)
{
    private const int Attempts = 5;

    // Serializes foundings, so two racing for the first organization cannot both find the instance empty.
    private const long FoundingLockKey = 0x0E5_0F0_0D;

    public async Task<Outcome<Founded>> FoundAsync(string? name, string? slug, Account? signedIn, NewAccountInput? newAccount, CancellationToken ct)
    {
        var allowAfterFirst = options.Value.AllowFoundingAfterFirst;
        var errors = new Dictionary<string, string[]>();
        if (signedIn is null) await ValidateNewAccountAsync(newAccount, errors, ct);
        var founder = signedIn?.Handle ?? newAccount?.Handle ?? "";

        var normalizedSlug = MembershipDecisions.NormalizeSlug(slug);
        var facts = new FoundingFacts(
            await queries.AnyOrganizationAsync(ct), allowAfterFirst,
            MembershipDecisions.IsValidSlug(normalizedSlug) && await queries.SlugTakenAsync(normalizedSlug, ct));
        var organizationId = Guid.CreateVersion7(time.GetUtcNow());
        var decision = MembershipDecisions.Found(organizationId, name, slug, founder, facts);
        if (decision.Rejection is { Status: StatusCodes.Status403Forbidden } closed) return closed;
        if (Merge(errors, decision.Rejection) is { } invalid) return invalid;

        var created = signedIn is null ? accounts.Prepare(newAccount!.Handle!, newAccount.Password!) : null;
        await using var session = store.OpenSession(new EventMetadata(organizationId.ToString(), founder));
        session.Enlist((connection, token) => CheckFoundingStillOpenAsync(connection, allowAfterFirst, token));
        if (created is not null) session.Enlist((connection, token) => accounts.InsertAsync(connection, created, token));
        session.StartStream(OrganizationStreams.StreamId(organizationId), "organization", decision.Events[0]);
        session.StartStream(MembershipState.StreamId(organizationId, founder), "membership", decision.Events[1]);
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (FoundingClosedException)
        {
            return Rejection.Forbidden("Founding new organizations is switched off on this instance.");
        }
        catch (HandleTakenException)
        {
            return HandleTaken;
        }
        catch (PostgresException e) when (e is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "organizations_slug_unique" })
        {
            return Rejection.Invalid("slug", "That web address is taken; choose another.");
        }

        var founded = (OrganizationFounded)decision.Events[0];
        var account = signedIn ?? ToAccount(created!);
        return new Founded(organizationId, founded.Slug, founded.Name, account, created is null ? null : new CreatedAccount(account, created.RecoveryCodes));
    }

    public async Task<Outcome<IssuedInvitation>> IssueInvitationAsync(OrgMember issuer, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var decision = MembershipDecisions.IssueInvitation(issuer.OrganizationId, issuer.AsParticipant, id, now);
        if (decision.Rejection is { } rejection) return rejection;

        var token = InvitationTokens.NewToken();
        await using var session = store.OpenSession(Metadata(issuer));
        session.Enlist(InvitationTokens.Store(token, id));
        session.StartStream(InvitationState.StreamId(id), "invitation", [.. decision.Events]);
        await session.SaveChangesAsync(ct);
        return new IssuedInvitation(id, token, ((InvitationIssued)decision.Events[0]).ExpiresAt);
    }

    public async Task<Rejection?> RevokeInvitationAsync(OrgMember revoker, Guid invitationId, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var loaded = await store.AggregateStreamAsync(InvitationState.StreamId(invitationId), InvitationState.None, ct);
            var decision = MembershipDecisions.RevokeInvitation(
                loaded?.State ?? InvitationState.None, revoker.OrganizationId, revoker.AsParticipant, time.GetUtcNow());
            if (decision.Rejection is { } rejection) return rejection;
            try
            {
                await using var session = store.OpenSession(Metadata(revoker));
                session.Append(InvitationState.StreamId(invitationId), loaded!.Version, [.. decision.Events]);
                await session.SaveChangesAsync(ct);
                return null;
            }
            catch (StreamConflictException) when (attempt < Attempts)
            {
            }
        }
    }

    /// <summary>
    /// Uses an invitation for the signed-in account or, when nobody is signed in, for a new account made from
    /// <paramref name="newAccount"/> in the same transaction. A bad token is refused before anything else is looked at.
    /// </summary>
    public async Task<Outcome<Joined>> AcceptInvitationAsync(string? token, Account? signedIn, NewAccountInput? newAccount, CancellationToken ct)
    {
        var invitationId = await InvitationTokens.FindInvitationAsync(dataSource, token, ct);
        if (invitationId is null) return MembershipDecisions.InvitationNotValid;
        var invitationStream = InvitationState.StreamId(invitationId.Value);

        for (var attempt = 1; ; attempt++)
        {
            var now = time.GetUtcNow();
            var invitation = await store.AggregateStreamAsync(invitationStream, InvitationState.None, ct);
            if (invitation is null) return MembershipDecisions.InvitationNotValid;
            if (invitation.State.StatusAt(now) != InvitationStatus.Open)
                return MembershipDecisions.AcceptInvitation(invitation.State, MembershipState.None, "", now).Rejection!;

            var errors = new Dictionary<string, string[]>();
            if (signedIn is null) await ValidateNewAccountAsync(newAccount, errors, ct);
            if (errors.Count > 0) return Rejection.Invalid(errors);
            var handle = signedIn?.Handle ?? newAccount!.Handle!;

            var organizationId = invitation.State.OrganizationId;
            var membershipStream = MembershipState.StreamId(organizationId, handle);
            var existing = await store.AggregateStreamAsync(membershipStream, MembershipState.None, ct);
            var decision = MembershipDecisions.AcceptInvitation(invitation.State, existing?.State ?? MembershipState.None, handle, now);
            if (decision.Rejection is { } rejection) return rejection;

            var created = signedIn is null ? accounts.Prepare(handle, newAccount!.Password!) : null;
            try
            {
                await using var session = store.OpenSession(new EventMetadata(organizationId.ToString(), handle));
                if (created is not null) session.Enlist((connection, t) => accounts.InsertAsync(connection, created, t));
                session.Append(invitationStream, invitation.Version, decision.Events[0]);
                if (existing is null) session.StartStream(membershipStream, "membership", decision.Events[1]);
                else session.Append(membershipStream, existing.Version, decision.Events[1]);
                await session.SaveChangesAsync(ct);
            }
            catch (StreamConflictException) when (attempt < Attempts)
            {
                continue;
            }
            catch (HandleTakenException)
            {
                return HandleTaken;
            }

            var (slug, name) = await queries.NameAsync(organizationId, ct);
            var account = signedIn ?? ToAccount(created!);
            return new Joined(organizationId, slug, name, account, created is null ? null : new CreatedAccount(account, created.RecoveryCodes));
        }
    }

    public async Task<Outcome<Vouched>> VouchAsync(OrgMember voucher, string candidateHandle, CancellationToken ct)
    {
        if (!Handles.IsValid(candidateHandle))
        {
            // Same answers as for a valid handle: refuse candidates first, then say nobody by that name waits.
            var refusal = MembershipDecisions.Vouch(voucher.OrganizationId, voucher.AsParticipant, MembershipState.None, candidateHandle, Charter.Default, 0);
            return refusal.Rejection!;
        }
        var stream = MembershipState.StreamId(voucher.OrganizationId, candidateHandle);
        for (var attempt = 1; ; attempt++)
        {
            var charter = await queries.CharterAsync(voucher.OrganizationId, ct);
            var memberCount = await queries.MemberCountAsync(voucher.OrganizationId, ct);
            var candidate = await store.AggregateStreamAsync(stream, MembershipState.None, ct);
            var decision = MembershipDecisions.Vouch(
                voucher.OrganizationId, voucher.AsParticipant, candidate?.State ?? MembershipState.None, candidateHandle, charter, memberCount);
            if (decision.Rejection is { } rejection) return rejection;
            try
            {
                await using var session = store.OpenSession(Metadata(voucher));
                session.Append(stream, candidate!.Version, [.. decision.Events]);
                await session.SaveChangesAsync(ct);
            }
            catch (StreamConflictException) when (attempt < Attempts)
            {
                continue;
            }
            var vouch = (VouchGiven)decision.Events[0];
            return new Vouched(vouch.Candidate, candidate.State.Vouchers.Count + 1, vouch.VouchesNeeded, decision.Events.Count > 1);
        }
    }

    public async Task<Rejection?> LeaveAsync(OrgMember member, CancellationToken ct)
    {
        var stream = MembershipState.StreamId(member.OrganizationId, member.Handle);
        for (var attempt = 1; ; attempt++)
        {
            var loaded = await store.AggregateStreamAsync(stream, MembershipState.None, ct);
            var decision = MembershipDecisions.Leave(member.OrganizationId, loaded?.State ?? MembershipState.None);
            if (decision.Rejection is { } rejection) return rejection;
            try
            {
                await using var session = store.OpenSession(Metadata(member));
                session.Append(stream, loaded!.Version, [.. decision.Events]);
                await session.SaveChangesAsync(ct);
                return null;
            }
            catch (StreamConflictException) when (attempt < Attempts)
            {
            }
        }
    }

    private static readonly Rejection HandleTaken = Rejection.Invalid("handle", "That handle is taken; choose another.");

    private async Task ValidateNewAccountAsync(NewAccountInput? input, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        foreach (var (field, messages) in AccountStore.Validate(input?.Handle, input?.Password)) errors[field] = messages;
        if (!errors.ContainsKey("handle") && await accounts.HandleExistsAsync(input!.Handle!, ct))
            errors["handle"] = HandleTaken.Errors!["handle"];
    }

    /// <summary>Field errors found before deciding, together with the decision's own: a form shows them all at once.</summary>
    private static Rejection? Merge(Dictionary<string, string[]> errors, Rejection? decided)
    {
        if (decided is not null && decided.Errors is null) return decided;
        foreach (var (field, messages) in decided?.Errors ?? new Dictionary<string, string[]>()) errors[field] = messages;
        return errors.Count > 0 ? Rejection.Invalid(errors) : null;
    }

    private static async Task CheckFoundingStillOpenAsync(NpgsqlConnection connection, bool allowAfterFirst, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"SELECT pg_advisory_xact_lock({FoundingLockKey}); SELECT EXISTS (SELECT 1 FROM organizations)", connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        if (reader.GetBoolean(0) && !allowAfterFirst) throw new FoundingClosedException();
    }

    private static EventMetadata Metadata(OrgMember actor) => new(actor.OrganizationId.ToString(), actor.Handle);

    private static Account ToAccount(NewAccount created) => new(created.Id, created.Handle, created.SecurityStamp, true);

    private sealed class FoundingClosedException : Exception;
}
