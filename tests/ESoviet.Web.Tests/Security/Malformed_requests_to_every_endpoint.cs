using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using ESoviet.Testing;
using ESoviet.Web.Tests.Membership;

namespace ESoviet.Web.Tests.Security;

/// <summary>
/// Broken, oversized and nonsensical requests to every endpoint of the route table, sent by a full member (so
/// authorization lets them through to parsing and validation). Each must be answered with a 4xx problem document,
/// never a 5xx, and must leave the event log as it was. The bodies start from the valid ones in <see cref="ApiSurface"/>
/// and break one thing at a time.
/// </summary>
public sealed class Malformed_requests_to_every_endpoint(HostileFixture app) : IClassFixture<HostileFixture>
{
    private const int OneMegabyte = 1024 * 1024;
    private const string OverTheLimit = "a body over the limit";

    /// <summary>Endpoints for which an empty object is a complete, harmless request.</summary>
    private static readonly HashSet<string> EmptyObjectIsValid = ["POST /api/orgs/{slug}/preview"];

    [Fact]
    public async Task Broken_json_bodies_are_refused_with_a_problem_and_change_nothing()
    {
        var failures = new List<string>();
        foreach (var entry in JsonEntries())
        {
            using var target = await Target.CreateAsync(app);
            var valid = JsonNode.Parse(await (await entry.BodyAsync(target))!.ReadAsStringAsync())!.AsObject();
            var variants = new List<(string Name, HttpContent Body)>
            {
                ("invalid JSON", Raw("{\"markdown\": \"unterminated")),
                ("an array instead of an object", Raw("[]")),
                ("null", Raw("null")),
                ("a number instead of an object", Raw("1e999")),
                ("an unknown field", Raw(With(valid, "isAdmin", true))),
                ("invalid UTF-8", new ByteArrayContent([.. "{\"name\":\""u8, 0xC3, 0x28, 0xFF, .. "\"}"u8]) { Headers = { ContentType = new("application/json") } }),
                (OverTheLimit, Raw("{\"markdown\":\"" + new string('x', 3 * OneMegabyte) + "\"}")),
            };
            if (!EmptyObjectIsValid.Contains(entry.Key)) variants.Add(("all fields missing", Raw("{}")));
            foreach (var (field, _) in valid)
            {
                variants.Add(($"{field} as an object", Raw(With(valid, field, new JsonObject { ["$ne"] = 1 }))));
                variants.Add(($"{field} as a huge number", Raw(With(valid, field, JsonNode.Parse("123456789012345678901234567890123456789")))));
                variants.Add(($"{field} as a 1 MB string", Raw(With(valid, field, new string('x', OneMegabyte - 100)))));
            }

            foreach (var (name, body) in variants)
            {
                var failure = await RefusedAsync(target, entry, name, await target.RequestAsync(entry.Key, body), name == OverTheLimit ? 413 : null);
                if (failure is not null) failures.Add(failure);
            }
        }

        failures.Should().BeEmpty();
    }

