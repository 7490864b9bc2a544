using System.Diagnostics;
using System.Net.Http.Headers;
using ESoviet.EventStore;
using ESoviet.EventStore.Projections;
using ESoviet.Web.Deliberation;
using ESoviet.Web.Infrastructure;
using ESoviet.Web.Ledger;

namespace ESoviet.Bench;

/// <summary>
/// One organization with 1,000,000 events (BENCH_REPLAY_EVENTS overrides it; threads of 1,000 contributions, appended 1,000 to a transaction
/// without inline projections: the figure is about the async side). Once the app's sealer has caught up, rebuilds
/// the async projections (today only the ledger sealer) from sequence zero with <see cref="ProjectionDaemon.RebuildAsync"/>
/// in this process, then exports the organization's ledger over HTTP and verifies it with ESoviet.Verify.
/// </summary>
public static class ReplayScenario
{
    public static async Task<object> RunAsync(BenchOptions options)
    {
        // BENCH_REPLAY_EVENTS (a number of events, rounded down to thousands) overrides the size.
        var threads = int.TryParse(Environment.GetEnvironmentVariable("BENCH_REPLAY_EVENTS"), out var size) ? Math.Max(1, size / 1000)
            : options.Smoke ? 20 : 1000;
        const int perThread = 1000;
        await using var seeding = Seeding.Open(options.Database);
        var (org, slug, founder) = await seeding.FoundAsync("replay");

        // A store that only appends: the contributions' read models are not the subject here.
        var raw = new EventStoreOptions();
        raw.Events.AddRange(EventStoreSetup.DomainEventTypes());
        await using var store = new EventStore.EventStore(seeding.DataSource, raw);
        var seed = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, threads), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (t, ct) =>
        {
            var thread = Guid.NewGuid();
            var opening = Guid.NewGuid();
            var events = new List<object>(perThread) { new ThreadStarted(thread, $"Thread {t}", ["bench"], false, founder, opening) };
            for (var i = 1; i < perThread; i++)
                events.Add(new ContributionPosted(Guid.NewGuid(), thread, opening, founder,
                    $"Contribution {i} in thread {t}: we should **consider** the [budget](https://example.org/{i}) carefully.", null, []));
            await using var session = store.OpenSession(new EventMetadata(org.ToString(), founder));
            session.StartStream(DeliberationStreams.Thread(thread), "thread", [.. events]);
            await session.SaveChangesAsync(ct);
        });
        var seedSeconds = seed.Elapsed.TotalSeconds;
        var total = await Electorate.ScalarAsync<long>(seeding.DataSource, "SELECT count(*) FROM es.events");
        Console.WriteLine($"appended {threads * perThread:N0} events in {seedSeconds:F1} s; {total:N0} in the store");

        using var member = new HttpClient { BaseAddress = options.App, Timeout = TimeSpan.FromMinutes(5) };
        member.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Electorate.TokenForAsync(seeding, founder));
        // Let the running app's sealer catch up first (LedgerCheck waits for it), so the rebuild starts from a quiet store.
        var catchUp = Stopwatch.StartNew();
        await WaitSealedAsync(seeding, org);
        var catchUpSeconds = catchUp.Elapsed.TotalSeconds;

        var daemon = new ProjectionDaemon(seeding.Store, [new LedgerSealer()]);
        var rebuild = Stopwatch.StartNew();
        var mark = await daemon.RebuildAsync(LedgerSealer.ProjectionName);
        var rebuildSeconds = rebuild.Elapsed.TotalSeconds;
        var replayed = await Electorate.ScalarAsync<long>(seeding.DataSource, "SELECT count(*) FROM es.events WHERE seq <= $1", mark);

        var ledger = await LedgerCheck.ExportAndVerifyAsync(seeding, member, org, slug);
        return new
        {
            scenario = "replay",
            appended = threads * perThread,
            seedSeconds = Math.Round(seedSeconds, 1),
            appendPerSecond = Math.Round(threads * perThread / seedSeconds),
            sealerCatchUpSeconds = Math.Round(catchUpSeconds, 1),
            replayedEvents = replayed,
            rebuildSeconds = Math.Round(rebuildSeconds, 2),
            rebuildPerSecond = Math.Round(replayed / rebuildSeconds),
            ledger,
        };
    }

    private static async Task WaitSealedAsync(Seeding seeding, Guid org)
    {
        var events = await Electorate.ScalarAsync<long>(seeding.DataSource, "SELECT count(*) FROM es.events WHERE tenant_id = $1", org.ToString());
        var wait = Stopwatch.StartNew();
        while (await Electorate.ScalarAsync<long>(seeding.DataSource, "SELECT coalesce((SELECT position FROM ledger_heads WHERE org_id = $1), 0)", org) < events)
        {
            if (wait.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException("the app's sealer did not catch up in 5 minutes");
            await Task.Delay(200);
        }
    }
}
