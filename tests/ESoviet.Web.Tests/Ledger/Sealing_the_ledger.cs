using ESoviet.Web.Ledger;
using ESoviet.Web.Membership;
using ESoviet.Web.Tests.Membership;
using Microsoft.Extensions.DependencyInjection;

namespace ESoviet.Web.Tests.Ledger;

/// <summary>The sealer follows the log: every organization event ends up in its organization's chain, in order, once.</summary>
public sealed class Sealing_the_ledger(LedgerFixture app) : IClassFixture<LedgerFixture>
{
    private LedgerQueries Queries => app.Services.GetRequiredService<LedgerQueries>();

    [Fact]
    public async Task Founding_and_admitting_are_sealed_in_order_into_one_chain()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        using var member = await app.AdmitAsync(founder, slug);
        await app.WaitForSealingAsync();

        var lines = await founder.Client.ExportAsync(slug);

        lines.ShouldFormOneChain();
        lines.Select(l => l.Type).Should().StartWith(["organization_founded", "member_admitted"])
            .And.Contain(["invitation_issued", "candidate_admitted", "vouch_given"]);
        var org = await app.OrganizationIdAsync(slug);
        lines.Should().OnlyContain(l => l.Json.GetProperty("org").GetString() == org.ToString());
        (await Queries.HeadAsync(org, default)).Should().Be(new LedgerHead(lines.Count, lines[^1].Hash));
    }

    [Fact]
    public async Task Each_organization_has_its_own_chain_from_position_1()
    {
        var (first, firstSlug) = await app.FoundAsync();
        var (second, secondSlug) = await app.FoundAsync();
        using var _ = first;
        using var __ = second;
        await app.WaitForSealingAsync();

        var a = await first.Client.ExportAsync(firstSlug);
        var b = await second.Client.ExportAsync(secondSlug);

        a.ShouldFormOneChain();
        b.ShouldFormOneChain();
        a[0].Prev.Should().Be(Exports.Zeros);
        b[0].Prev.Should().Be(Exports.Zeros);
        a[0].Hash.Should().NotBe(b[0].Hash);
    }

    [Fact]
    public async Task Sealing_catches_up_with_a_burst_of_parallel_appends()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        var org = await app.OrganizationIdAsync(slug);
        await app.WaitForSealingAsync();
        var before = (await Queries.HeadAsync(org, default)).Entries;

        // 40 writers, 25 appends each, every one its own transaction: they commit in parallel, in no particular order.
        await Task.WhenAll(Enumerable.Range(0, 40).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                await app.AppendAsync(org, founder.Handle, $"burst-{org}-{writer}",
                    new MemberLeft(org, $"writer-{writer}-{i}", WasCandidate: true));
            }
        })));

        // Not a benchmark: the lag only has to reach zero soon after the burst (generously, for a loaded machine).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        SealingStatus status;
        while ((status = await Queries.StatusAsync()).Lag > 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        status.Lag.Should().Be(0);

        var head = await Queries.HeadAsync(org, default);
        head.Entries.Should().Be(before + 1000);
        (await founder.Client.ExportAsync(slug)).ShouldFormOneChain();
    }

    [Fact]
    public async Task Events_of_no_organization_stay_out_of_every_chain()
    {
        await using (var session = app.Store.OpenSession())
        {
            session.Append("no-tenant-" + Guid.NewGuid(), new MemberLeft(Guid.NewGuid(), "nobody", WasCandidate: true));
            await session.SaveChangesAsync();
        }
        await app.WaitForSealingAsync();

        (await app.ScalarAsync<long>("SELECT count(*) FROM ledger_entries l JOIN es.events e ON e.seq = l.seq WHERE e.tenant_id IS NULL"))
            .Should().Be(0);
        (await Queries.StatusAsync()).Lag.Should().Be(0);
    }

    [Fact]
    public async Task Resealing_from_scratch_reproduces_every_hash()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        using var member = await app.AdmitAsync(founder, slug);
        await app.WaitForSealingAsync();
        var before = await founder.Client.ExportAsync(slug);

        await app.Services.GetRequiredService<ESoviet.EventStore.Projections.ProjectionDaemon>().ResetAsync(LedgerSealer.ProjectionName);
        await app.WaitForSealingAsync();

        (await founder.Client.ExportAsync(slug)).Should().Equal(before);
    }
}
