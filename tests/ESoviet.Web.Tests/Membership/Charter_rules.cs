using ESoviet.Web.Membership;

namespace ESoviet.Web.Tests.Membership;

public sealed class Charter_rules
{
    [Fact]
    public void Default_charter_has_the_documented_rules_and_is_valid()
    {
        var charter = Charter.Default;

        charter.Quorum.Should().Be(new Share(1, 2));
        charter.Supermajority.Should().Be(new Share(2, 3));
        charter.MinimumDiscussionHours.Should().Be(48);
        charter.VotingPeriodHours.Should().Be(72);
        charter.VouchesRequired.Should().Be(2);
        charter.VouchesRequiredWhileSmall.Should().Be(1);
        charter.SmallOrganizationSize.Should().Be(5);
        charter.CommitmentDays.Should().Be(7);
        charter.HabitualBreachCount.Should().Be(3);
        charter.BreachWindowDays.Should().Be(365);
        charter.MaxConcurrentImplementations.Should().Be(3);
        charter.RollCallReveal.Should().Be(RollCallReveal.Live);
        charter.Validate().Should().BeEmpty();
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 1)]
    [InlineData(5, 2)]
    [InlineData(40, 2)]
    public void Vouches_needed_depend_on_the_member_count(int members, int needed) =>
        Charter.Default.VouchesNeeded(members).Should().Be(needed);

    [Fact]
    public void Vouches_needed_never_exceed_the_members_there_are()
    {
        var strict = Charter.Default with { VouchesRequired = 4, SmallOrganizationSize = 0 };

        strict.VouchesNeeded(2).Should().Be(2);
        strict.VouchesNeeded(10).Should().Be(4);
    }

    [Theory]
    [InlineData(5, 10, true)]
    [InlineData(4, 10, false)]
    [InlineData(3, 5, true)]
    [InlineData(0, 0, false)]
    public void Quorum_is_half_of_the_eligible_members_by_default(int voted, int eligible, bool quorate) =>
        Charter.Default.IsQuorate(voted, eligible).Should().Be(quorate);

    [Theory]
    [InlineData(2, 1, true)]
    [InlineData(1, 1, false)]
    [InlineData(0, 0, false)]
    public void A_majority_is_more_for_than_against(int votesFor, int against, bool adopted) =>
        Charter.HasMajority(votesFor, against).Should().Be(adopted);

    [Theory]
    [InlineData(2, 1, true)]
    [InlineData(6, 3, true)]
    [InlineData(5, 3, false)]
    [InlineData(0, 0, false)]
    public void A_supermajority_is_two_thirds_of_for_and_against_exactly(int votesFor, int against, bool adopted) =>
        Charter.Default.HasSupermajority(votesFor, against).Should().Be(adopted);

    [Fact]
    public void Out_of_range_rules_are_named_field_by_field()
    {
        var broken = Charter.Default with
        {
            Quorum = new Share(0, 2),
            Supermajority = new Share(1, 2),
            VotingPeriodHours = 0,
            MinimumDiscussionHours = Charter.MaxHours + 1,
            VouchesRequired = 2,
            VouchesRequiredWhileSmall = 3,
            CommitmentDays = 0,
            HabitualBreachCount = 0,
            MaxConcurrentImplementations = 0,
            RollCallReveal = (RollCallReveal)7,
        };

        broken.Validate().Keys.Should().BeEquivalentTo(
            "quorum", "supermajority", "votingPeriodHours", "minimumDiscussionHours", "vouchesRequiredWhileSmall",
            "commitmentDays", "habitualBreachCount", "maxConcurrentImplementations", "rollCallReveal");
    }

    [Fact]
    public void Shares_are_described_in_words()
    {
        Share.Half.Describe().Should().Be("half");
        Share.TwoThirds.Describe().Should().Be("two thirds");
        new Share(3, 5).Describe().Should().Be("60 %");
        Share.TwoThirds.SmallestPartOf(9).Should().Be(6);
        Share.TwoThirds.SmallestPartOf(10).Should().Be(7);
    }
}
