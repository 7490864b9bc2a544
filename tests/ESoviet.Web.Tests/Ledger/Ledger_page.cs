using System.Net;
using ESoviet.Web.Tests.Membership;

namespace ESoviet.Web.Tests.Ledger;

/// <summary><c>/o/{slug}/ledger</c>: what the ledger is, its size and head, and how to check it.</summary>
public sealed class Ledger_page(LedgerFixture app) : IClassFixture<LedgerFixture>
{
    [Fact]
    public async Task A_member_sees_the_head_the_download_and_the_command()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        await app.WaitForSealingAsync();
        var lines = await founder.Client.ExportAsync(slug);

        var html = await founder.Client.GetStringAsync($"/o/{slug}/ledger");

        html.Should().Contain("<h1>Ledger</h1>")
            .And.Contain($"<dd>{lines.Count}</dd>")
            .And.Contain(lines[^1].Hash)
            .And.Contain($"href=\"/api/orgs/{slug}/ledger\"")
            .And.Contain($"dotnet run --project src/ESoviet.Verify -- {slug}-ledger.jsonl");
        html.Should().NotContain("<script>").And.NotContain("style=");
    }

    [Fact]
    public async Task A_candidate_reads_about_the_ledger_without_the_download()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        using var candidate = await app.JoinAsync(await founder.InviteAsync(slug));

        var html = await candidate.Client.GetStringAsync($"/o/{slug}/ledger");

        html.Should().Contain("<h1>Ledger</h1>").And.Contain("Full members can download the ledger");
        html.Should().NotContain($"/api/orgs/{slug}/ledger");
    }

    [Fact]
    public async Task Outsiders_get_404_and_anonymous_visitors_are_sent_to_sign_in()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        var (outsider, _) = await app.FoundAsync();
        using var __ = outsider;

        (await outsider.Client.GetAsync($"/o/{slug}/ledger")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var anonymous = await app.CreateClient().GetAsync($"/o/{slug}/ledger");
        anonymous.StatusCode.Should().Be(HttpStatusCode.Redirect);
        anonymous.Headers.Location!.OriginalString.Should().StartWith("/signin?returnUrl=");
    }
}
