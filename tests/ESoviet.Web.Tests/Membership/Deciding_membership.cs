using ESoviet.EventStore;
using ESoviet.Web.Infrastructure;
using ESoviet.Web.Membership;

namespace ESoviet.Web.Tests.Membership;

/// <summary>The pure rules of founding, inviting, joining, vouching and leaving: no database, no clock.</summary>
public sealed class Deciding_membership
{
    private static readonly Guid Org = Guid.NewGuid();
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Participant Anna = new("anna", MemberStatus.Member);
    private static readonly Participant Fay = new("fay", MemberStatus.Candidate);

    private static readonly FoundingFacts EmptyInstance = new(AnyOrganizationExists: false, FoundingAfterFirstAllowed: false, SlugTaken: false);

    // --- founding ---------------------------------------------------------------------------------------

    [Fact]
    public void Founding_an_empty_instance_records_the_organization_with_the_default_charter_and_the_founder_as_member()
    {
        var decision = MembershipDecisions.Found(Org, "  Harbour Workers' Collective ", "Harbour", "anna", EmptyInstance);

        decision.IsRejected.Should().BeFalse();
        decision.Events.ShouldBe(
            new OrganizationFounded(Org, "Harbour Workers' Collective", "harbour", "anna", Charter.Default),
            new MemberAdmitted(Org, "anna", [], Founder: true));
    }

    [Fact]
    public void Founding_a_second_organization_is_refused_unless_the_instance_allows_it()
    {
        var closed = MembershipDecisions.Found(Org, "Second", "second", "anna", EmptyInstance with { AnyOrganizationExists = true });
        var open = MembershipDecisions.Found(Org, "Second", "second", "anna", new FoundingFacts(true, true, false));

        closed.Rejection!.Status.Should().Be(403);
        open.IsRejected.Should().BeFalse();
    }

    [Theory]
    [InlineData("", "harbour", "name")]
    [InlineData("H", "harbour", "name")]
    [InlineData("Harbour", "", "slug")]
    [InlineData("Harbour", "h", "slug")]
    [InlineData("Harbour", "-harbour", "slug")]
    [InlineData("Harbour", "harbour-", "slug")]
    [InlineData("Harbour", "har bour", "slug")]
    [InlineData("Harbour", "häfen", "slug")]
    public void Founding_with_a_bad_name_or_address_names_the_field(string name, string slug, string field)
    {
        var decision = MembershipDecisions.Found(Org, name, slug, "anna", EmptyInstance);

        decision.Rejection!.Status.Should().Be(400);
        decision.Rejection.Errors!.Keys.Should().Equal(field);
    }

    [Fact]
    public void Founding_at_a_taken_address_is_a_field_error()
    {
        var decision = MembershipDecisions.Found(Org, "Harbour", "harbour", "anna", EmptyInstance with { SlugTaken = true });

        decision.Rejection!.Errors!["slug"].Should().ContainSingle().Which.Should().Contain("taken");
    }

    // --- invitations -------------------------------------------------------------------------------------

    [Fact]
    public void A_member_invites_for_seven_days()
    {
        var id = Guid.NewGuid();

        var decision = MembershipDecisions.IssueInvitation(Org, Anna, id, Now);

        decision.Events.ShouldBe(new InvitationIssued(id, Org, "anna", Now.AddDays(7)));
    }

    [Fact]
    public void A_candidate_cannot_invite() =>
        MembershipDecisions.IssueInvitation(Org, Fay, Guid.NewGuid(), Now).Rejection!.Status.Should().Be(403);

    [Fact]
    public void Any_member_may_revoke_an_open_invitation_not_only_its_issuer()
    {
        var invitation = Issued(by: "boris");

        var decision = MembershipDecisions.RevokeInvitation(invitation, Org, Anna, Now.AddDays(1));

        decision.Events.ShouldBe(new InvitationRevoked(invitation.Id, Org, "anna"));
    }

    [Fact]
    public void Revoking_is_refused_for_candidates_other_organizations_and_closed_invitations()
    {
        var invitation = Issued(by: "anna");

        MembershipDecisions.RevokeInvitation(invitation, Org, Fay, Now).Rejection!.Status.Should().Be(403);
        MembershipDecisions.RevokeInvitation(invitation, Guid.NewGuid(), Anna, Now).Rejection!.Status.Should().Be(404);
        MembershipDecisions.RevokeInvitation(InvitationState.None, Org, Anna, Now).Rejection!.Status.Should().Be(404);
        MembershipDecisions.RevokeInvitation(invitation with { Accepted = true }, Org, Anna, Now).Rejection!.Status.Should().Be(409);
        MembershipDecisions.RevokeInvitation(invitation with { Revoked = true }, Org, Anna, Now).Rejection!.Status.Should().Be(409);
        MembershipDecisions.RevokeInvitation(invitation, Org, Anna, Now.AddDays(8)).Rejection!.Status.Should().Be(409);
    }

