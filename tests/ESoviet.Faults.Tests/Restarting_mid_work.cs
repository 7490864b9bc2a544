using System.Globalization;
using ESoviet.Faults.Tests.Harness;
using ESoviet.Testing;
using ESoviet.Web.Infrastructure;
using ESoviet.Web.Ledger;
using Npgsql;
using Xunit.Abstractions;

namespace ESoviet.Faults.Tests;

/// <summary>
/// The app process is SIGKILLed while background work is half done: the ledger sealer in the middle of sealing
/// thousands of events, the proposal closer in the middle of closing a batch of due votes. Two nodes then start at
/// once over the same database and must finish the work exactly once.
/// </summary>
public sealed class Restarting_mid_work(PrivateCluster cluster, ITestOutputHelper output) : IClassFixture<PrivateCluster>
{
    [Fact]
    public async Task A_restart_during_sealing_resumes_where_it_stopped_and_rebuilds_the_same_chain()
    {
        string connectionString;
        Guid org;
        string slug;
        Member founder;
        await using (var seeding = await ClusterApp.StartAsync(cluster))
        {
            connectionString = seeding.ConnectionString;
            (slug, org, founder) = await seeding.FoundAsync();
            await seeding.SeedManyMembersAsync(org, 2500, founder.Handle);
            await WaitSealedAsync(connectionString, org, await EventCountAsync(connectionString, org));
        }
        var events = await EventCountAsync(connectionString, org);
        var highest = await Forum.ScalarAsync<long>(connectionString, "SELECT max(seq) FROM es.events");
        var head = await Forum.ScalarAsync<string>(connectionString, "SELECT hash FROM ledger_heads WHERE org_id = $1", org);

        // Unseal everything (what ProjectionDaemon.ResetAsync does), so a fresh node has thousands of events to seal.
        await Forum.ScalarAsync<int>(connectionString,
            $"DELETE FROM ledger_entries; DELETE FROM ledger_heads; UPDATE es.projection_progress SET last_seq = 0 WHERE name = '{LedgerSealer.ProjectionName}'; SELECT 1");

        long stoppedAt;
        await using (var doomed = AppProcess.Launch(connectionString))
        {
            stoppedAt = await KillWhenAsync(doomed, connectionString, async watch =>
            {
                var progress = await watch.ScalarAsync<long>(
                    $"SELECT coalesce(max(last_seq), 0) FROM es.projection_progress WHERE name = '{LedgerSealer.ProjectionName}'");
                return progress > 0 && progress < highest ? progress : null;
            });
        }
        var sealedAtKill = await Forum.ScalarAsync<long>(connectionString, "SELECT count(*) FROM ledger_entries WHERE org_id = $1", org);
        output.WriteLine($"killed with the sealer's progress at seq {stoppedAt} of {highest}; {sealedAtKill} of {events} entries sealed");
        sealedAtKill.Should().BeInRange(1, events - 1, "the node died in the middle of sealing");

        var (nodeA, nodeB) = await StartTwoNodesAsync(connectionString);
        await using var _ = nodeA;
        await using var __ = nodeB;
        await WaitSealedAsync(connectionString, org, events);
        await LedgerShould.SealEveryEventOnceAsync(connectionString, org);
        (await Forum.ScalarAsync<string>(connectionString, "SELECT hash FROM ledger_heads WHERE org_id = $1", org))
            .Should().Be(head, "resealing the same events gives the same chain");
        var (exit, report, _) = await Forum.VerifyLedgerAsync(nodeA.Address, connectionString, org, slug, founder);
        exit.Should().Be(ESoviet.Verify.Cli.Holds, report);
    }

