using ESoviet.Web.Infrastructure;

namespace ESoviet.Web.Membership;

// Every event here is appended with tenant id = the organization's id and actor = the acting member's handle.
// They name people by handle only: no account ids, credentials, tokens or addresses ever enter the log, because
// the log is what members verify and export.

/// <summary>An organization was founded, with its first charter. Stream <c>org-{organizationId}</c>.</summary>
public sealed record OrganizationFounded(Guid OrganizationId, string Name, string Slug, string FoundedBy, Charter Charter) : IDomainEvent;

/// <summary>
/// Someone accepted an invitation and is now a candidate: they may read and discuss, not vote, propose, invite or vouch.
/// Stream <c>membership-{organizationId}-{handleKey}</c>, which a person who left and returns reuses.
/// </summary>
public sealed record CandidateAdmitted(Guid OrganizationId, string Handle, Guid InvitationId, string InvitedBy) : IDomainEvent;

/// <summary>
/// A member vouched for a candidate. Records the member count and the threshold it implied at that moment, so the
/// ledger shows why the candidate was (or was not yet) admitted.
/// </summary>
public sealed record VouchGiven(Guid OrganizationId, string Candidate, string Voucher, int MemberCount, int VouchesNeeded) : IDomainEvent;

/// <summary>
/// Someone became a full member: a candidate whose vouches reached the threshold, or the founder at founding
/// (<paramref name="Founder"/>, with no vouchers). Being the founder confers nothing afterwards.
/// </summary>
public sealed record MemberAdmitted(Guid OrganizationId, string Handle, IReadOnlyList<string> VouchedBy, bool Founder) : IDomainEvent;

/// <summary>A member (or a candidate, <paramref name="WasCandidate"/>) left of their own accord. What they wrote stays under their handle.</summary>
public sealed record MemberLeft(Guid OrganizationId, string Handle, bool WasCandidate) : IDomainEvent;

/// <summary>
/// A member issued a single-use invitation. Stream <c>invitation-{invitationId}</c>. The link's secret is not here:
/// only its SHA-256 is kept, in <c>invitation_tokens</c>, written in the same transaction.
/// </summary>
public sealed record InvitationIssued(Guid InvitationId, Guid OrganizationId, string IssuedBy, DateTimeOffset ExpiresAt) : IDomainEvent;

/// <summary>A member withdrew an open invitation; its link stops working.</summary>
public sealed record InvitationRevoked(Guid InvitationId, Guid OrganizationId, string RevokedBy) : IDomainEvent;

/// <summary>The invitation was used; <see cref="CandidateAdmitted"/> follows in the same commit.</summary>
public sealed record InvitationAccepted(Guid InvitationId, Guid OrganizationId, string AcceptedBy) : IDomainEvent;
