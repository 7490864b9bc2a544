using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using ESoviet.EventStore.Projections;
using ESoviet.Faults.Tests.Harness;
using ESoviet.Testing;
using ESoviet.Web.Ledger;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ESoviet.Faults.Tests;

/// <summary>
/// scripts/backup while the app runs, scripts/restore into another database, and the app started on the copy: the
/// same pages, a ledger that verifies, identical tables, and a rebuilt ledger equal to the original.
/// </summary>
public sealed partial class Backing_up_and_restoring(PrivateCluster cluster, ITestOutputHelper output) : IClassFixture<PrivateCluster>
{
    [Fact]
    public async Task A_restored_copy_serves_the_same_pages_and_its_ledger_verifies()
    {
        await using var original = await ClusterApp.StartAsync(cluster);
        var (slug, org, founder) = await original.FoundAsync();
        var electors = await original.SeedMembersAsync(org, 4, founder.Handle);
        var thread = await StartThreadAsync(original.BaseAddress, founder, slug, electors);
        var proposal = await founder.SubmitProposalAsync(original.BaseAddress, slug);
        original.Clock.Advance(TimeSpan.FromHours(48));
        await founder.OpenVotingAsync(original.BaseAddress, slug, proposal);
        foreach (var (elector, i) in electors.Select((e, i) => (e, i)))
        {
            using var client = elector.Client(original.BaseAddress);
            (await client.VoteAsync(slug, proposal, i % 2 == 0 ? "for" : "against", "k")).Should().Be(HttpStatusCode.OK);
        }
        await original.Services.GetRequiredService<ProjectionDaemon>().WaitForNonStaleAsync(TimeSpan.FromSeconds(30));

        var backups = Directory.CreateTempSubdirectory("esoviet-backup-");
        try
        {
            var dump = Path.Combine(backups.FullName, "forum.dump");
            output.WriteLine(await RunScriptAsync("backup", original.ConnectionString, dump));
            File.Exists(dump + ".manifest.json").Should().BeTrue();
            var restoredName = TestDatabase.NewName("restored");
            output.WriteLine(await RunScriptAsync("restore", original.ConnectionString, dump, restoredName));

            await using var restored = await ClusterApp.StartAsync(cluster, restoredName);
            restored.Clock.Advance(TimeSpan.FromHours(48));   // the same "now" as the original's, for any time the pages show

            // The same pages, to the byte, but for the per-response antiforgery tokens.
            foreach (var page in new[] { $"/o/{slug}/threads/{thread}", $"/o/{slug}/proposals", $"/o/{slug}/proposals/{proposal}" })
            {
                var before = await PageAsync(original, founder, page);
                var after = await PageAsync(restored, founder, page);
                var firstDifference = before.Split('\n').Zip(after.Split('\n')).Select((pair, line) => (pair, line)).FirstOrDefault(x => x.pair.First != x.pair.Second);
                after.Should().Be(before, $"{page} is served the same from the restored copy (line {firstDifference.line + 1}: {firstDifference.pair.First} / {firstDifference.pair.Second})");
            }

            // Every table holds the same rows.
            foreach (var table in await Forum.ColumnAsync<string>(original.ConnectionString, """
                SELECT format('%I.%I', schemaname, tablename) FROM pg_tables WHERE schemaname IN ('public', 'es') ORDER BY 1
                """))
            {
                (await ChecksumAsync(restored.ConnectionString, table)).Should().Be(await ChecksumAsync(original.ConnectionString, table), table);
            }

            var (exit, report, _) = await Forum.VerifyLedgerAsync(restored.BaseAddress, restored.ConnectionString, org, slug, founder);
            exit.Should().Be(ESoviet.Verify.Cli.Holds, report);

            // Rebuilt from the restored events, the ledger is the original ledger.
            var daemon = restored.Services.GetRequiredService<ProjectionDaemon>();
            await daemon.ResetAsync(LedgerSealer.ProjectionName);
            (await Forum.ScalarAsync<long>(restored.ConnectionString, "SELECT count(*) FROM ledger_entries")).Should().BeLessThan(
                await Forum.ScalarAsync<long>(original.ConnectionString, "SELECT count(*) FROM ledger_entries"), "the reset emptied it");
            await daemon.WaitForNonStaleAsync(TimeSpan.FromSeconds(30));
            foreach (var table in new[] { "public.ledger_entries", "public.ledger_heads" })
                (await ChecksumAsync(restored.ConnectionString, table)).Should().Be(await ChecksumAsync(original.ConnectionString, table), $"rebuilt {table}");
        }
        finally
        {
            backups.Delete(recursive: true);
        }
    }

    private static async Task<Guid> StartThreadAsync(Uri node, Member founder, string slug, List<Member> others)
    {
        using var client = founder.Client(node);
        using var started = await client.PostJsonAsync($"/api/orgs/{slug}/threads", new { title = "Night shifts", markdown = "How do we feed the **night shift**?" });
        started.StatusCode.Should().Be(HttpStatusCode.Created);
        var thread = (await started.ReadJsonAsync()).GetProperty("threadId").GetGuid();
        foreach (var (member, i) in others.Select((m, i) => (m, i)))
        {
            using var replier = member.Client(node);
            using var replied = await replier.PostJsonAsync($"/api/orgs/{slug}/threads/{thread}/contributions", new { markdown = $"Reply {i}: a _canteen_ [link](https://example.org/{i})" });
            replied.StatusCode.Should().Be(HttpStatusCode.Created);
        }
        return thread;
    }

    /// <summary>
    /// A page as the founder sees it, signed in on that app; antiforgery tokens and the vote form's idempotency key
    /// (fresh per response) blanked out.
    /// </summary>
    private static async Task<string> PageAsync(ClusterApp app, Member founder, string path)
    {
        using var browser = await app.SignInAsync(founder.Handle);
        using var response = await browser.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK, path);
        return AntiforgeryToken().Replace(await response.Content.ReadAsStringAsync(), "value=\"(token)\"");
    }

    private static Task<string> ChecksumAsync(string connectionString, string table) =>
        Forum.ScalarAsync<string>(connectionString, $"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') FROM {table} t");

    private static async Task<string> RunScriptAsync(string script, string connectionString, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(RepositoryRoot.Path, "scripts", script))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot.Path,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["ESOVIET_DB"] = connectionString;
        var configuration = typeof(Backing_up_and_restoring).Assembly.Location.Contains("/bin/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        start.Environment["ESOVIET_VERIFY"] = Path.Combine(RepositoryRoot.Path, "src", "ESoviet.Verify", "bin", configuration, "net10.0", "ESoviet.Verify.dll");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        var text = $"$ scripts/{script} {string.Join(' ', arguments)}\n{await stdout}{await stderr}";
        process.ExitCode.Should().Be(0, text);
        return text;
    }

    [GeneratedRegex("""(?<=name="__RequestVerificationToken" type="hidden" |name="Vote.Key" )value="[^"]*"|value="CfDJ8[^"]*"|content="CfDJ8[^"]*"|data-csrf="[^"]*"|"CfDJ8[^"]*""")]
    private static partial Regex AntiforgeryToken();
}
