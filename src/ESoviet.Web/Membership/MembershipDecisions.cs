using System.Text.RegularExpressions;
using ESoviet.Web.Accounts;
using ESoviet.Web.Infrastructure;

namespace ESoviet.Web.Membership;

/// <summary>What founding needs to know about the instance, read just before deciding.</summary>
public sealed record FoundingFacts(bool AnyOrganizationExists, bool FoundingAfterFirstAllowed, bool SlugTaken);

/// <summary>
/// The rules of joining and leaving, as pure functions from facts and a command to events or a rejection.
/// No database and no clock: callers pass the state they loaded and the time.
/// </summary>
public static partial class MembershipDecisions
{
    public const int MaxNameLength = 80;

    public const string SlugRule = "2 to 40 lowercase letters, digits and '-', starting and ending with a letter or digit.";

    /// <summary>The slug as it will be stored: trimmed and lowercased, so "Harbour" and "harbour" are one address.</summary>
    public static string NormalizeSlug(string? slug) => (slug ?? "").Trim().ToLowerInvariant();

    public static bool IsValidSlug(string? slug) => slug is not null && SlugPattern().IsMatch(slug);

    public static Dictionary<string, string[]> ValidateOrganization(string? name, string? slug)
    {
        var errors = new Dictionary<string, string[]>();
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length < 2) errors["name"] = ["Give the organization a name of at least 2 characters."];
        else if (trimmed.Length > MaxNameLength) errors["name"] = [$"A name may have at most {MaxNameLength} characters."];
        else if (trimmed.Any(char.IsControl)) errors["name"] = ["A name cannot contain line breaks or control characters."];
        if (!IsValidSlug(NormalizeSlug(slug))) errors["slug"] = ["The web address is " + SlugRule];
        return errors;
    }

    /// <summary>
    /// Founds an organization with the default charter; the founder is its first member. Founding is open while the
    /// instance has no organization, and afterwards only where the operator allowed it.
    /// </summary>
    public static Decision Found(Guid organizationId, string? name, string? slug, string founder, FoundingFacts facts)
    {
        if (facts.AnyOrganizationExists && !facts.FoundingAfterFirstAllowed)
            return Rejection.Forbidden("Founding new organizations is switched off on this instance.");
        var errors = ValidateOrganization(name, slug);
        if (!errors.ContainsKey("slug") && facts.SlugTaken) errors["slug"] = ["That web address is taken; choose another."];
        if (errors.Count > 0) return Rejection.Invalid(errors);

        var charter = Charter.Default;
        return Decision.Accept(
            new OrganizationFounded(organizationId, name!.Trim(), NormalizeSlug(slug), founder, charter),
            new MemberAdmitted(organizationId, founder, [], Founder: true));
    }

    /// <summary>Any full member may invite; the invitation lasts <see cref="InvitationState.Lifetime"/>.</summary>
    public static Decision IssueInvitation(Guid organizationId, Participant issuer, Guid invitationId, DateTimeOffset now)
    {
        if (!issuer.IsMember) return Rejection.Forbidden("Only full members can invite. Candidates can once they are admitted.");
        return Decision.Accept(new InvitationIssued(invitationId, organizationId, issuer.Handle, now + InvitationState.Lifetime));
    }

    /// <summary>
    /// Any full member may revoke an open invitation, not only its issuer: with no administrators, a link that leaked
    /// must be stoppable by whoever notices first.
    /// </summary>
    public static Decision RevokeInvitation(InvitationState invitation, Guid organizationId, Participant revoker, DateTimeOffset now)
    {
        if (!revoker.IsMember) return Rejection.Forbidden("Only full members can revoke invitations.");
        if (invitation.Id == Guid.Empty || invitation.OrganizationId != organizationId)
            return Rejection.NotFound("There is no such invitation.");
        return invitation.StatusAt(now) switch
        {
            InvitationStatus.Accepted => Rejection.Conflict("This invitation was already accepted; it can no longer be revoked."),
            InvitationStatus.Revoked => Rejection.Conflict("This invitation is already revoked."),
            InvitationStatus.Expired => Rejection.Conflict("This invitation has already expired."),
            _ => Decision.Accept(new InvitationRevoked(invitation.Id, invitation.OrganizationId, revoker.Handle)),
        };
    }

    /// <summary>
    /// Uses an invitation: the person becomes a candidate. Someone who left may come back this way; someone still
    /// a candidate or member may not use up a second invitation.
    /// </summary>
    public static Decision AcceptInvitation(InvitationState invitation, MembershipState existing, string handle, DateTimeOffset now)
    {
        if (invitation.Id == Guid.Empty) return InvitationNotValid;
        switch (invitation.StatusAt(now))
        {
            case InvitationStatus.Accepted:
                return new Rejection(StatusCodes.Status410Gone, "This invitation has already been used. Ask a member for a new one.");
            case InvitationStatus.Revoked:
                return new Rejection(StatusCodes.Status410Gone, "This invitation was withdrawn. Ask a member for a new one.");
            case InvitationStatus.Expired:
                return new Rejection(StatusCodes.Status410Gone, "This invitation has expired. Ask a member for a new one.");
        }
        if (existing.IsActive) return Rejection.Conflict("You already belong to this organization.");
        if (existing.Status == MemberStatus.Expelled) return Rejection.Forbidden("This account cannot use this invitation.");
        return Decision.Accept(
            new InvitationAccepted(invitation.Id, invitation.OrganizationId, handle),
            new CandidateAdmitted(invitation.OrganizationId, handle, invitation.Id, invitation.IssuedBy));
    }

    /// <summary>Used for an unknown token: says nothing about any organization.</summary>
    public static readonly Rejection InvitationNotValid =
        Rejection.NotFound("This invitation link is not valid. Check that it was copied completely.");

    /// <summary>
    /// A member vouches for a candidate. The threshold is evaluated with <paramref name="memberCount"/>, the number
    /// of full members at this moment; the vouch that reaches it admits the candidate in the same commit.
    /// </summary>
    public static Decision Vouch(Guid organizationId, Participant voucher, MembershipState candidate, string candidateHandle, Charter charter, int memberCount)
    {
        if (!voucher.IsMember) return Rejection.Forbidden("Only full members can vouch. Candidates can once they are admitted.");
        if (Handles.Key(voucher.Handle) == Handles.Key(candidateHandle))
            return Rejection.Invalid("handle", "You cannot vouch for yourself.");
        switch (candidate.Status)
        {
            case null or MemberStatus.Left or MemberStatus.Expelled:
                return Rejection.NotFound($"No candidate called '{candidateHandle}' is waiting to be admitted here.");
            case MemberStatus.Member:
                return Rejection.Conflict($"{candidate.Handle} is already a member.");
        }
        if (candidate.HasVouchFrom(voucher.Handle)) return Rejection.Conflict($"You have already vouched for {candidate.Handle}.");

        var needed = charter.VouchesNeeded(memberCount);
        var vouch = new VouchGiven(organizationId, candidate.Handle, voucher.Handle, memberCount, needed);
        var vouchers = candidate.Vouchers.Add(voucher.Handle);
        return vouchers.Count >= needed
            ? Decision.Accept(vouch, new MemberAdmitted(organizationId, candidate.Handle, vouchers, Founder: false))
            : Decision.Accept(vouch);
    }

    /// <summary>Members and candidates may leave at any time; nothing they wrote is removed.</summary>
    public static Decision Leave(Guid organizationId, MembershipState membership)
    {
        if (!membership.IsActive) return Rejection.Conflict("You are not a member of this organization.");
        return Decision.Accept(new MemberLeft(organizationId, membership.Handle, membership.Status == MemberStatus.Candidate));
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])$")]
    private static partial Regex SlugPattern();
}