    [Fact]
    public async Task A_restart_during_a_background_close_closes_every_due_vote_exactly_once()
    {
        const int Proposals = 40;
        string connectionString;
        Guid org;
        string slug;
        Member founder;
        var proposals = new List<Guid>();
        await using (var seeding = await ClusterApp.StartAsync(cluster))
        {
            connectionString = seeding.ConnectionString;
            (slug, org, founder) = await seeding.FoundAsync();
            var electors = await seeding.SeedMembersAsync(org, 3, founder.Handle);
            for (var i = 0; i < Proposals; i++) proposals.Add(await founder.SubmitProposalAsync(seeding.BaseAddress, slug));
            seeding.Clock.Advance(TimeSpan.FromHours(48));
            foreach (var proposal in proposals) await founder.OpenVotingAsync(seeding.BaseAddress, slug, proposal);
            for (var i = 0; i < Proposals; i++)
            {
                foreach (var (elector, e) in electors.Select((x, e) => (x, e)))
                {
                    using var client = elector.Client(seeding.BaseAddress);
                    (await client.VoteAsync(slug, proposals[i], (i + e) % 2 == 0 ? "for" : "against", $"v-{i}-{e}")).Should().Be(System.Net.HttpStatusCode.OK);
                }
            }
        }

        // The nodes' clocks are past every voting period (72 hours after opening), so each closer finds all 40 due at once.
        var afterVoting = new Dictionary<string, string> { [ShiftedClock.Setting] = TimeSpan.FromHours(48 + 72 + 1).ToString("c", CultureInfo.InvariantCulture) };
        const string ClosedCount = "SELECT count(*) FROM es.events WHERE type = 'voting_closed'";
        await using (var doomed = AppProcess.Launch(connectionString, afterVoting))
        {
            var closedAtKill = await KillWhenAsync(doomed, connectionString, async watch =>
            {
                var closed = await watch.ScalarAsync<long>(ClosedCount);
                return closed is > 0 and < Proposals ? closed : null;
            });
            output.WriteLine($"killed after {closedAtKill} of {Proposals} votes were closed");
        }
        (await Forum.ScalarAsync<long>(connectionString, ClosedCount)).Should().BeInRange(1, Proposals - 1, "the node died in the middle of closing");

        var (nodeA, nodeB) = await StartTwoNodesAsync(connectionString, afterVoting);
        await using var _ = nodeA;
        await using var __ = nodeB;
        await Forum.WaitUntilAsync(async () => await Forum.ScalarAsync<long>(connectionString, "SELECT count(*) FROM proposals WHERE phase = 'voting'") == 0,
            TimeSpan.FromSeconds(60), "every due vote to close");

        var closes = await Forum.ColumnAsync<string>(connectionString, "SELECT data->>'proposalId' FROM es.events WHERE type = 'voting_closed'");
        closes.Should().OnlyHaveUniqueItems("a vote is closed once").And.BeEquivalentTo(proposals.Select(p => p.ToString()));
        (await Forum.ScalarAsync<long>(connectionString, "SELECT count(*) FROM proposals WHERE outcome IS NULL OR closed_at IS NULL"))
            .Should().Be(0, "every closed vote has its outcome");
        var (exit, report, _) = await Forum.VerifyLedgerAsync(nodeA.Address, connectionString, org, slug, founder);
        exit.Should().Be(ESoviet.Verify.Cli.Holds, report);
        await LedgerShould.SealEveryEventOnceAsync(connectionString, org);
    }

    /// <summary>Two nodes launched at the same moment, so their background services race for the same work.</summary>
    private static async Task<(AppProcess, AppProcess)> StartTwoNodesAsync(string connectionString, IReadOnlyDictionary<string, string>? settings = null)
    {
        var started = await Task.WhenAll(AppProcess.StartAsync(connectionString, settings), AppProcess.StartAsync(connectionString, settings));
        return (started[0], started[1]);
    }

    private static Task<long> EventCountAsync(string connectionString, Guid org) =>
        Forum.ScalarAsync<long>(connectionString, "SELECT count(*) FROM es.events WHERE tenant_id = $1", org.ToString());

    private static async Task WaitSealedAsync(string connectionString, Guid org, long events) =>
        await Forum.WaitUntilAsync(async () => await Forum.ScalarAsync<long>(connectionString, "SELECT count(*) FROM ledger_entries WHERE org_id = $1", org) == events,
            TimeSpan.FromSeconds(60), $"the ledger to seal all {events} events");

    /// <summary>
    /// Polls through one open connection, as fast as the database answers (the work takes a few hundred milliseconds);
    /// SIGKILLs the node as soon as <paramref name="midway"/> reports a value.
    /// </summary>
    private static async Task<long> KillWhenAsync(AppProcess node, string connectionString, Func<Watch, Task<long?>> midway)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var watch = new Watch(connection);
        var deadline = DateTime.UtcNow.AddSeconds(120);   // includes the process's start, slow on a loaded machine
        while (DateTime.UtcNow < deadline)
        {
            if (await midway(watch) is { } value)
            {
                await node.CrashAsync();
                return value;
            }
        }
        throw new TimeoutException($"The node never reached the middle of its work:\n{node.Log}");
    }

    private sealed class Watch(NpgsqlConnection connection)
    {
        public async Task<T> ScalarAsync<T>(string sql)
        {
            await using var cmd = new NpgsqlCommand(sql, connection);
            return (T)(await cmd.ExecuteScalarAsync())!;
        }
    }
}