    [Fact]
    public void Accepting_an_open_invitation_makes_a_candidate()
    {
        var invitation = Issued(by: "boris");

        var decision = MembershipDecisions.AcceptInvitation(invitation, MembershipState.None, "fay", Now.AddDays(6));

        decision.Events.ShouldBe(
            new InvitationAccepted(invitation.Id, Org, "fay"),
            new CandidateAdmitted(Org, "fay", invitation.Id, "boris"));
    }

    [Fact]
    public void An_invitation_expires_seven_days_after_it_was_issued()
    {
        var invitation = Issued(by: "anna");

        invitation.StatusAt(Now.AddDays(7).AddTicks(-1)).Should().Be(InvitationStatus.Open);
        invitation.StatusAt(Now.AddDays(7)).Should().Be(InvitationStatus.Expired);
        MembershipDecisions.AcceptInvitation(invitation, MembershipState.None, "fay", Now.AddDays(8)).Rejection!
            .Should().Match<Rejection>(r => r.Status == 410 && r.Title.Contains("expired"));
    }

    [Fact]
    public void A_used_or_revoked_invitation_is_gone()
    {
        var invitation = Issued(by: "anna");

        MembershipDecisions.AcceptInvitation(invitation with { Accepted = true }, MembershipState.None, "fay", Now).Rejection!
            .Should().Match<Rejection>(r => r.Status == 410 && r.Title.Contains("already been used"));
        MembershipDecisions.AcceptInvitation(invitation with { Revoked = true }, MembershipState.None, "fay", Now).Rejection!
            .Should().Match<Rejection>(r => r.Status == 410 && r.Title.Contains("withdrawn"));
    }

    [Fact]
    public void Someone_already_inside_cannot_use_up_another_invitation()
    {
        var candidate = Fold(new CandidateAdmitted(Org, "fay", Guid.NewGuid(), "anna"));

        MembershipDecisions.AcceptInvitation(Issued(by: "anna"), candidate, "fay", Now).Rejection!.Status.Should().Be(409);
    }

    [Fact]
    public void Someone_who_left_may_return_as_a_candidate_without_their_old_vouches()
    {
        var left = Fold(
            new CandidateAdmitted(Org, "fay", Guid.NewGuid(), "anna"),
            new VouchGiven(Org, "fay", "anna", 3, 1),
            new MemberAdmitted(Org, "fay", ["anna"], false),
            new MemberLeft(Org, "fay", false));
        var invitation = Issued(by: "boris");

        var decision = MembershipDecisions.AcceptInvitation(invitation, left, "fay", Now);
        var returned = Aggregator<MembershipState>.Fold(left, decision.Events);

        returned.Status.Should().Be(MemberStatus.Candidate);
        returned.Vouchers.Should().BeEmpty();
        returned.InvitedBy.Should().Be("boris");
    }

    // --- vouching ----------------------------------------------------------------------------------------

    [Fact]
    public void With_four_members_one_vouch_admits_the_candidate()
    {
        var fay = Fold(new CandidateAdmitted(Org, "fay", Guid.NewGuid(), "anna"));

        var decision = MembershipDecisions.Vouch(Org, Anna, fay, "fay", Charter.Default, memberCount: 4);

        decision.Events.ShouldBe(
            new VouchGiven(Org, "fay", "anna", 4, 1),
            new MemberAdmitted(Org, "fay", ["anna"], false));
    }

    [Fact]
    public void With_five_members_one_vouch_is_not_enough()
    {
        var fay = Fold(new CandidateAdmitted(Org, "fay", Guid.NewGuid(), "anna"));

        var decision = MembershipDecisions.Vouch(Org, Anna, fay, "fay", Charter.Default, memberCount: 5);

        decision.Events.ShouldBe(new VouchGiven(Org, "fay", "anna", 5, 2));
    }

    [Fact]
    public void With_five_members_the_second_distinct_vouch_admits_the_candidate()
    {
        var fay = Fold(
            new CandidateAdmitted(Org, "fay", Guid.NewGuid(), "anna"),
            new VouchGiven(Org, "fay", "anna", 5, 2));

        var decision = MembershipDecisions.Vouch(Org, new Participant("boris", MemberStatus.Member), fay, "fay", Charter.Default, memberCount: 5);

        decision.Events.ShouldBe(
            new VouchGiven(Org, "fay", "boris", 5, 2),
            new MemberAdmitted(Org, "fay", ["anna", "boris"], false));
    }

