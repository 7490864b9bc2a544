using Npgsql;

namespace ESoviet.EventStore.Tests;

public sealed class Appending_in_parallel(StoreFixture db) : IClassFixture<StoreFixture>
{
    [Fact]
    public async Task Fifty_appenders_to_different_streams_lose_and_duplicate_no_sequence_number()
    {
        var prefix = "p-" + Guid.NewGuid().ToString("N")[..8] + "-";
        var before = await db.ScalarAsync<long>("SELECT count(*) FROM es.events");

        var writers = Enumerable.Range(0, 50).Select(w => Task.Run(async () =>
        {
            var stored = new List<StoredEvent>();
            for (var i = 0; i < 20; i++)
            {
                await using var session = db.Store.OpenSession();
                stored.AddRange(await session.Append(prefix + w, i, new Counted(i)).SaveChangesAsync());
            }
            return stored;
        }));
        var acknowledged = (await Task.WhenAll(writers)).SelectMany(x => x).ToList();

        acknowledged.Should().HaveCount(1000);
        acknowledged.Select(e => e.Sequence).Should().OnlyHaveUniqueItems();
        var rows = await db.Store.ReadAllAsync(0, long.MaxValue, 100_000);
        rows.Where(e => e.StreamId.StartsWith(prefix, StringComparison.Ordinal)).Select(e => e.Sequence)
            .Should().BeEquivalentTo(acknowledged.Select(e => e.Sequence));
        (await db.ScalarAsync<long>("SELECT count(*) FROM es.events")).Should().Be(before + 1000);
        foreach (var stream in acknowledged.GroupBy(e => e.StreamId))
        {
            var events = await db.Store.FetchStreamAsync(stream.Key);
            events.Select(e => e.Version).Should().Equal(Enumerable.Range(1, 20).Select(v => (long)v));
            events.Select(e => e.Sequence).Should().BeInAscendingOrder();
        }
    }

    [Fact]
    public async Task An_open_append_transaction_does_not_block_appends_to_other_streams()
    {
        await using var slow = await db.DataSource.OpenConnectionAsync();
        await using var slowTx = await slow.BeginTransactionAsync();
        await Holes.AppendInOpenTransactionAsync(slow, "slow-" + Guid.NewGuid());

        await using var session = db.Store.OpenSession();
        var commit = session.Append("fast-" + Guid.NewGuid(), new Counted(1)).SaveChangesAsync();
        var finished = await Task.WhenAny(commit, Task.Delay(TimeSpan.FromSeconds(5)));

        finished.Should().Be(commit, "appends to different streams must commit in parallel, not behind one lock");
        await slowTx.RollbackAsync();
    }
}

internal static class Holes
{
    /// <summary>Appends one event through the store's SQL function inside the caller's open transaction.</summary>
    public static async Task<long> AppendInOpenTransactionAsync(NpgsqlConnection connection, string stream, int amount = 1)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT event_seq FROM es.append_events($1, null, null, -1, ARRAY[$2::uuid], ARRAY['counted'], ARRAY[$3::jsonb], null, null, null, now())",
            connection);
        cmd.Parameters.AddWithValue(stream);
        cmd.Parameters.AddWithValue(Guid.NewGuid());
        cmd.Parameters.AddWithValue($$"""{"amount":{{amount}}}""");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
