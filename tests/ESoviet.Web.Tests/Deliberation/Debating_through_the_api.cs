using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ESoviet.Testing;
using ESoviet.Web.Tests.Membership;

namespace ESoviet.Web.Tests.Deliberation;

public sealed class Debating_through_the_api(MembershipFixture app) : IClassFixture<MembershipFixture>
{
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    private static async Task<JsonElement> StartAsync(Person who, string slug, object body)
    {
        using var response = await who.Client.PostJsonAsync($"/api/orgs/{slug}/threads", body);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    private static async Task<JsonElement> ThreadAsync(Person who, string slug, string threadId)
    {
        using var response = await who.Client.GetAsync($"/api/orgs/{slug}/threads/{threadId}");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.ReadJsonAsync();
    }

    [Fact]
    public async Task A_thread_with_a_structured_opening_a_reply_with_evidence_and_an_edit_keeps_every_version()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug, "boris");

        var started = await StartAsync(anna, slug, new
        {
            title = "Rent strike in block C",
            tags = new[] { "housing" },
            requiresStructure = true,
            markdown = "We should **withhold rent** together.",
            structure = new { why = "rents rise 20%", toWhom = "members", source = "the landlord's letter", analysis = "we hold most flats" },
        });
        var threadId = started.GetProperty("threadId").GetString()!;
        var openingId = started.GetProperty("openingId").GetString()!;

