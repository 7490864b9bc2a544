using System.Collections.Immutable;
using System.Text.Json.Serialization;
using ESoviet.Web.Accounts;

namespace ESoviet.Web.Membership;

/// <summary>Where a person stands in one organization.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MemberStatus>))]
public enum MemberStatus
{
    /// <summary>Accepted an invitation; reads and discusses; admitted once enough members vouch.</summary>
    [JsonStringEnumMemberName("candidate")]
    Candidate,

    /// <summary>A full member with every right every other member has.</summary>
    [JsonStringEnumMemberName("member")]
    Member,

    /// <summary>Left of their own accord; no access, their contributions remain.</summary>
    [JsonStringEnumMemberName("left")]
    Left,

    /// <summary>Expelled by a decision of the membership; no access.</summary>
    [JsonStringEnumMemberName("expelled")]
    Expelled,
}

/// <summary>Someone acting inside an organization, as far as a decision needs to know them.</summary>
public sealed record Participant(string Handle, MemberStatus Status)
{
    public bool IsMember => Status == MemberStatus.Member;
}

/// <summary>
/// One person's membership of one organization, folded from stream <c>membership-{organizationId}-{handleKey}</c>.
/// <see cref="None"/> is the state before the stream exists.
/// </summary>
public sealed record MembershipState
{
    public static readonly MembershipState None = new();

    public string Handle { get; init; } = "";

    /// <summary>Null while the person has never joined.</summary>
    public MemberStatus? Status { get; init; }

    /// <summary>Handles of the members who vouched during the current candidacy, in order.</summary>
    public ImmutableList<string> Vouchers { get; init; } = [];

    public string? InvitedBy { get; init; }

    public bool IsActive => Status is MemberStatus.Candidate or MemberStatus.Member;

    public bool HasVouchFrom(string handle) => Vouchers.Any(v => Handles.Key(v) == Handles.Key(handle));

    // A returning person starts a new candidacy: vouches from an earlier one do not carry over.
    public MembershipState Apply(CandidateAdmitted e) =>
        new() { Handle = e.Handle, Status = MemberStatus.Candidate, InvitedBy = e.InvitedBy };

    public MembershipState Apply(VouchGiven e) => this with { Vouchers = Vouchers.Add(e.Voucher) };

    public MembershipState Apply(MemberAdmitted e) => this with { Handle = e.Handle, Status = MemberStatus.Member };

    public MembershipState Apply(MemberLeft e) => this with { Status = MemberStatus.Left };

    public MembershipState Apply(ESoviet.Web.Voting.MemberExpelled e) => this with { Status = MemberStatus.Expelled };

    public static string StreamId(Guid organizationId, string handle) => $"membership-{organizationId}-{Handles.Key(handle)}";
}

/// <summary>Where an invitation stands; expiry follows from the time, the others from events.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InvitationStatus>))]
public enum InvitationStatus
{
    [JsonStringEnumMemberName("open")] Open,
    [JsonStringEnumMemberName("expired")] Expired,
    [JsonStringEnumMemberName("accepted")] Accepted,
    [JsonStringEnumMemberName("revoked")] Revoked,
}

/// <summary>An invitation, folded from stream <c>invitation-{id}</c>.</summary>
public sealed record InvitationState
{
    public static readonly InvitationState None = new();

    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    public Guid Id { get; init; }

    public Guid OrganizationId { get; init; }

    public string IssuedBy { get; init; } = "";

    public DateTimeOffset ExpiresAt { get; init; }

    public bool Accepted { get; init; }

    public bool Revoked { get; init; }

    /// <summary>Expiry is a matter of time, not an event: an open invitation past its date is expired.</summary>
    public InvitationStatus StatusAt(DateTimeOffset now) =>
        Accepted ? InvitationStatus.Accepted
        : Revoked ? InvitationStatus.Revoked
        : now >= ExpiresAt ? InvitationStatus.Expired
        : InvitationStatus.Open;

    public InvitationState Apply(InvitationIssued e) =>
        new() { Id = e.InvitationId, OrganizationId = e.OrganizationId, IssuedBy = e.IssuedBy, ExpiresAt = e.ExpiresAt };

    public InvitationState Apply(InvitationRevoked e) => this with { Revoked = true };

    public InvitationState Apply(InvitationAccepted e) => this with { Accepted = true };

    public static string StreamId(Guid invitationId) => $"invitation-{invitationId}";
}

public static class OrganizationStreams
{
    public static string StreamId(Guid organizationId) => $"org-{organizationId}";
}
