using System.Text;
using ESoviet.Testing;
using ESoviet.Web.Membership;
using ESoviet.Web.Tests.Membership;

namespace ESoviet.Web.Tests.Security;

/// <summary>
/// Every endpoint the app serves, called by every kind of caller, each answer compared with <see cref="ApiSurface"/>.
/// The endpoints come from the running app's route table: one it serves without an entry fails the test, as does an
/// entry for an endpoint it no longer serves. Each request gets fresh people and resources (<see cref="Target"/>),
/// and a refused request must leave the event log exactly as it was.
/// </summary>
public sealed class Authorization_matrix_over_the_whole_api(HostileFixture app) : IClassFixture<HostileFixture>
{
    [Fact]
    public void Every_endpoint_in_the_route_table_has_an_entry_and_every_entry_an_endpoint()
    {
        var served = app.ApiEndpoints();
        var listed = ApiSurface.Entries.Select(e => e.Key).ToList();

        listed.Should().OnlyHaveUniqueItems();
        served.Except(listed).Should().BeEmpty("every endpoint needs a row in ApiSurface.Entries saying who may call it");
        listed.Except(served).Should().BeEmpty("an entry for an endpoint the app no longer serves is stale");
    }

    [Fact]
    public async Task Every_endpoint_answers_every_caller_as_the_table_says_and_refusals_change_nothing()
    {
        var served = app.ApiEndpoints().ToHashSet();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var entries = ApiSurface.Entries.Where(e => served.Contains(e.Key)).ToArray();
        var rows = new int[entries.Length][];

        // Every request has an organization of its own, so endpoints can be checked side by side.
        await Parallel.ForEachAsync(Enumerable.Range(0, entries.Length), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var entry = entries[i];
            rows[i] = new int[Enum.GetValues<Principal>().Length];
            foreach (var principal in Enum.GetValues<Principal>())
            {
                var (status, problem, logChanged, body) = await CallAsync(entry, principal);
                rows[i][(int)principal] = status;
                var expected = entry.Expected[(int)principal];
                if (status != expected) failures.Add($"{entry.Key} as {principal}: expected {expected}, got {status} {Truncate(body)}");
                // The hub is not /api: its refusals are bare statuses, as SignalR clients expect.
                if (status >= 400 && !problem && entry.Key.Contains(" /api/", StringComparison.Ordinal)) failures.Add($"{entry.Key} as {principal}: {status} without a problem document: {Truncate(body)}");
                if (status >= 400 && logChanged) failures.Add($"{entry.Key} as {principal}: refused with {status} but the event log changed");
            }
        });

        var observed = new StringBuilder();
        for (var i = 0; i < entries.Length; i++) observed.AppendLine($"        new(\"{entries[i].Key}\", [{string.Join(", ", rows[i])}]),");
        failures.Should().BeEmpty("observed:\n" + observed);
    }

    private async Task<(int Status, bool Problem, bool LogChanged, string Body)> CallAsync(ApiSurface.Entry entry, Principal principal)
    {
        using var target = await Target.CreateAsync(app);
        // What the request aims at first, then the caller: an electorate (fixed when a vote opens) is the target's
        // member alone, so a decision's vote closes as soon as they voted.
        using var request = await target.RequestAsync(entry.Key, await entry.BodyAsync(target), entry.Query);
        using var caller = await CallerAsync(principal, target);
        var before = await target.EventCountAsync();
        using var response = await caller.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var after = await target.EventCountAsync();
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType == "application/problem+json", after != before, body);
    }

    private async Task<HttpClient> CallerAsync(Principal principal, Target target)
    {
        switch (principal)
        {
            case Principal.Anonymous:
                return app.CreateClient();
            case Principal.RevokedToken:
                return (await target.SeedAsync(MemberStatus.Member, "revoked", revokeToken: true)).Client;
            case Principal.Outsider:
                return (await app.SeedAsync(app.OtherOrganizationId, MemberStatus.Member, "outsider")).Client;
            case Principal.Expelled:
                return (await target.SeedAsync(MemberStatus.Expelled, "expelled")).Client;
            case Principal.Candidate:
                return (await target.SeedAsync(MemberStatus.Candidate, "candidate")).Client;
            case Principal.Member:
                // Its own client: the target disposes the member's, and a response may not dispose it twice.
                var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.BaseAddress };
                client.DefaultRequestHeaders.Authorization = target.Member.Client.DefaultRequestHeaders.Authorization;
                return client;
            default:
                return await app.BrowserAsync(target.Member);
        }
    }

    private static string Truncate(string body) => body.Length > 300 ? body[..300] + "…" : body;
}
