using ESoviet.EventStore.Projections;

namespace ESoviet.EventStore.Tests;

public sealed class Projecting_asynchronously(StoreFixture db) : IClassFixture<StoreFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static async Task<T> RunningAsync<T>(ProjectionDaemon daemon, Func<Task<T>> body)
    {
        using var stop = new CancellationTokenSource();
        var loop = daemon.RunAsync(stop.Token);
        try { return await body(); }
        finally
        {
            await stop.CancelAsync();
            await loop;
        }
    }

    [Fact]
    public async Task A_slow_transaction_that_commits_after_a_later_one_is_still_projected()
    {
        var name = "gap-" + Guid.NewGuid().ToString("N")[..8];
        var daemon = new ProjectionDaemon(db.Store, [new CountingProjection(name)]);
        var slowStream = "slow-" + Guid.NewGuid();
        var fastStream = "fast-" + Guid.NewGuid();

        await RunningAsync(daemon, async () =>
        {
            await using var slow = await db.DataSource.OpenConnectionAsync();
            await using var slowTx = await slow.BeginTransactionAsync();
            var slowSeq = await Holes.AppendInOpenTransactionAsync(slow, slowStream, amount: 5);

            await using (var session = db.Store.OpenSession())
            {
                var fast = await session.Append(fastStream, new Counted(1)).SaveChangesAsync();
                fast[0].Sequence.Should().BeGreaterThan(slowSeq, "the fast append took its number after the slow one");
            }
            // Two full passes after the fast commit: the daemon has refreshed its mark and acted on what it saw.
            var passes = daemon.Passes.Generation;
            while (daemon.Passes.Generation < passes + 2)
                await daemon.Passes.WaitAsync(daemon.Passes.Generation, Patience, CancellationToken.None);
            var progress = await db.ScalarAsync<long>("SELECT last_seq FROM es.projection_progress WHERE name = $1", name);
            progress.Should().BeLessThan(slowSeq, "the daemon must not pass a hole whose transaction is still running");

            await slowTx.CommitAsync();
            await daemon.WaitForNonStaleAsync(Patience);
            return 0;
        });

        var rows = await CountingProjection.ReadAsync(db.DataSource, name);
        rows[slowStream].Should().Be((1, 5));
        rows[fastStream].Should().Be((1, 1));
    }

    [Fact]
    public async Task A_hole_left_by_a_rolled_back_append_is_passed()
    {
        var name = "rollback-" + Guid.NewGuid().ToString("N")[..8];
        var daemon = new ProjectionDaemon(db.Store, [new CountingProjection(name)]);
        var after = "after-" + Guid.NewGuid();

        await RunningAsync(daemon, async () =>
        {
            await using (var aborted = await db.DataSource.OpenConnectionAsync())
            await using (var tx = await aborted.BeginTransactionAsync())
            {
                await Holes.AppendInOpenTransactionAsync(aborted, "aborted-" + Guid.NewGuid());
                await tx.RollbackAsync();
            }
            await using var session = db.Store.OpenSession();
            await session.Append(after, new Counted(2)).SaveChangesAsync();
            await daemon.WaitForNonStaleAsync(Patience);
            return 0;
        });

        (await CountingProjection.ReadAsync(db.DataSource, name)).Should().ContainKey(after).WhoseValue.Should().Be((1, 2));
    }

    [Fact]
    public async Task A_rebuild_from_zero_equals_the_live_state()
    {
        var name = "rebuild-" + Guid.NewGuid().ToString("N")[..8];
        var daemon = new ProjectionDaemon(db.Store, [new CountingProjection(name)]);

        var live = await RunningAsync(daemon, async () =>
        {
            await Task.WhenAll(Enumerable.Range(0, 10).Select(w => Task.Run(async () =>
            {
                for (var i = 0; i < 30; i++)
                {
                    await using var session = db.Store.OpenSession();
                    await session.Append($"rb-{name}-{w}", new Counted(i + w)).SaveChangesAsync();
                }
            })));
            await daemon.WaitForNonStaleAsync(Patience);
            return await CountingProjection.ReadAsync(db.DataSource, name);
        });
        live.Where(r => r.Key.StartsWith("rb-", StringComparison.Ordinal)).Should().HaveCount(10);

        await daemon.RebuildAsync(name);

        (await CountingProjection.ReadAsync(db.DataSource, name)).Should().BeEquivalentTo(live);
    }

    [Fact]
    public async Task Two_daemons_on_one_database_apply_every_event_exactly_once()
    {
        var name = "twonodes-" + Guid.NewGuid().ToString("N")[..8];
        var otherStore = db.NewStore();
        var first = new ProjectionDaemon(db.Store, [new CountingProjection(name)]);
        var second = new ProjectionDaemon(otherStore, [new CountingProjection(name)]);
        var stream = "both-" + Guid.NewGuid();

        await RunningAsync(first, () => RunningAsync(second, async () =>
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                var store = w % 2 == 0 ? db.Store : otherStore;
                for (var i = 0; i < 50; i++)
                {
                    await using var session = store.OpenSession();
                    await session.Append(stream + "-" + w, new Counted(1)).SaveChangesAsync();
                }
            })));
            await first.WaitForNonStaleAsync(Patience);
            await second.WaitForNonStaleAsync(Patience);
            return 0;
        }));

        var rows = await CountingProjection.ReadAsync(db.DataSource, name);
        Enumerable.Range(0, 4).Select(w => rows[stream + "-" + w]).Should().AllBeEquivalentTo((50, 50));
        await otherStore.DisposeAsync();
    }
}

