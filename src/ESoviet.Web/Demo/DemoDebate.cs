using ESoviet.Web.Decisions;
using ESoviet.Web.Deliberation;
using ESoviet.Web.Membership;
using ESoviet.Web.Voting;

namespace ESoviet.Web.Demo;

/// <summary>
/// The demo's deliberation and decisions, spread over the last two weeks: a structured thread with nested replies
/// and an edit; a proposal that was discussed, voted on and adopted; one in voting now (a vote changed, two
/// members still to vote); one in discussion. The adopted one is carried out as decision D-1 (see <see cref="DemoDecisions"/>).
/// </summary>
internal static class DemoDebate
{
    public static async Task SeedAsync(
        DemoWorld world, DemoClock clock, DeliberationCommands threads, VotingCommands voting, ProposalCloser closer, DecisionCommands decisions,
        CancellationToken ct)
    {
        var now = TimeProvider.System.GetUtcNow();

        // Day -12: the canteen.
        clock.MoveTo(now.AddDays(-12));
        var canteen = Expect(await threads.StartThreadAsync(world.As("boris"), new StartThreadInput(
            "Hot meals for the night shift", ["canteen", "welfare"], true,
            """
            Since the café on Dock Road closed, the night shift has **nowhere to get a hot meal** between 22:00 and 06:00.
            Several of us now skip the meal break altogether.

            I would like us to discuss running a canteen ourselves in the union hall.
            """,
            new ContributionStructure(
                "People on nights are going without food for eight hours.",
                "All members; especially the night-shift crews of berths 4–7.",
                "Survey of 31 night-shift workers in the break room, 2–9 of this month.",
                "22 of 31 would use a canteen at least three nights a week; the hall's kitchen is unused at night."),
            []), ct));
        clock.Advance(TimeSpan.FromHours(3));
        var chen = Expect(await threads.ReplyAsync(world.As("chen"), canteen.ThreadId, canteen.OpeningId, new ContributionInput(
            "I cooked for the strike kitchen in 2019. Two volunteers a night can feed forty people if the menu is simple: soup, bread, one hot dish.",
            null, []), ct));
        clock.Advance(TimeSpan.FromHours(2));
        var dara = Expect(await threads.ReplyAsync(world.As("dara"), canteen.ThreadId, chen.ContributionId, new ContributionInput(
            "Who pays for the food? If we charge, it must stay below what the vending machines cost, or nobody comes.",
            null, []), ct));
        clock.Advance(TimeSpan.FromHours(1));
        Expect(await threads.ReplyAsync(world.As("chen"), canteen.ThreadId, dara.ContributionId, new ContributionInput(
            "At cost price it comes to about 2.50 a meal. The strike fund could cover the first month while we see who comes.",
            null, []), ct));
        clock.Advance(TimeSpan.FromHours(5));
        Expect(await threads.ReplyAsync(world.As("emeka"), canteen.ThreadId, canteen.OpeningId, new ContributionInput(
            "@boris will you write this up as a proposal? I'll take a Tuesday shift in the kitchen.",
            null, []), ct));
        clock.Advance(TimeSpan.FromHours(1));
        Expect(await threads.EditAsync(world.As("chen"), chen.ContributionId, new ContributionInput(
            "I cooked for the strike kitchen in 2019. Two volunteers a night can feed forty people if the menu is simple: soup, bread, one hot dish. " +
            "We would need a food-hygiene certificate for one of the two; the council course takes a day.",
            null, []), null, ct));

        // Day -11: the canteen proposal, discussed for two days, voted and adopted by every member.
        clock.MoveTo(now.AddDays(-11));
        var adopted = Expect(await voting.DraftAsync(world.As("boris"), new DraftInput(canteen.ThreadId, ProposalKind.Policy, new ProposalText(
            "Run a night-shift canteen in the union hall",
            "The night shift has had nowhere to eat since the Dock Road café closed; members skip meals for eight hours.",
            "Open the hall kitchen five nights a week, 23:00–02:00, staffed by two member volunteers a night, meals at cost price.",
            "The kitchen exists and is unused at night; 22 of 31 night workers say they would come; chen has run a strike kitchen.",
            "Ask the employer for vouchers (refused in 2023); a vending machine with hot food (no cooked meals, dearer).",
            "Week 1: hygiene course for two volunteers. Week 2: rota of ten volunteers. Week 3: open, with the strike fund covering the first month."),
            null, null), ct));
        Expect(await voting.SubmitAsync(world.As("boris"), adopted.ProposalId, ct));
        clock.Advance(TimeSpan.FromDays(2));
        Expect(await voting.OpenVotingAsync(world.As("boris"), adopted.ProposalId, ct));
        foreach (var (voter, choice, reason) in new (string, VoteChoice, string?)[]
                 {
                     ("boris", VoteChoice.For, null),
                     ("chen", VoteChoice.For, "I will cook on Mondays."),
                     ("anna", VoteChoice.For, null),
                     ("dara", VoteChoice.Against, "The strike fund is for strikes."),
                     ("emeka", VoteChoice.For, null),
                 })
        {
            clock.Advance(TimeSpan.FromHours(4));
            Expect(await voting.CastAsync(world.As(voter), adopted.ProposalId, choice, reason, null, ct));
        }
        await closer.CloseDueAsync(ct);
        // Adopted, the canteen is decision D-1: the membership commits to it and boris carries it out.
        await DemoDecisions.SeedCanteenAsync(world, clock, decisions, ct);

        // Day -6: the boiler, in voting now.
        clock.MoveTo(now.AddDays(-6));
        var hall = Expect(await threads.StartThreadAsync(world.As("chen"), new StartThreadInput(
            "The hall's boiler failed again", ["hall", "money"], false,
            "Third breakdown this winter. The repairer says the boiler is beyond saving; a second-hand one fitted costs about 1,800.",
            null, []), ct));
        clock.Advance(TimeSpan.FromHours(6));
        Expect(await threads.ReplyAsync(world.As("anna"), hall.ThreadId, hall.OpeningId, new ContributionInput(
            "We can afford it from the hall fund (2,600 in it now), but then nothing is left for the roof.", null, []), ct));
        clock.MoveTo(now.AddDays(-5));
        var boiler = Expect(await voting.DraftAsync(world.As("chen"), new DraftInput(hall.ThreadId, ProposalKind.Policy, new ProposalText(
            "Replace the hall's boiler with a second-hand one",
            "The boiler failed three times this winter; the hall is unusable in the cold, and the canteen needs hot water.",
            "Buy and fit the second-hand boiler offered by the repairer, for at most 1,800 from the hall fund.",
            "The hall fund holds 2,600. The repairer gives a one-year warranty. A new boiler would cost 4,500, which we do not have.",
            "Keep repairing (about 300 each time, and it will fail again); rent another hall (no kitchen).",
            "Order this week, fitting within ten days; I will be there to let the fitter in and report the final cost."),
            null, null), ct));
        Expect(await voting.SubmitAsync(world.As("chen"), boiler.ProposalId, ct));
        clock.MoveTo(now.AddDays(-1).AddHours(-2));
        Expect(await voting.OpenVotingAsync(world.As("chen"), boiler.ProposalId, ct));
        clock.Advance(TimeSpan.FromHours(1));
        Expect(await voting.CastAsync(world.As("chen"), boiler.ProposalId, VoteChoice.For, null, null, ct));
        clock.Advance(TimeSpan.FromHours(2));
        Expect(await voting.CastAsync(world.As("boris"), boiler.ProposalId, VoteChoice.Against, "What about the roof?", null, ct));
        clock.Advance(TimeSpan.FromHours(5));
        Expect(await voting.CastAsync(world.As("anna"), boiler.ProposalId, VoteChoice.Abstain, null, null, ct));
        clock.Advance(TimeSpan.FromHours(4));
        Expect(await voting.CastAsync(world.As("boris"), boiler.ProposalId, VoteChoice.For, "The roof can wait a year; the canteen cannot.", null, ct));

        // Yesterday: a proposal in discussion.
        clock.MoveTo(now.AddHours(-30));
        var fund = Expect(await threads.StartThreadAsync(world.As("emeka"), new StartThreadInput(
            "A solidarity fund for members out of work", ["money", "solidarity"], false,
            "Two members were laid off last month. I propose we set up a small fund; details in the proposal.", null, []), ct));
        clock.Advance(TimeSpan.FromHours(1));
        var solidarity = Expect(await voting.DraftAsync(world.As("emeka"), new DraftInput(fund.ThreadId, ProposalKind.Policy, new ProposalText(
            "Start a solidarity fund of 5 a month per member",
            "Members who lose their job lose their income at once; two were laid off last month and borrowed to pay rent.",
            "Every member pays 5 a month into a fund; a member out of work may draw up to 200 a month for three months.",
            "With 5 members that is 300 a year: enough for one short layoff. It grows as we grow.",
            "Ad hoc collections each time (unreliable, and embarrassing for the person in need).",
            "I will open the fund's account, keep its book on the ledger page, and report every quarter."),
            null, null), ct));
        Expect(await voting.SubmitAsync(world.As("emeka"), solidarity.ProposalId, ct));
    }

    private static T Expect<T>(Outcome<T> outcome) where T : class => DemoSeed.Expect(outcome);
}
