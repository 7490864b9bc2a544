using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ESoviet.Verify;

namespace ESoviet.Bench;

/// <summary>
/// 10,000 electors on one proposal, 32 concurrent HTTP clients casting their votes (bearer tokens, Idempotency-Key)
/// until every elector has voted: votes/s, p50 and p99 of the response time. Then checks that the count is 10,000,
/// waits for the sealer, exports the organization's ledger over HTTP and verifies it with ESoviet.Verify in-process.
/// </summary>
public static class VoteThroughputScenario
{
    public static async Task<object> RunAsync(BenchOptions options)
    {
        var electors = options.Smoke ? 300 : 10_000;
        const int clients = 32;
        await using var seeding = Seeding.Open(options.Database);
        var (org, slug, founder) = await seeding.FoundAsync("votes");
        var seedWatch = Stopwatch.StartNew();
        var people = await Electorate.SeedMembersAsync(seeding, org, founder, electors);
        var proposal = await Electorate.OpenVoteAsync(seeding, org, founder, [.. people.Select(p => p.Handle)]);
        var seedSeconds = seedWatch.Elapsed.TotalSeconds;
        Console.WriteLine($"seeded {electors} electors and opened the vote in {seedSeconds:F1} s");

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = options.App,
        };
        var path = $"/api/orgs/{slug}/proposals/{proposal}/votes/mine";
        var choices = new[] { "for", "against", "abstain" };
        async Task<double> CastAsync(int i)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, path)
            {
                Content = JsonContent.Create(new { choice = choices[i % 7 == 0 ? 2 : i % 3 == 0 ? 1 : 0], reason = i % 10 == 0 ? "The hall is worth it." : null }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", people[i].Token);
            request.Headers.Add("Idempotency-Key", $"bench-{i}");
            var watch = Stopwatch.StartNew();
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"vote {i}: {(int)response.StatusCode} {body}");
            return watch.Elapsed.TotalMilliseconds;
        }

        // Warm the server's code paths with one vote, outside the measurement (it counts towards the 10,000).
        await CastAsync(0);
        var next = 0;
        var times = new double[electors];
        var finishedAt = new double[electors];
        var cpuBefore = AppCpu.Seconds(options.AppPid);
        var postmaster = await Electorate.ScalarAsync<int>(seeding.DataSource,
            "SELECT split_part(pg_read_file('postmaster.pid'), E'\\n', 1)::int");
        var databaseCpuBefore = AppCpu.DatabaseSeconds(postmaster);
        var machineBefore = AppCpu.Machine();
        var databaseBefore = await DatabaseCounters.ReadAsync(seeding.DataSource);
        using var sampling = new CancellationTokenSource();
        var waits = WaitSampler.RunAsync(seeding.DataSource, sampling.Token);
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < electors; i = Interlocked.Increment(ref next))
            {
                times[i] = await CastAsync(i);
                finishedAt[i] = wall.Elapsed.TotalSeconds;
            }
        })));
        var seconds = wall.Elapsed.TotalSeconds;
        await sampling.CancelAsync();
        var databaseWaits = await waits;
        var databaseAfter = await DatabaseCounters.ReadAsync(seeding.DataSource);
        var votesTimed = electors - 1;
        var appCpuMsPerVote = (AppCpu.Seconds(options.AppPid) - cpuBefore) * 1000 / (electors - 1);
        var databaseCpuMsPerVote = (AppCpu.DatabaseSeconds(postmaster) - databaseCpuBefore) * 1000 / (electors - 1);
        var machineAfter = AppCpu.Machine();
        var machineBusy = (machineAfter.Busy - machineBefore.Busy) / (machineAfter.Total - machineBefore.Total);
        // Throughput over the first and the last tenth of the votes: a per-vote cost that grows with the roll-call shows here.
        var done = finishedAt.Skip(1).Order().ToArray();
        var tenth = done.Length / 10;
        var firstTenth = tenth / done[tenth - 1];
        var lastTenth = tenth / (done[^1] - done[^(tenth + 1)]);
        var measured = times.Skip(1).Order().ToList();

        // The count: the roll-call, and the proposal (closed early once everyone voted).
        var rollCall = await Electorate.ScalarAsync<long>(seeding.DataSource, "SELECT count(*) FROM roll_call WHERE proposal_id = $1 AND choice IS NOT NULL", proposal);
        using var founderHttp = new HttpClient { BaseAddress = options.App };
        founderHttp.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Electorate.TokenForAsync(seeding, founder));
        string phase = "";
        var voted = -1;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var view = await founderHttp.GetFromJsonAsync<ProposalProbe>($"/api/orgs/{slug}/proposals/{proposal}");
            (phase, voted) = (view!.Phase, view.Tally?.Voted ?? -1);
            if (phase == "closed") break;
            await Task.Delay(100);
        }
        if (rollCall != electors || voted != electors)
            throw new InvalidOperationException($"expected {electors} votes, the roll-call has {rollCall} and the proposal's tally {voted}");

        var ledger = await LedgerCheck.ExportAndVerifyAsync(seeding, founderHttp, org, slug);
        return new
        {
            scenario = "votes",
            electors,
            clients,
            seedSeconds = Math.Round(seedSeconds, 1),
            votesPerSecond = Math.Round((electors - 1) / seconds, 1),
            p50Ms = Math.Round(Stats.Percentile(measured, 50), 2),
            p99Ms = Math.Round(Stats.Percentile(measured, 99), 2),
            maxMs = Math.Round(measured[^1], 2),
            firstTenthVotesPerSecond = Math.Round(firstTenth, 1),
            lastTenthVotesPerSecond = Math.Round(lastTenth, 1),
            appCpuMsPerVote = Math.Round(appCpuMsPerVote, 2),
            databaseCpuMsPerVote = Math.Round(databaseCpuMsPerVote, 2),
            machineBusyPercent = Math.Round(100 * machineBusy, 1),
            databaseWaits,
            commitsPerVote = Math.Round((databaseAfter.Commits - databaseBefore.Commits) / (double)votesTimed, 2),
            walBytesPerVote = Math.Round((databaseAfter.WalBytes - databaseBefore.WalBytes) / (double)votesTimed),
            walFullPagesPerVote = Math.Round((databaseAfter.WalFullPages - databaseBefore.WalFullPages) / (double)votesTimed, 2),
            walSyncsPerVote = Math.Round((databaseAfter.WalSyncs - databaseBefore.WalSyncs) / (double)votesTimed, 2),
            tally = voted,
            rollCall,
            phase,
            ledger,
        };
    }

    private sealed record ProposalProbe(string Phase, TallyProbe? Tally);

    private sealed record TallyProbe(int Voted);
}

