using System.Text;
using ESoviet.EventStore;
using ESoviet.Web.Deliberation;

namespace ESoviet.Bench;

/// <summary>
/// A thread with 1,000 contributions (a realistic mix of nesting, Markdown, structured headers) rendered by the
/// server: sequential GETs of the thread page by a signed-in member, p50 and p99 of the full response time on
/// loopback (which is the server's time plus a negligible transfer).
/// </summary>
public static class ThreadPageScenario
{
    public static async Task<object> RunAsync(BenchOptions options)
    {
        var contributions = options.Smoke ? 100 : 1000;
        var requests = options.Smoke ? 30 : 300;
        await using var seeding = Seeding.Open(options.Database);
        var (org, slug, founder) = await seeding.FoundAsync("thread");
        var thread = Guid.NewGuid();
        var ids = new List<Guid> { Guid.NewGuid() };
        var random = new Random(42);
        await using (var session = seeding.Store.OpenSession(new EventMetadata(org.ToString(), founder)))
        {
            session.StartStream(DeliberationStreams.Thread(thread), "thread", new ThreadStarted(thread, "A long debate", ["bench"], false, founder, ids[0]));
            session.StartStream(DeliberationStreams.Contribution(ids[0]), "contribution",
                new ContributionPosted(ids[0], thread, null, founder, Body(0), new ContributionStructure("why", "members", "source", "analysis"), []));
            await session.SaveChangesAsync();
        }
        for (var i = 1; i < contributions; i++)
        {
            var id = Guid.NewGuid();
            // Most replies answer a recent contribution, some the opening: threads grow deep and wide.
            var parent = random.Next(4) == 0 ? ids[0] : ids[Math.Max(0, ids.Count - 1 - random.Next(5))];
            await using var session = seeding.Store.OpenSession(new EventMetadata(org.ToString(), founder));
            session.StartStream(DeliberationStreams.Contribution(id), "contribution",
                new ContributionPosted(id, thread, parent, founder, Body(i), i % 7 == 0 ? new ContributionStructure("why", "members", null, null) : null, []));
            await session.SaveChangesAsync();
            ids.Add(id);
        }

        using var client = await Http.SignInAsync(options.App, founder, Seeding.Password);
        var path = $"/o/{slug}/threads/{thread}";
        long bytes = 0;
        for (var i = 0; i < 10; i++) bytes = (await client.GetByteArrayAsync(path)).Length;
        var times = new List<double>();
        for (var i = 0; i < requests; i++)
        {
            times.Add(await Stats.TimeAsync(async () =>
            {
                using var response = await client.GetAsync(path);
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
            }));
        }
        times.Sort();
        return new
        {
            scenario = "thread-page",
            contributions,
            requests,
            pageBytes = bytes,
            p50Ms = Math.Round(Stats.Percentile(times, 50), 2),
            p99Ms = Math.Round(Stats.Percentile(times, 99), 2),
            maxMs = Math.Round(times[^1], 2),
        };
    }

    private static string Body(int i)
    {
        var text = new StringBuilder();
        text.Append($"Point {i}: we should **consider** the [budget](https://example.org/{i}) carefully.\n\n");
        text.Append("- first, the rent\n- second, the wages\n- third, the hall\n\n");
        text.Append("> As the last meeting said, nothing changes unless we act together.\n\n");
        text.Append(string.Join(' ', Enumerable.Repeat("Solidarity means showing up for each other.", 4)));
        return text.ToString();
    }
}