    [Fact]
    public async Task A_preview_longer_than_a_contribution_may_be_is_refused_not_rendered()
    {
        using var target = await Target.CreateAsync(app);

        using var response = await target.Member.Client.PostJsonAsync($"/api/orgs/{target.Slug}/preview", new { markdown = new string('a', 100_001) });

        response.StatusCode.Should().Be(System.Net.HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        (await response.ReadProblemAsync()).Errors.Should().ContainKey("markdown");
    }

    [Fact]
    public async Task Broken_uploads_are_refused_with_a_problem_and_change_nothing()
    {
        using var target = await Target.CreateAsync(app);
        const string key = "POST /api/orgs/{slug}/attachments";
        var entry = ApiSurface.Entries.Single(e => e.Key == key);
        var noFile = new MultipartFormDataContent { { new StringContent("hello"), "notfile" } };
        var json = Raw("{\"file\":\"aGVsbG8=\"}");
        var truncated = new ByteArrayContent("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhel"u8.ToArray());
        truncated.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=b");
        var tooBig = ApiSurface.File("big.txt", "text/plain", Encoding.ASCII.GetBytes(new string('a', 11 * OneMegabyte)));

        var failures = new List<string?>
        {
            await RefusedAsync(target, entry, "no file field", await target.RequestAsync(key, noFile)),
            await RefusedAsync(target, entry, "JSON instead of a form", await target.RequestAsync(key, json)),
            await RefusedAsync(target, entry, "a truncated form", await target.RequestAsync(key, truncated)),
            await RefusedAsync(target, entry, "a file over the limit", await target.RequestAsync(key, tooBig), 413),
        };

        failures.Where(f => f is not null).Should().BeEmpty();
    }

    [Fact]
    public async Task Hostile_path_segments_and_query_strings_are_refused_with_a_problem()
    {
        var hostile = new[]
        {
            "..%2F..%2Fapi%2Fversion", "%C3%28%FF", "'%3B%20DROP%20TABLE%20es.events%3B--",
            new string('a', 4000), "00000000-0000-0000-0000-000000000000", "-1", "99999999999999999999999999",
        };
        var failures = new List<string>();
        using var slugOnly = await Target.CreateAsync(app);
        foreach (var entry in ApiSurface.Entries.Where(e => app.ApiEndpoints().Contains(e.Key) && e.Key.Contains('{')))
        {
            using var target = await Target.CreateAsync(app);
            var (method, path) = (entry.Key[..entry.Key.IndexOf(' ')], entry.Key[(entry.Key.IndexOf(' ') + 1)..]);
            if (method == "ANY") method = "POST";
            var request = await target.RequestAsync(entry.Key, null);
            var realSegments = request.RequestUri!.OriginalString.Split('/');
            var pattern = path.Split('/');
            for (var i = 0; i < pattern.Length; i++)
            {
                if (!pattern[i].StartsWith('{')) continue;
                foreach (var value in hostile)
                {
                    var segments = realSegments.ToArray();
                    segments[i] = value;
                    var before = await app.EventCountAsync();
                    var (status, contentType, body) = await RawAsync(method, string.Join('/', segments), target.Member);
                    if (await app.EventCountAsync() != before) failures.Add($"{method} {string.Join('/', segments)[..Math.Min(120, string.Join('/', segments).Length)]}: the event log changed");
                    if (status >= 500 || status < 400 || contentType != "application/problem+json")
                        failures.Add($"{method} {string.Join('/', segments)[..Math.Min(120, string.Join('/', segments).Length)]}: {status} {contentType} {body[..Math.Min(200, body.Length)]}");
                }
            }
        }

        // Literal dot segments, which HttpClient would have resolved before sending.
        foreach (var path in new[] { $"/api/orgs/{slugOnly.Slug}/../../version", $"/api/orgs/{slugOnly.Slug}/threads/../../../account/tokens" })
        {
            var (status, contentType, body) = await RawAsync("GET", path, slugOnly.Member);
            if (status >= 500 || (status >= 400 && contentType != "application/problem+json")) failures.Add($"GET {path}: {status} {contentType} {body}");
        }

        foreach (var query in new[] { "page=99999999999999", "page=2147483647", "page=100000000", "page=-2147483648", "page=abc", "tag=%00", "tag=" + new string('x', 4000) })
        {
            var (status, contentType, body) = await RawAsync("GET", $"/api/orgs/{slugOnly.Slug}/threads?{query}", slugOnly.Member);
            if (status >= 500 || (status >= 400 && contentType != "application/problem+json")) failures.Add($"GET threads?{query[..Math.Min(40, query.Length)]}: {status} {contentType} {body[..Math.Min(200, body.Length)]}");
        }

        failures.Should().BeEmpty();
    }

    private IEnumerable<ApiSurface.Entry> JsonEntries()
    {
        var served = app.ApiEndpoints();
        return ApiSurface.Entries.Where(e => e.Body is not null && e.Key != "POST /api/orgs/{slug}/attachments" && served.Contains(e.Key));
    }

    private async Task<string?> RefusedAsync(Target target, ApiSurface.Entry entry, string variant, HttpRequestMessage request, int? expected = null)
    {
        using var _ = request;
        // So that a refusal by size arrives before the client has pushed megabytes into a closed connection.
        request.Headers.ExpectContinue = true;
        // Account endpoints take the browser session only; everything else gets the member's token.
        using var member = entry.Key.Contains(" /api/account/", StringComparison.Ordinal)
            ? await app.BrowserAsync(target.Member)
            : app.CreateTokenClient(TokenOf(target));
        var before = await app.EventCountAsync();
        using var response = await member.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var after = await app.EventCountAsync();
        var status = (int)response.StatusCode;
        if (expected is not null && status != expected) return $"{entry.Key} with {variant}: expected {expected}, got {status}";
        if (status is < 400 or >= 500) return $"{entry.Key} with {variant}: {status} {body[..Math.Min(300, body.Length)]}";
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json") return $"{entry.Key} with {variant}: {status} without a problem document";
        if (after != before) return $"{entry.Key} with {variant}: refused with {status} but the event log changed";
        return null;
    }

    private static string TokenOf(Target target) => target.Member.Client.DefaultRequestHeaders.Authorization!.Parameter!;

    private static HttpContent Raw(string json) => new StringContent(json, Encoding.UTF8, "application/json");

    private static string With(JsonObject valid, string field, JsonNode? value)
    {
        var copy = valid.DeepClone().AsObject();
        copy[field] = value;
        return copy.ToJsonString();
    }

    /// <summary>One request written byte for byte on a socket, so nothing on the way normalizes the path.</summary>
    private async Task<(int Status, string? ContentType, string Body)> RawAsync(string method, string path, Caller caller)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(app.BaseAddress.Host, app.BaseAddress.Port);
        await using var stream = tcp.GetStream();
        var token = caller.Client.DefaultRequestHeaders.Authorization!.Parameter;
        var request = $"{method} {path} HTTP/1.1\r\nHost: {app.BaseAddress.Authority}\r\nAuthorization: Bearer {token}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync();
        var headerEnd = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = headerEnd < 0 ? response : response[..headerEnd];
        var status = int.Parse(head.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var contentType = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))?[13..].Trim().Split(';')[0];
        return (status, contentType, headerEnd < 0 ? "" : response[(headerEnd + 4)..]);
    }
}