/// <summary>
/// Samples what the database's active backends are doing every 20 ms (pg_stat_activity's wait event, or "CPU" when
/// none): the share of samples per state says where a vote spends its time in PostgreSQL.
/// </summary>
public static class WaitSampler
{
    public static async Task<Dictionary<string, double>> RunAsync(Npgsql.NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var counts = new Dictionary<string, long>();
        long total = 0;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
            await using var cmd = new Npgsql.NpgsqlCommand("""
                SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') FROM pg_stat_activity
                 WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()
                """, connection);
            while (!ct.IsCancellationRequested)
            {
                await using (var r = await cmd.ExecuteReaderAsync(CancellationToken.None))
                {
                    while (await r.ReadAsync(CancellationToken.None))
                    {
                        var key = r.GetString(0);
                        counts[key] = counts.GetValueOrDefault(key) + 1;
                        total++;
                    }
                }
                await Task.Delay(20, ct);
            }
        }
        catch (OperationCanceledException) { }
        return counts.OrderByDescending(c => c.Value).Take(8)
            .ToDictionary(c => c.Key, c => Math.Round(100.0 * c.Value / Math.Max(total, 1), 1));
    }
}

/// <summary>Cluster-wide counters: committed transactions (all databases) and WAL written (pg_stat_wal, PostgreSQL 14+).</summary>
public sealed record DatabaseCounters(long Commits, long WalBytes, long WalFullPages, long WalSyncs)
{
    public static async Task<DatabaseCounters> ReadAsync(Npgsql.NpgsqlDataSource dataSource)
    {
        // Statistics are cached per transaction and flushed lazily by backends: ask for fresh ones.
        await using var cmd = dataSource.CreateCommand("""
            SELECT (SELECT sum(xact_commit)::bigint FROM pg_stat_database), w.wal_bytes::bigint, w.wal_fpi, w.wal_sync FROM pg_stat_wal w
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return new DatabaseCounters(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3));
    }
}

/// <summary>CPU time (user + system) from /proc: of the app, of the database cluster's processes, of the whole machine.</summary>
public static class AppCpu
{
    /// <summary>The app's CPU seconds so far; 0 without a pid.</summary>
    public static double Seconds(int? pid) => pid is null ? 0 : ProcessSeconds(pid.Value) ?? 0;

    /// <summary>CPU seconds used so far by the postmaster's live children (the backends, the WAL writer, ...).</summary>
    public static double DatabaseSeconds(int postmaster)
    {
        var total = 0.0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            var fields = StatFields(pid);
            if (fields is not null && (pid == postmaster || fields[1] == postmaster.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                total += Seconds(fields);
        }
        return total;
    }

    /// <summary>The machine's busy and total CPU time so far (all cores, from /proc/stat).</summary>
    public static (double Busy, double Total) Machine()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var total = cpu.Take(8).Sum();
        return (total - cpu[3] - cpu[4], total);   // idle and iowait are not busy
    }

    private static double? ProcessSeconds(int pid) => StatFields(pid) is { } fields ? Seconds(fields) : null;

    // After the command: state is field 3, ppid field 4, utime field 14 and stime field 15 (1-based over the whole line).
    private static double Seconds(string[] fields) =>
        (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;

    private static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException) { return null; }   // the process ended meanwhile
    }
}

/// <summary>Waits for the sealer to catch up with an organization's events, then downloads its ledger and verifies it.</summary>
public static class LedgerCheck
{
    public static async Task<object> ExportAndVerifyAsync(Seeding seeding, HttpClient member, Guid org, string slug)
    {
        var events = await Electorate.ScalarAsync<long>(seeding.DataSource, "SELECT count(*) FROM es.events WHERE tenant_id = $1", org.ToString());
        var sealWait = Stopwatch.StartNew();
        while (true)
        {
            var sealedCount = await Electorate.ScalarAsync<long>(seeding.DataSource,
                "SELECT coalesce((SELECT position FROM ledger_heads WHERE org_id = $1), 0)", org);
            if (sealedCount >= events) break;
            if (sealWait.Elapsed > TimeSpan.FromMinutes(3)) throw new TimeoutException($"the sealer reached {sealedCount} of {events} entries in 3 minutes");
            await Task.Delay(100);
        }
        var sealWaitSeconds = sealWait.Elapsed.TotalSeconds;

        var file = Path.Combine(Path.GetTempPath(), $"esoviet-ledger-{org:N}.jsonl");
        try
        {
            var export = Stopwatch.StartNew();
            long bytes;
            await using (var output = File.Create(file))
            {
                using var response = await member.GetAsync($"/api/orgs/{slug}/ledger", HttpCompletionOption.ResponseHeadersRead);
                response.EnsureSuccessStatusCode();
                await (await response.Content.ReadAsStreamAsync()).CopyToAsync(output);
                bytes = output.Length;
            }
            var exportSeconds = export.Elapsed.TotalSeconds;
            var lines = File.ReadLines(file).LongCount(l => l.Length > 0);

            var verify = Stopwatch.StartNew();
            var report = new StringWriter();
            var errors = new StringWriter();
            var status = Cli.Run([file], report, errors);
            var verifySeconds = verify.Elapsed.TotalSeconds;
            if (status != Cli.Holds) throw new InvalidOperationException($"the ledger does not verify ({status}):\n{report}\n{errors}");
            if (lines != events) throw new InvalidOperationException($"the export has {lines} entries, the organization {events} events");
            return new
            {
                entries = lines,
                bytes,
                sealWaitSeconds = Math.Round(sealWaitSeconds, 2),
                exportSeconds = Math.Round(exportSeconds, 3),
                exportPerSecond = Math.Round(lines / exportSeconds),
                verifySeconds = Math.Round(verifySeconds, 3),
                verifyPerSecond = Math.Round(lines / verifySeconds),
                verified = true,
            };
        }
        finally
        {
            File.Delete(file);
        }
    }
}
