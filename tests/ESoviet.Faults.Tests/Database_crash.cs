using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using ESoviet.EventStore.Projections;
using ESoviet.Faults.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ESoviet.Faults.Tests;

/// <summary>
/// PostgreSQL dies (SIGKILL, no shutdown) while members vote through the HTTP API and retry with the same
/// Idempotency-Key, then comes back after crash recovery. The app keeps running throughout, in the same process.
/// </summary>
public sealed class Database_crash(PrivateCluster cluster, ITestOutputHelper output) : IClassFixture<PrivateCluster>
{
    private const int Electors = 30;
    private const int Proposals = 4;

    [Fact]
    public async Task Every_acknowledged_vote_is_counted_once_and_the_app_recovers_without_a_restart()
    {
        await using var app = await ClusterApp.StartAsync(cluster);
        var (slug, org, founder) = await app.FoundAsync();
        var electors = await app.SeedMembersAsync(org, Electors, founder.Handle);
        var proposals = new List<Guid>();
        for (var i = 0; i < Proposals; i++) proposals.Add(await founder.SubmitProposalAsync(app.BaseAddress, slug));
        app.Clock.Advance(TimeSpan.FromHours(48));
        foreach (var proposal in proposals) await founder.OpenVotingAsync(app.BaseAddress, slug, proposal);

        var acknowledged = new ConcurrentBag<(string Voter, Guid Proposal, string Choice)>();
        var refused = new ConcurrentBag<string>();
        var retries = 0;
        var voting = electors.Select((elector, e) => Task.Run(async () =>
        {
            using var client = elector.Client(app.BaseAddress);
            client.Timeout = TimeSpan.FromSeconds(10);
            for (var p = 0; p < proposals.Count; p++)
            {
                var choice = (e + p) % 3 == 0 ? "against" : "for";
                var key = $"vote-{e}-{p}";
                var deadline = DateTime.UtcNow.AddSeconds(90);
                while (true)
                {
                    HttpStatusCode? status = null;
                    try { status = await client.VoteAsync(slug, proposals[p], choice, key); }
                    catch (Exception x) when (x is HttpRequestException or TaskCanceledException) { }
                    if (status is { } s && (int)s is >= 200 and < 300)
                    {
                        acknowledged.Add((elector.Handle, proposals[p], choice));
                        break;
                    }
                    if (status is { } r && (int)r is >= 400 and < 500)
                    {
                        refused.Add($"{elector.Handle} on proposal {p}: {(int)r}");
                        break;
                    }
                    if (DateTime.UtcNow > deadline)
                    {
                        refused.Add($"{elector.Handle} on proposal {p}: no 2xx within 90 s (last {status})");
                        break;
                    }
                    Interlocked.Increment(ref retries);
                    await Task.Delay(100);
                }
            }
        })).ToList();

        // Crash once a quarter of the votes are in, with the rest in flight.
        await Forum.WaitUntilAsync(() => Task.FromResult(acknowledged.Count >= Electors * Proposals / 4), TimeSpan.FromSeconds(60), "a quarter of the votes");
        var down = Stopwatch.StartNew();
        cluster.Crash();
        await Task.Delay(500);
        await cluster.RestartAsync();
        output.WriteLine($"PostgreSQL was down {down.ElapsedMilliseconds} ms, with {acknowledged.Count} votes acknowledged before it died");
        await Task.WhenAll(voting);
        output.WriteLine($"{acknowledged.Count} votes acknowledged, {retries} retries");

        refused.Should().BeEmpty("every vote is eventually acknowledged when retried with its key");
        acknowledged.Should().HaveCount(Electors * Proposals);

        // Every acknowledged vote is in the roll-call with its choice; one row per elector; one event per vote.
        foreach (var proposal in proposals)
        {
            var rows = await Forum.ColumnAsync<string>(app.ConnectionString,
                "SELECT voter || ':' || choice FROM roll_call WHERE proposal_id = $1", proposal);
            rows.Should().BeEquivalentTo(acknowledged.Where(a => a.Proposal == proposal).Select(a => $"{a.Voter}:{a.Choice}"));
            var events = await Forum.ColumnAsync<string>(app.ConnectionString,
                "SELECT data->>'voter' FROM es.events WHERE type = 'vote_cast' AND data->>'proposalId' = $1", proposal.ToString());
            events.Should().OnlyHaveUniqueItems("a retried vote must not be recorded twice").And.HaveCount(Electors);

            using var founderClient = founder.Client(app.BaseAddress);
            var tally = Forum.Json(await founderClient.GetStringAsync($"/api/orgs/{slug}/proposals/{proposal}")).GetProperty("tally");
            tally.GetProperty("voted").GetInt32().Should().Be(rows.Count, "the tally counts the roll-call");
        }

        // The same app process serves again, its projection daemon has caught up, and the ledger verifies.
        using (var probe = app.CreateClient())
        using (var health = await probe.GetAsync("/health"))
            health.StatusCode.Should().Be(HttpStatusCode.OK);
        await app.Services.GetRequiredService<ProjectionDaemon>().WaitForNonStaleAsync(TimeSpan.FromSeconds(30));
        var progress = await Forum.ScalarAsync<long>(app.ConnectionString, "SELECT min(last_seq) FROM es.projection_progress");
        var highest = await Forum.ScalarAsync<long>(app.ConnectionString, "SELECT max(seq) FROM es.events");
        progress.Should().BeGreaterThanOrEqualTo(highest, "every projection has applied every event");

        var (exit, report, entries) = await Forum.VerifyLedgerAsync(app.BaseAddress, app.ConnectionString, org, slug, founder);
        exit.Should().Be(ESoviet.Verify.Cli.Holds, report);
        entries.Should().Be(await Forum.ScalarAsync<long>(app.ConnectionString, "SELECT count(*) FROM es.events WHERE tenant_id = $1", org.ToString()));
    }

