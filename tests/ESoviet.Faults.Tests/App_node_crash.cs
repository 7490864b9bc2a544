using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using ESoviet.Faults.Tests.Harness;
using ESoviet.Testing;
using Xunit.Abstractions;

namespace ESoviet.Faults.Tests;

/// <summary>
/// Two app nodes (separate processes) over one database; node A is SIGKILLed in the middle of a burst of votes. Its
/// live clients reconnect to node B and catch up; voters retry on B with the same Idempotency-Key.
/// </summary>
public sealed class App_node_crash(PrivateCluster cluster, ITestOutputHelper output) : IClassFixture<PrivateCluster>
{
    private const int Electors = 60;
    private const int Watchers = 3;

    [Fact]
    public async Task Live_clients_of_the_dead_node_catch_up_on_the_other_and_the_ledger_seals_every_event_once()
    {
        // Seed through an in-process node, then stop it: from here on only the two app processes run.
        string connectionString, slug;
        Guid org, proposal;
        Member founder;
        List<Member> electors;
        await using (var seeding = await ClusterApp.StartAsync(cluster))
        {
            connectionString = seeding.ConnectionString;
            (slug, org, founder) = await seeding.FoundAsync();
            electors = await seeding.SeedMembersAsync(org, Electors, founder.Handle);
            proposal = await founder.SubmitProposalAsync(seeding.BaseAddress, slug);
            seeding.Clock.Advance(TimeSpan.FromHours(48));
            await founder.OpenVotingAsync(seeding.BaseAddress, slug, proposal);
        }

        await using var nodeA = await AppProcess.StartAsync(connectionString);
        await using var nodeB = await AppProcess.StartAsync(connectionString);
        var topic = $"proposal:{proposal}";
        var watchers = new List<Watcher>();
        for (var i = 0; i < Watchers; i++) watchers.Add(await Watcher.StartAsync(nodeA.Address, founder.Token, topic));

        var acknowledged = new ConcurrentBag<string>();
        var failed = new ConcurrentBag<string>();
        var voting = electors.Select((elector, e) => Task.Run(async () =>
        {
            using var onA = elector.Client(nodeA.Address);
            using var onB = elector.Client(nodeB.Address);
            var node = e % 2 == 0 ? onA : onB;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                HttpStatusCode? status = null;
                try { status = await node.VoteAsync(slug, proposal, e % 3 == 0 ? "against" : "for", $"vote-{e}"); }
                catch (Exception x) when (x is HttpRequestException or TaskCanceledException) { node = onB; }   // node A is gone
                if (status == HttpStatusCode.OK) { acknowledged.Add(elector.Handle); return; }
                if (status is { } s && (int)s < 500) { failed.Add($"{elector.Handle}: {(int)s}"); return; }
                await Task.Delay(50);
            }
            failed.Add($"{elector.Handle}: no 200 within 60 s");
        })).ToList();

        await Forum.WaitUntilAsync(() => Task.FromResult(acknowledged.Count >= Electors / 3), TimeSpan.FromSeconds(60), "a third of the votes");
        await nodeA.CrashAsync();
        output.WriteLine($"node A killed after {acknowledged.Count} votes");
        foreach (var watcher in watchers) await watcher.FailOverAsync(nodeB.Address);
        await Task.WhenAll(voting);
        failed.Should().BeEmpty();

        // Every vote is in the log exactly once, and every watcher ends with every event of its topic.
        var voteSeqs = await Forum.ColumnAsync<long>(connectionString,
            "SELECT seq FROM es.events WHERE type = 'vote_cast' AND data->>'proposalId' = $1 ORDER BY seq", proposal.ToString());
        voteSeqs.Should().HaveCount(Electors);
        foreach (var watcher in watchers)
        {
            await Forum.WaitUntilAsync(() => Task.FromResult(voteSeqs.All(watcher.VoteSeqs.ContainsKey)), TimeSpan.FromSeconds(20),
                $"a watcher to receive all {Electors} votes (has {watcher.VoteSeqs.Count})");
            watcher.VoteSeqs.Keys.Order().Should().Equal(voteSeqs);
            output.WriteLine($"watcher: {watcher.Pushed} pushed, {watcher.CaughtUp} caught up after reconnecting");
            await watcher.DisposeAsync();
        }

        // The ledger sealer (an async projection) ran on both nodes and one died mid-burst: still every event once, in order.
        var (exit, report, entries) = await Forum.VerifyLedgerAsync(nodeB.Address, connectionString, org, slug, founder);
        exit.Should().Be(ESoviet.Verify.Cli.Holds, report);
        await LedgerShould.SealEveryEventOnceAsync(connectionString, org);
        entries.Should().Be(await Forum.ScalarAsync<long>(connectionString, "SELECT count(*) FROM es.events WHERE tenant_id = $1", org.ToString()));
    }

    /// <summary>A live client following one topic: remembers the last sequence number it saw, and catches up after a reconnect.</summary>
    private sealed class Watcher : IAsyncDisposable
    {
        private readonly string token;
        private readonly string topic;
        private SignalRClient client = null!;
        private Task reading = Task.CompletedTask;
        private long lastSeen;

        private Watcher(string token, string topic) => (this.token, this.topic) = (token, topic);

        public ConcurrentDictionary<long, byte> VoteSeqs { get; } = new();

        public int Pushed;

        public int CaughtUp;

        public static async Task<Watcher> StartAsync(Uri node, string token, string topic)
        {
            var watcher = new Watcher(token, topic);
            await watcher.ConnectAsync(node);
            return watcher;
        }

        /// <summary>Waits for the dead node's connection to close, then reconnects to <paramref name="node"/>: subscribe, then catch up.</summary>
        public async Task FailOverAsync(Uri node)
        {
            await client.Closed.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await reading;
            await client.DisposeAsync();
            await ConnectAsync(node);
        }

        private async Task ConnectAsync(Uri node)
        {
            client = await SignalRClient.ConnectAsync(node, accessToken: token);
            await client.InvokeAsync("Subscribe", topic);
            reading = Task.Run(async () =>
            {
                try
                {
                    await foreach (var pushed in client.On("event").ReadAllAsync())
                    {
                        Interlocked.Increment(ref Pushed);
                        See(pushed);
                    }
                }
                catch (System.Threading.Channels.ChannelClosedException) { }
            });
            // Subscribed first, so whatever the catch-up does not return arrives as a push.
            var after = Interlocked.Read(ref lastSeen);
            while (true)
            {
                var result = await client.InvokeAsync("CatchUp", topic, after);
                foreach (var e in result.GetProperty("events").EnumerateArray())
                {
                    Interlocked.Increment(ref CaughtUp);
                    See(e);
                }
                after = result.GetProperty("upTo").GetInt64();
                if (!result.GetProperty("more").GetBoolean()) break;
            }
        }

        private void See(JsonElement e)
        {
            var seq = e.GetProperty("seq").GetInt64();
            if (e.GetProperty("type").GetString() == "vote_cast") VoteSeqs.TryAdd(seq, 0);
            long seen;
            while ((seen = Interlocked.Read(ref lastSeen)) < seq && Interlocked.CompareExchange(ref lastSeen, seq, seen) != seen) { }
        }

        public async ValueTask DisposeAsync() => await client.DisposeAsync();
    }
}
