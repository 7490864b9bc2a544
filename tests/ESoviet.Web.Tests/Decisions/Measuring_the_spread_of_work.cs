using ESoviet.Web.Decisions;

namespace ESoviet.Web.Tests.Decisions;

public sealed class Measuring_the_spread_of_work
{
    [Fact]
    public void All_members_doing_the_same_gives_a_gini_of_zero()
    {
        WorkSpread.Gini([3, 3, 3, 3, 3]).Should().Be(0);
        WorkSpread.Gini([0, 0, 0]).Should().Be(0, "nobody doing anything is no inequality");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(10)]
    public void One_member_doing_everything_gives_the_maximum_for_that_many_members(int members)
    {
        var counts = Enumerable.Repeat(0, members - 1).Append(7).ToList();

        WorkSpread.Gini(counts).Should().BeApproximately((members - 1.0) / members, 1e-12);
        WorkSpread.TopTenthShare(counts).Should().Be(1);
    }

    [Fact]
    public void A_mixed_distribution_matches_the_figure_worked_out_by_hand()
    {
        // Counts 0, 1, 2, 3, 4: the sum of |xi − xj| over all ordered pairs is 40, n = 5, mean 2:
        // G = 40 / (2 · 25 · 2) = 0.4.
        WorkSpread.Gini([4, 0, 2, 1, 3]).Should().BeApproximately(0.4, 1e-12);
        // Five members: the top tenth is one member (rounded up), who did 4 of 10.
        WorkSpread.TopTenthShare([4, 0, 2, 1, 3]).Should().BeApproximately(0.4, 1e-12);
    }

    [Fact]
    public void The_most_active_tenth_is_rounded_up()
    {
        WorkSpread.TopTenthSize(0).Should().Be(0);
        WorkSpread.TopTenthSize(1).Should().Be(1);
        WorkSpread.TopTenthSize(10).Should().Be(1);
        WorkSpread.TopTenthSize(11).Should().Be(2);
        // Eleven members: the two most active did 5 + 3 of 10.
        WorkSpread.TopTenthShare([5, 3, 1, 1, 0, 0, 0, 0, 0, 0, 0]).Should().BeApproximately(0.8, 1e-12);
        WorkSpread.TopTenthShare([2, 2, 2, 2, 2, 2, 2, 2, 2, 2]).Should().BeApproximately(0.1, 1e-12, "equal work: a tenth of members did a tenth");
    }
}
