using ESoviet.Web.Decisions;
using ESoviet.Web.Membership;

namespace ESoviet.Web.Demo;

/// <summary>
/// The adopted canteen proposal as decision D-1, carried out: four commitments (dara, who voted against, abides with a
/// recorded dissent and writes a minority report; emeka never answers, so when the window closes the keeper records
/// his silence as a breach), boris's three tasks in three states with volunteers, and a progress report.
/// </summary>
internal static class DemoDecisions
{
    public static async Task SeedCanteenAsync(DemoWorld world, DemoClock clock, DecisionCommands decisions, CancellationToken ct)
    {
        const int canteen = 1;
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);

        clock.Advance(TimeSpan.FromHours(2));
        Expect(await decisions.CommitAsync(world.As("anna"), canteen, true, null, null, ct));
        clock.Advance(TimeSpan.FromHours(1));
        Expect(await decisions.CommitAsync(world.As("chen"), canteen, true, null, null, ct));
        clock.Advance(TimeSpan.FromHours(1));
        Expect(await decisions.CommitAsync(world.As("boris"), canteen, true, null, null, ct));
        clock.Advance(TimeSpan.FromHours(2));
        Expect(await decisions.CommitAsync(world.As("dara"), canteen, true,
            "The strike fund is for strikes, and I still think so. I will take my kitchen shift all the same.", null, ct));
        Expect(await decisions.SignMinorityReportAsync(world.As("dara"), canteen,
            "The strike fund exists to keep members out on strike fed and housed. Spending it on a canteen, even for a month, " +
            "leaves us weaker in the next dispute. We ask that the first month be paid back into the fund from the meal price.", ct));

        clock.Advance(TimeSpan.FromHours(2));
        var course = Expect(await decisions.PlanTaskAsync(world.As("boris"), canteen, "Hygiene course for two volunteers", today.AddDays(-3), ct)).ItemId!.Value;
        var rota = Expect(await decisions.PlanTaskAsync(world.As("boris"), canteen, "Rota of ten volunteers", today.AddDays(3), ct)).ItemId!.Value;
        Expect(await decisions.PlanTaskAsync(world.As("boris"), canteen, "Open five nights a week, the strike fund covering the first month", today.AddDays(10), ct));
        clock.Advance(TimeSpan.FromHours(3));
        Expect(await decisions.VolunteerAsync(world.As("chen"), canteen, course, ct));
        Expect(await decisions.VolunteerAsync(world.As("emeka"), canteen, rota, ct));
        Expect(await decisions.ChangeTaskAsync(world.As("boris"), canteen, course, TaskState.InProgress, null, ct));
        Expect(await decisions.ChangeTaskAsync(world.As("boris"), canteen, rota, TaskState.InProgress, null, ct));

        clock.Advance(TimeSpan.FromHours(20));
        Expect(await decisions.ChangeTaskAsync(world.As("boris"), canteen, course, TaskState.Done, null, ct));
        clock.Advance(TimeSpan.FromHours(6));
        Expect(await decisions.ReportAsync(world.As("boris"), canteen, 40,
            "chen and I passed the council's hygiene course. Seven of the ten rota places are filled.",
            "The hall committee has not yet confirmed that we may use the kitchen at night.", ct));
    }

    private static T Expect<T>(Outcome<T> outcome) where T : class => DemoSeed.Expect(outcome);
}
