using System.Net;
using System.Text.Json.Nodes;
using ESoviet.Testing;
using ESoviet.Web.Tests.Membership;

namespace ESoviet.Web.Tests.Security;

/// <summary>
/// SQL and full-text-search metacharacters in every text field of every endpoint and in every query parameter.
/// Each is stored and shown back as the text it is, or refused with a 4xx: never a 5xx, and the tables stay.
/// </summary>
public sealed class Injection(HostileFixture app) : IClassFixture<HostileFixture>
{
    private static readonly string[] SqlPayloads =
    [
        "'; DROP TABLE es.events; --",
        "' OR '1'='1",
        "x'); SELECT pg_sleep(10); --",
        "$1 $$ $tag$ ::text \\ %_ \"",
        "1; UPDATE memberships SET status = 'member'",
    ];

    private static readonly string[] SearchGarbage =
    [
        "a & | ! (", "'':*", "!!!", "<->", "<2>", "\\", "foo:*A", "(((", "or or or", "-", "\"unterminated", "%", "' OR 1=1 --",
        "a:* & !b | (c <-> d)", "😀 🗳", "\u202Eevil", "&&&&", "::", "*", "1e999",
    ];

    [Fact]
    public async Task Sql_metacharacters_in_every_text_field_of_every_endpoint_never_cause_a_server_error()
    {
        var served = app.ApiEndpoints();
        var failures = new List<string>();
        foreach (var entry in ApiSurface.Entries.Where(e => e.Body is not null && served.Contains(e.Key) && e.Key != "POST /api/orgs/{slug}/attachments"))
        {
            using var target = await Target.CreateAsync(app);
            var valid = JsonNode.Parse(await (await entry.BodyAsync(target))!.ReadAsStringAsync())!.AsObject();
            var textFields = valid.Where(p => p.Value is JsonValue v && v.TryGetValue<string>(out _)).Select(p => p.Key).ToList();
            using var caller = entry.Key.Contains(" /api/account/", StringComparison.Ordinal)
                ? await app.BrowserAsync(target.Member)
                : app.CreateTokenClient(target.Member.Client.DefaultRequestHeaders.Authorization!.Parameter!);
            foreach (var field in textFields)
            {
                foreach (var payload in SqlPayloads)
                {
                    var body = valid.DeepClone().AsObject();
                    body[field] = payload;
                    using var request = await target.RequestAsync(entry.Key, Target.Json(body));
                    using var response = await caller.SendAsync(request);
                    if ((int)response.StatusCode >= 500) failures.Add($"{entry.Key} with {field} = {payload}: {(int)response.StatusCode}");
                }
            }
        }

        failures.Should().BeEmpty();
        (await app.ScalarAsync<long>("SELECT count(*) FROM es.events")).Should().BePositive("the events table is still there");
        (await app.ScalarAsync<long>("SELECT count(*) FROM memberships WHERE status = 'member'")).Should()
            .Be(await app.ScalarAsync<long>("SELECT count(*) FROM memberships m WHERE status = 'member' AND EXISTS (SELECT 1 FROM es.events e WHERE e.type = 'member_admitted' AND e.data->>'handle' = m.handle)"),
                "nobody became a member without being admitted");
    }

    [Fact]
    public async Task Sql_metacharacters_are_stored_and_shown_back_as_plain_text()
    {
        using var target = await Target.CreateAsync(app);
        foreach (var payload in SqlPayloads)
        {
            using var posted = await target.Member.Client.PostJsonAsync($"/api/orgs/{target.Slug}/threads", new { title = payload, markdown = payload });
            await posted.ExpectAsync(HttpStatusCode.Created);
            var started = await posted.ReadJsonAsync();

            var thread = await (await target.Member.Client.GetAsync($"/api/orgs/{target.Slug}/threads/{started.GetProperty("threadId").GetGuid()}")).ReadJsonAsync();
            var history = await (await target.Member.Client.GetAsync($"/api/orgs/{target.Slug}/contributions/{started.GetProperty("openingId").GetGuid()}/history")).ReadJsonAsync();

            thread.GetProperty("thread").GetProperty("title").GetString().Should().Be(payload);
            history.GetProperty("versions")[0].GetProperty("markdown").GetString().Should().Be(payload);
        }

        var listed = await (await target.Member.Client.GetAsync($"/api/orgs/{target.Slug}/threads?tag={Uri.EscapeDataString("x' OR '1'='1")}")).ReadJsonAsync();
        listed.GetProperty("total").GetInt32().Should().Be(0, "a tag filter is compared as a value, not spliced into the query");
    }

    [Fact]
    public async Task Every_query_parameter_of_every_read_takes_sql_and_search_operators_without_a_server_error()
    {
        var served = app.ApiEndpoints();
        using var target = await Target.CreateAsync(app);
        using var seeded = await target.Member.Client.PostJsonAsync($"/api/orgs/{target.Slug}/threads", new { title = "Escrow", markdown = "Escrow account at the credit union" });
        await seeded.ExpectAsync(HttpStatusCode.Created);
        var failures = new List<string>();
        foreach (var entry in ApiSurface.Entries.Where(e => e.Key.StartsWith("GET ", StringComparison.Ordinal) && served.Contains(e.Key)))
        {
            foreach (var payload in SqlPayloads.Concat(SearchGarbage).Append("\0"))
            {
                var value = Uri.EscapeDataString(payload);
                using var request = await target.RequestAsync(entry.Key, null, $"?q={value}&tag={value}&page={value}&phase={value}&after={value}");
                using var response = await target.Member.Client.SendAsync(request);
                var status = (int)response.StatusCode;
                if (status >= 500) failures.Add($"{entry.Key} with {payload}: {status}");
                else if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json") failures.Add($"{entry.Key} with {payload}: {status} without a problem");
            }
        }

        failures.Should().BeEmpty();
    }

    [Fact]
    public async Task Full_text_search_answers_operators_and_garbage_with_results_or_a_400()
    {
        using var target = await Target.CreateAsync(app);
        using var seeded = await target.Member.Client.PostJsonAsync($"/api/orgs/{target.Slug}/threads", new { title = "Escrow", markdown = "Escrow account at the credit union" });
        await seeded.ExpectAsync(HttpStatusCode.Created);

        foreach (var query in SearchGarbage.Concat(SqlPayloads))
        {
            using var response = await target.Member.Client.GetAsync($"/api/orgs/{target.Slug}/search?q={Uri.EscapeDataString(query)}");
            response.StatusCode.Should().Be(HttpStatusCode.OK, query);
        }

        using var nul = await target.Member.Client.GetAsync($"/api/orgs/{target.Slug}/search?q=escrow%00");
        nul.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await nul.ReadProblemAsync()).Status.Should().Be(400);
        var hits = await (await target.Member.Client.GetAsync($"/api/orgs/{target.Slug}/search?q={Uri.EscapeDataString("escrow' OR '1'='1")}")).ReadJsonAsync();
        hits.GetProperty("hits").GetArrayLength().Should().BeLessThanOrEqualTo(1, "the quote is a word boundary, not SQL");
    }

    [Fact]
    public async Task A_nul_character_in_a_json_text_field_is_a_400_not_a_server_error()
    {
        using var target = await Target.CreateAsync(app);
        var before = await app.ScalarAsync<long>("SELECT count(*) FROM es.events");

        using var response = await target.Member.Client.PostJsonAsync($"/api/orgs/{target.Slug}/threads", new { title = "Nul", markdown = "before\0after" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.ReadProblemAsync()).Status.Should().Be(400);
        (await app.ScalarAsync<long>("SELECT count(*) FROM es.events")).Should().Be(before);
    }
}