    /// <summary>
    /// A vote whose response was lost (the crash above cut it off after the commit) is retried only after the last
    /// elector's vote closed the proposal: the retry must still get its acknowledgement, not "voting is closed".
    /// </summary>
    [Fact]
    public async Task A_retry_that_arrives_after_the_vote_closed_is_still_acknowledged()
    {
        await using var app = await ClusterApp.StartAsync(cluster);
        var (slug, org, founder) = await app.FoundAsync();
        var electors = await app.SeedMembersAsync(org, 2, founder.Handle);
        var proposal = await founder.SubmitProposalAsync(app.BaseAddress, slug);
        app.Clock.Advance(TimeSpan.FromHours(48));
        await founder.OpenVotingAsync(app.BaseAddress, slug, proposal);

        foreach (var voter in electors.Append(founder))
        {
            using var client = voter.Client(app.BaseAddress);
            (await client.VoteAsync(slug, proposal, "for", "first-try")).Should().Be(HttpStatusCode.OK);
        }
        await Forum.WaitUntilAsync(async () => await Forum.ScalarAsync<string>(app.ConnectionString, "SELECT phase FROM proposals WHERE id = $1", proposal) == "closed",
            TimeSpan.FromSeconds(30), "every elector's vote to close the proposal early");

        using var retrying = electors[0].Client(app.BaseAddress);
        (await retrying.VoteAsync(slug, proposal, "for", "first-try")).Should().Be(HttpStatusCode.OK, "the retried vote was counted");
        (await retrying.VoteAsync(slug, proposal, "against", "a-new-vote")).Should().Be(HttpStatusCode.Conflict, "a new vote after the close is refused");
    }

    [Fact]
    public async Task Once_the_database_is_back_no_request_fails_on_a_connection_the_crash_broke()
    {
        await using var app = await ClusterApp.StartAsync(cluster);
        var (slug, _, founder) = await app.FoundAsync();
        using var client = founder.Client(app.BaseAddress);
        async Task<HttpStatusCode[]> ReadManyAsync() => await Task.WhenAll(Enumerable.Range(0, 30).Select(async _ =>
        {
            using var response = await client.GetAsync($"/api/orgs/{slug}/proposals");
            return response.StatusCode;
        }));
        (await ReadManyAsync()).Should().OnlyContain(s => s == HttpStatusCode.OK);   // the pool now holds idle connections

        cluster.Crash();
        await cluster.RestartAsync();
        await Forum.WaitUntilAsync(async () => await Forum.ScalarAsync<int>(app.ConnectionString, "SELECT 1") == 1, TimeSpan.FromSeconds(30), "PostgreSQL to accept connections");

        var statuses = await ReadManyAsync();
        statuses.Should().OnlyContain(s => s == HttpStatusCode.OK, "no request may draw a pooled connection that died with the old server");
        using var health = await app.CreateClient().GetAsync("/health");
        health.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
