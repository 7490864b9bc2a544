using System.IO.Pipelines;
using System.Net;
using System.Text;
using ESoviet.Testing;
using ESoviet.Web.Accounts;
using ESoviet.Web.Ledger;
using ESoviet.Web.Tests.Membership;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ESoviet.Web.Tests.Ledger;

/// <summary><c>GET /api/orgs/{slug}/ledger</c>: JSON Lines for full members, resumable, and never a credential in it.</summary>
public sealed class Exporting_the_ledger(LedgerFixture app) : IClassFixture<LedgerFixture>
{
    [Fact]
    public async Task A_member_downloads_every_sealed_entry_as_json_lines()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        using var member = await app.AdmitAsync(founder, slug);
        await app.WaitForSealingAsync();

        using var response = await member.Client.GetAsync($"/api/orgs/{slug}/ledger");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/x-ndjson");
        response.Content.Headers.ContentDisposition!.FileName.Should().Be($"{slug}-ledger.jsonl");
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        var text = await response.Content.ReadAsStringAsync();
        text.Should().EndWith("}\n");
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ExportLine.Parse).ToList();
        lines.ShouldFormOneChain();
        response.Headers.GetValues(LedgerExportResult.HeadPositionHeader).Single().Should().Be(lines.Count.ToString());
        response.Headers.GetValues(LedgerExportResult.HeadHashHeader).Single().Should().Be(lines[^1].Hash);
    }

    [Fact]
    public async Task An_entry_holds_the_event_without_correlation_or_transaction_ids()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        await app.WaitForSealingAsync();

        var entry = (await founder.Client.ExportAsync(slug))[0].Json;

        entry.EnumerateObject().Select(p => p.Name).Should().Equal("org", "position", "seq", "id", "stream", "version", "type", "time", "actor", "data");
        entry.GetProperty("type").GetString().Should().Be("organization_founded");
        entry.GetProperty("actor").GetString().Should().Be(founder.Handle);
        entry.GetProperty("data").GetProperty("slug").GetString().Should().Be(slug);
        entry.GetProperty("time").GetString().Should().MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$");
    }

    [Fact]
    public async Task After_resumes_past_a_position_and_continues_the_chain()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        using var member = await app.AdmitAsync(founder, slug);
        await app.WaitForSealingAsync();
        var all = await founder.Client.ExportAsync(slug);

        var rest = await founder.Client.ExportAsync(slug, after: 3);
        var none = await founder.Client.ExportAsync(slug, after: all.Count);

        rest.Should().Equal(all.Skip(3));
        rest[0].Prev.Should().Be(all[2].Hash);
        none.Should().BeEmpty();
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999")]
    public async Task After_must_be_a_whole_number(string after)
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;

        using var response = await founder.Client.GetAsync($"/api/orgs/{slug}/ledger?after={after}");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.ReadProblemAsync()).Errors.Should().ContainKey("after");
    }

    [Fact]
    public async Task Only_full_members_may_export()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        using var candidate = await app.JoinAsync(await founder.InviteAsync(slug));
        var (outsider, _) = await app.FoundAsync();
        using var __ = outsider;
        using var anonymous = app.CreateClient();

        foreach (var path in new[] { $"/api/orgs/{slug}/ledger", $"/api/orgs/{slug}/ledger/head" })
        {
            (await candidate.Client.GetAsync(path)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
            (await outsider.Client.GetAsync(path)).StatusCode.Should().Be(HttpStatusCode.NotFound);
            (await anonymous.GetAsync(path)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            (await founder.Client.GetAsync(path)).StatusCode.Should().Be(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task The_head_endpoint_names_the_last_entry()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        await app.WaitForSealingAsync();
        var lines = await founder.Client.ExportAsync(slug);

        var head = await (await founder.Client.GetAsync($"/api/orgs/{slug}/ledger/head")).ReadJsonAsync();

        head.GetProperty("entries").GetInt64().Should().Be(lines.Count);
        head.GetProperty("head").GetString().Should().Be(lines[^1].Hash);
    }

    [Fact]
    public async Task No_credential_of_any_account_appears_in_an_export()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        var invitation = await founder.InviteAsync(slug);
        using var member = await app.JoinAsync(invitation);
        await founder.VouchAsync(slug, member.Handle);
        var token = await member.Client.CreateTokenAsync();
        var openInvitation = await founder.InviteAsync(slug);
        await app.WaitForSealingAsync();

        var secrets = new List<string> { ApiClient.DefaultPassword, token, invitation, openInvitation };
        await using (var connection = new NpgsqlConnection(app.ConnectionString))
        {
            await connection.OpenAsync();
            foreach (var sql in new[]
            {
                "SELECT password_hash FROM accounts", "SELECT code_hash FROM recovery_codes",
                "SELECT token_hash FROM access_tokens", "SELECT token_hash FROM invitation_tokens",
                "SELECT security_stamp::text FROM accounts",
            })
            {
                await using var cmd = new NpgsqlCommand(sql, connection);
                await using var reader = await cmd.ExecuteReaderAsync();
                while (await reader.ReadAsync()) secrets.Add(reader.GetString(0));
            }
        }
        secrets.Add(await SessionCookieAsync(founder.Handle));
        secrets.Add(await SessionCookieAsync(member.Handle));
        secrets.Should().HaveCountGreaterThan(8);

        using var response = await member.Client.GetAsync($"/api/orgs/{slug}/ledger");
        var export = await response.Content.ReadAsStringAsync();

        export.Should().Contain(member.Handle);
        foreach (var secret in secrets) export.Should().NotContain(secret);
    }

    [Fact]
    public async Task Pages_of_the_export_join_without_a_seam()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        using var a = await app.AdmitAsync(founder, slug);
        using var b = await app.AdmitAsync(founder, slug);
        await app.WaitForSealingAsync();
        var org = await app.OrganizationIdAsync(slug);
        var expected = string.Concat((await founder.Client.ExportAsync(slug)).Select(l => $"{{\"hash\":\"{l.Hash}\",\"prev\":\"{l.Prev}\",\"entry\":{l.Entry}}}\n"));

        foreach (var pageSize in new[] { 1, 2, 3, 7 })
        {
            var export = new LedgerExport(app.Services.GetRequiredService<NpgsqlDataSource>()) { PageSize = pageSize };
            var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
            var count = await export.WriteAsync(org, 0, long.MaxValue, pipe.Writer, default);
            await pipe.Writer.CompleteAsync();
            var bytes = (await pipe.Reader.ReadAtLeastAsync(int.MaxValue / 2)).Buffer;

            Encoding.UTF8.GetString(bytes).Should().Be(expected, $"pages of {pageSize}");
            count.Should().Be(expected.Count(c => c == '\n'));
        }
    }

    /// <summary>Signs in afresh with a cookie jar of our own, and returns the session cookie's value.</summary>
    private async Task<string> SessionCookieAsync(string handle)
    {
        var cookies = new CookieContainer();
        using var client = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        using var response = await client.PostJsonAsync("/api/session", new { handle, password = ApiClient.DefaultPassword });
        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        return cookies.GetAllCookies().Single(c => c.Name == AccountsSetup.SessionCookieName).Value;
    }
}
