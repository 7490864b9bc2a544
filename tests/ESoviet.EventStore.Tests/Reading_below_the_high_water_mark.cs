namespace ESoviet.EventStore.Tests;

public sealed class Reading_below_the_high_water_mark(StoreFixture db) : IClassFixture<StoreFixture>
{
    [Fact]
    public async Task A_reader_that_follows_the_mark_during_parallel_appends_sees_every_event()
    {
        var mark = db.Store.CreateHighWaterMark();
        var start = await mark.WaitForCurrentAsync(default);
        var position = start;
        var seen = new List<long>();
        var writers = Task.WhenAll(Enumerable.Range(0, 10).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await using var session = db.Store.OpenSession();
                await session.Append($"hw-{w}-{Guid.NewGuid()}", new Counted(i)).SaveChangesAsync();
            }
        })));

        while (!writers.IsCompleted || position < await mark.WaitForCurrentAsync(default))
        {
            var safe = await mark.RefreshAsync(default);
            if (safe <= position) continue;
            seen.AddRange((await db.Store.ReadAllAsync(position, safe, 100_000)).Select(e => e.Sequence));
            position = safe;
        }
        await writers;

        var all = (await db.Store.ReadAllAsync(start, long.MaxValue, 100_000)).Select(e => e.Sequence).ToList();
        all.Should().HaveCount(1000);
        seen.Should().Equal(all, "every event below the mark was already visible when the mark passed it");
    }
}