    [Fact]
    public void The_threshold_is_the_one_in_force_at_each_vouch()
    {
        // The first vouch came while the organization was big; it has since shrunk below five.
        var fay = Fold(
            new CandidateAdmitted(Org, "fay", Guid.NewGuid(), "anna"),
            new VouchGiven(Org, "fay", "anna", 6, 2));

        var decision = MembershipDecisions.Vouch(Org, new Participant("boris", MemberStatus.Member), fay, "fay", Charter.Default, memberCount: 4);

        decision.Events.Should().HaveCount(2).And.ContainItemsAssignableTo<MemberAdmitted>();
    }

    [Fact]
    public void Vouching_twice_for_the_same_candidate_is_a_conflict_whatever_the_case_of_the_handle()
    {
        var fay = Fold(
            new CandidateAdmitted(Org, "fay", Guid.NewGuid(), "anna"),
            new VouchGiven(Org, "fay", "anna", 5, 2));

        var decision = MembershipDecisions.Vouch(Org, new Participant("ANNA", MemberStatus.Member), fay, "fay", Charter.Default, 5);

        decision.Rejection!.Should().Match<Rejection>(r => r.Status == 409 && r.Title.Contains("already vouched"));
    }

    [Fact]
    public void Vouching_for_yourself_is_refused()
    {
        var decision = MembershipDecisions.Vouch(Org, Anna, Fold(new MemberAdmitted(Org, "anna", [], true)), "Anna", Charter.Default, 3);

        decision.Rejection!.Status.Should().Be(400);
        decision.Rejection.Errors!.Keys.Should().Equal("handle");
    }

    [Fact]
    public void A_candidate_cannot_vouch_even_for_another_candidate()
    {
        var gus = Fold(new CandidateAdmitted(Org, "gus", Guid.NewGuid(), "anna"));

        MembershipDecisions.Vouch(Org, Fay, gus, "gus", Charter.Default, 3).Rejection!.Status.Should().Be(403);
    }

    [Fact]
    public void Vouching_for_a_member_or_a_stranger_is_refused()
    {
        var boris = Fold(new MemberAdmitted(Org, "boris", [], false));
        var left = Fold(new CandidateAdmitted(Org, "gus", Guid.NewGuid(), "anna"), new MemberLeft(Org, "gus", true));

        MembershipDecisions.Vouch(Org, Anna, boris, "boris", Charter.Default, 3).Rejection!.Status.Should().Be(409);
        MembershipDecisions.Vouch(Org, Anna, MembershipState.None, "nobody", Charter.Default, 3).Rejection!.Status.Should().Be(404);
        MembershipDecisions.Vouch(Org, Anna, left, "gus", Charter.Default, 3).Rejection!.Status.Should().Be(404);
    }

    // --- leaving -----------------------------------------------------------------------------------------

    [Fact]
    public void Members_and_candidates_may_leave_once()
    {
        var member = Fold(new MemberAdmitted(Org, "anna", [], true));
        var candidate = Fold(new CandidateAdmitted(Org, "fay", Guid.NewGuid(), "anna"));

        MembershipDecisions.Leave(Org, member).Events.ShouldBe(new MemberLeft(Org, "anna", WasCandidate: false));
        MembershipDecisions.Leave(Org, candidate).Events.ShouldBe(new MemberLeft(Org, "fay", WasCandidate: true));
        MembershipDecisions.Leave(Org, Fold(new MemberAdmitted(Org, "anna", [], true), new MemberLeft(Org, "anna", false)))
            .Rejection!.Status.Should().Be(409);
    }

    private static InvitationState Issued(string by) =>
        Aggregator<InvitationState>.Fold(InvitationState.None, [new InvitationIssued(Guid.NewGuid(), Org, by, Now.AddDays(7))]);

    private static MembershipState Fold(params IDomainEvent[] events) => Aggregator<MembershipState>.Fold(MembershipState.None, events);
}

internal static class EventAssertions
{
    /// <summary>Same events, in order, compared member by member (records holding lists compare lists by reference).</summary>
    public static void ShouldBe(this IReadOnlyList<IDomainEvent> actual, params IDomainEvent[] expected) =>
        actual.Should().BeEquivalentTo(expected, options => options.WithStrictOrdering().RespectingRuntimeTypes());
}