public sealed class Projecting_without_event_bodies(StoreFixture db) : IClassFixture<StoreFixture>
{
    /// <summary>Records what the daemon handed it, in memory: the point is what it was given, not a read model.</summary>
    private sealed class HeaderProjection(string name, bool readsBodies) : IAsyncProjection
    {
        public List<StoredEvent> Seen { get; } = [];

        public string Name => name;

        public bool ReadsBodies => readsBodies;

        public Task ApplyAsync(Npgsql.NpgsqlConnection connection, IReadOnlyList<StoredEvent> events, CancellationToken ct)
        {
            lock (Seen) Seen.AddRange(events);
            return Task.CompletedTask;
        }

        public Task ResetAsync(Npgsql.NpgsqlConnection connection, CancellationToken ct) => Task.CompletedTask;
    }

    [Fact]
    public async Task A_projection_that_reads_no_bodies_gets_every_event_s_place_and_no_body()
    {
        var stream = "headers-" + Guid.NewGuid();
        IReadOnlyList<StoredEvent> appended;
        await using (var session = db.Store.OpenSession(new EventMetadata(TenantId: "t-1", Actor: "anna")))
            appended = await session.Append(stream, new Counted(3), new Counted(4)).SaveChangesAsync();

        var suffix = Guid.NewGuid().ToString("N")[..8];
        var headers = new HeaderProjection("headers-" + suffix, readsBodies: false);
        var bodies = new HeaderProjection("bodies-" + suffix, readsBodies: true);
        var daemon = new ProjectionDaemon(db.Store, [headers, bodies]);
        using (var stop = new CancellationTokenSource())
        {
            var loop = daemon.RunAsync(stop.Token);
            await daemon.WaitForNonStaleAsync(TimeSpan.FromSeconds(20));
            await stop.CancelAsync();
            await loop;
        }

        var mine = headers.Seen.Where(e => e.StreamId == stream).ToList();
        mine.Select(e => (e.Sequence, e.Id, e.Version, e.EventTypeName, e.TenantId, e.Actor))
            .Should().Equal(appended.Select(e => (e.Sequence, e.Id, e.Version, e.EventTypeName, e.TenantId, e.Actor)));
        mine.Should().OnlyContain(e => ReferenceEquals(e.Data, EventBodyNotRead.Instance));
        bodies.Seen.Where(e => e.StreamId == stream).Select(e => e.Data).Should().Equal(new Counted(3), new Counted(4));
    }
}
