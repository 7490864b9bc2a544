using ESoviet.EventStore;
using ESoviet.Faults.Tests.Harness;
using Npgsql;

namespace ESoviet.Faults.Tests;

/// <summary>
/// After a crash, PostgreSQL may hand out sequence numbers again that it had handed out before: an append that rolled
/// back (or never committed) need not have flushed its advance of the sequence. A high-water mark that kept what it
/// judged safe before the crash would let readers pass the numbers handed out again while their appends still run,
/// and those events would never be read.
/// </summary>
public sealed class A_sequence_set_back_by_a_crash(PrivateCluster cluster) : IClassFixture<PrivateCluster>
{
    private sealed record Noted(string Text);

    [Fact]
    public async Task The_high_water_mark_forgets_what_it_judged_safe_before_the_database_restarted()
    {
        var connectionString = await cluster.CreateDatabaseAsync("sequence_back");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var options = new EventStoreOptions();
        options.Events.Add<Noted>();
        await using var store = new EventStore.EventStore(dataSource, options);
        await store.ApplySchemaAsync();
        await using (var session = store.OpenSession())
            await session.Append("before", new Noted("one"), new Noted("two")).SaveChangesAsync();
        // Appends that rolled back took 3..100: once they ended, the mark passes them as dead holes.
        await Sql(dataSource, "SELECT setval('es.event_seq', 100)");
        var mark = store.CreateHighWaterMark();
        (await mark.RefreshAsync(CancellationToken.None)).Should().Be(100);

        // The crash loses the sequence's advance (set back on purpose here, as an unflushed WAL record would leave it).
        cluster.Crash();
        await cluster.RestartAsync();
        await Eventually(() => Sql(dataSource, "SELECT setval('es.event_seq', 2)"));

        // An append takes its transaction id, then number 3 again, and has not committed yet.
        await using var appender = await dataSource.OpenConnectionAsync();
        await using var open = await appender.BeginTransactionAsync();
        await using (var cmd = new NpgsqlCommand("SELECT pg_current_xact_id()", appender, open)) await cmd.ExecuteScalarAsync();
        await using (var cmd = new NpgsqlCommand("SELECT nextval('es.event_seq')", appender, open))
            ((long)(await cmd.ExecuteScalarAsync())!).Should().Be(3, "the number is handed out again");

        (await Eventually(() => mark.RefreshAsync(CancellationToken.None))).Should().BeLessThan(3, "number 3 may still commit");
        await open.RollbackAsync();
        (await mark.RefreshAsync(CancellationToken.None)).Should().Be(3, "once its append ended, the hole is dead");
    }

    private static async Task<int> Sql(NpgsqlDataSource dataSource, string sql)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        return await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Right after a restart the first attempts may meet pooled connections the crash broke.</summary>
    private static async Task<T> Eventually<T>(Func<Task<T>> action)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await action();
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && attempt < 20)
            {
                await Task.Delay(250);
            }
        }
    }
}