        var upload = new MultipartFormDataContent { { new ByteArrayContent(Png) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } }, "file", "photo.png" } };
        using var uploaded = await boris.Client.PostAsync($"/api/orgs/{slug}/attachments", upload);
        uploaded.StatusCode.Should().Be(HttpStatusCode.Created, await uploaded.Content.ReadAsStringAsync());
        var sha = (await uploaded.ReadJsonAsync()).GetProperty("sha256").GetString()!;
        using (var reply = await boris.Client.PostJsonAsync($"/api/orgs/{slug}/threads/{threadId}/contributions",
            new { parentId = openingId, markdown = "I agree, here is the notice @" + anna.Handle + " mentioned: cormorant", attachments = new[] { sha } }))
            reply.StatusCode.Should().Be(HttpStatusCode.Created, await reply.Content.ReadAsStringAsync());

        using (var edit = await anna.Client.PutJsonAsync($"/api/orgs/{slug}/contributions/{openingId}",
            new { markdown = "We should **withhold rent** together, from May.", structure = new { why = "rents rise 20%", toWhom = "members", source = "the landlord's letter", analysis = "we hold most flats" } }))
            edit.StatusCode.Should().Be(HttpStatusCode.OK, await edit.Content.ReadAsStringAsync());

        var thread = await ThreadAsync(boris, slug, threadId);
        var contributions = thread.GetProperty("contributions").EnumerateArray().ToList();
        contributions.Should().HaveCount(2);
        contributions[0].GetProperty("html").GetString().Should().Contain("<strong>withhold rent</strong>").And.Contain("from May");
        contributions[0].GetProperty("isEdited").GetBoolean().Should().BeTrue();
        contributions[0].GetProperty("structure").GetProperty("source").GetString().Should().Be("the landlord's letter");
        contributions[1].GetProperty("depth").GetInt32().Should().Be(1);
        contributions[1].GetProperty("html").GetString().Should().Contain($"href=\"/o/{slug}/members#member-{anna.Handle}\"");
        contributions[1].GetProperty("attachments")[0].GetProperty("sha256").GetString().Should().Be(sha);

        var history = await (await anna.Client.GetAsync($"/api/orgs/{slug}/contributions/{openingId}/history")).ReadJsonAsync();
        history.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("markdown").GetString())
            .Should().Equal("We should **withhold rent** together.", "We should **withhold rent** together, from May.");

        var found = await (await anna.Client.GetAsync($"/api/orgs/{slug}/search?q=cormorant")).ReadJsonAsync();
        found.GetProperty("hits").EnumerateArray().Should().ContainSingle()
            .Which.GetProperty("snippetHtml").GetString().Should().Contain("<mark>cormorant</mark>");

        var mentions = await (await anna.Client.GetAsync($"/api/orgs/{slug}/mentions")).ReadJsonAsync();
        mentions.EnumerateArray().Should().ContainSingle().Which.GetProperty("author").GetString().Should().Be(boris.Handle);

        using var image = await anna.Client.GetAsync($"/api/orgs/{slug}/attachments/{sha}");
        image.Content.Headers.ContentType!.MediaType.Should().Be("image/png");
        (await image.Content.ReadAsByteArrayAsync()).Should().Equal(Png);
    }

    [Fact]
    public async Task Refused_writes_change_nothing()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug, "boris");
        var started = await StartAsync(anna, slug, new { title = "Budget", markdown = "Draft budget." });
        var threadId = started.GetProperty("threadId").GetString()!;
        var openingId = started.GetProperty("openingId").GetString()!;
        var before = await app.EventCountAsync();
        var blobsBefore = await app.ScalarAsync<long>("SELECT count(*) FROM attachment_uploads");

        async Task Expect(HttpResponseMessage response, HttpStatusCode status)
        {
            response.StatusCode.Should().Be(status, await response.Content.ReadAsStringAsync());
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        }

        await Expect(await anna.Client.PostJsonAsync($"/api/orgs/{slug}/threads/{threadId}/contributions", new { markdown = "  " }), HttpStatusCode.BadRequest);
        await Expect(await anna.Client.PostJsonAsync($"/api/orgs/{slug}/threads/{threadId}/contributions", new { markdown = new string('x', 100_001) }), HttpStatusCode.BadRequest);
        await Expect(await anna.Client.PostJsonAsync($"/api/orgs/{slug}/threads/{threadId}/contributions", new { parentId = Guid.NewGuid(), markdown = "hi" }), HttpStatusCode.BadRequest);
        await Expect(await anna.Client.PostJsonAsync($"/api/orgs/{slug}/threads/{Guid.NewGuid()}/contributions", new { markdown = "hi" }), HttpStatusCode.NotFound);
        await Expect(await boris.Client.PutJsonAsync($"/api/orgs/{slug}/contributions/{openingId}", new { markdown = "taken over" }), HttpStatusCode.Forbidden);
        await Expect(await anna.Client.PostJsonAsync($"/api/orgs/{slug}/threads", new { title = "x", markdown = "y", attachments = new[] { new string('a', 64) } }), HttpStatusCode.BadRequest);

        var fake = new MultipartFormDataContent { { new ByteArrayContent("<html><script>alert(1)</script></html>"u8.ToArray()), "file", "photo.png" } };
        await Expect(await anna.Client.PostAsync($"/api/orgs/{slug}/attachments", fake), HttpStatusCode.UnsupportedMediaType);
        var big = new MultipartFormDataContent { { new ByteArrayContent(new byte[10 * 1024 * 1024 + 1]), "file", "big.pdf" } };
        await Expect(await anna.Client.PostAsync($"/api/orgs/{slug}/attachments", big), HttpStatusCode.RequestEntityTooLarge);

        (await app.EventCountAsync()).Should().Be(before);
        (await app.ScalarAsync<long>("SELECT count(*) FROM attachment_uploads")).Should().Be(blobsBefore);
    }

    [Fact]
    public async Task A_retracted_contribution_hides_its_text_but_members_keep_its_history()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        var started = await StartAsync(anna, slug, new { title = "Retraction", markdown = "Something I regret, pelican." });
        var openingId = started.GetProperty("openingId").GetString()!;

        using (var retract = await anna.Client.PostAsync($"/api/orgs/{slug}/contributions/{openingId}/retract"))
            retract.StatusCode.Should().Be(HttpStatusCode.OK);

        var thread = await ThreadAsync(anna, slug, started.GetProperty("threadId").GetString()!);
        var opening = thread.GetProperty("contributions")[0];
        opening.GetProperty("retracted").GetBoolean().Should().BeTrue();
        opening.GetProperty("html").GetString().Should().BeEmpty();
        (await (await anna.Client.GetAsync($"/api/orgs/{slug}/search?q=pelican")).ReadJsonAsync()).GetProperty("hits").GetArrayLength().Should().Be(0);
        var history = await (await anna.Client.GetAsync($"/api/orgs/{slug}/contributions/{openingId}/history")).ReadJsonAsync();
        history.GetProperty("versions")[0].GetProperty("markdown").GetString().Should().Contain("pelican");
    }

    [Fact]
    public async Task Another_organization_sees_neither_threads_nor_files()
    {
        var (anna, slug) = await app.FoundAsync();
        var (outsider, _) = await app.FoundAsync();
        using var a = anna;
        using var o = outsider;
        var started = await StartAsync(anna, slug, new { title = "Internal", markdown = "Internal matter." });

        (await outsider.Client.GetAsync($"/api/orgs/{slug}/threads")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await outsider.Client.GetAsync($"/api/orgs/{slug}/threads/{started.GetProperty("threadId").GetString()}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await outsider.Client.GetAsync($"/api/orgs/{slug}/search?q=internal")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_member_who_turned_mentions_off_is_not_notified_but_others_are()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        using var boris = await app.AdmitAsync(anna, slug, "boris");
        using var chen = await app.AdmitAsync(anna, slug, "chen");
        using (var off = await boris.Client.PutJsonAsync("/api/account/mentions", new { enabled = false }))
            off.StatusCode.Should().Be(HttpStatusCode.NoContent);

        await StartAsync(anna, slug, new { title = "Rota", markdown = $"@{boris.Handle} and @{chen.Handle}, can you take Friday?" });

        (await (await boris.Client.GetAsync($"/api/orgs/{slug}/mentions")).ReadJsonAsync()).GetArrayLength().Should().Be(0);
        (await (await chen.Client.GetAsync($"/api/orgs/{slug}/mentions")).ReadJsonAsync()).GetArrayLength().Should().Be(1);
    }

    [Fact]
    public async Task Search_accepts_operators_and_garbage_without_error()
    {
        var (anna, slug) = await app.FoundAsync();
        using var _ = anna;
        await StartAsync(anna, slug, new { title = "Wages", markdown = "Wages and hours." });

        foreach (var q in new[] { "wages & !", "\"unterminated", "a | | b", "'; DROP TABLE threads; --", "(((", "-wages", "wages or hours", ":*" })
        {
            using var response = await anna.Client.GetAsync($"/api/orgs/{slug}/search?q={Uri.EscapeDataString(q)}");
            response.StatusCode.Should().Be(HttpStatusCode.OK, q);
        }
        (await app.ScalarAsync<long>("SELECT count(*) FROM threads")).Should().BeGreaterThan(0);
    }
}
