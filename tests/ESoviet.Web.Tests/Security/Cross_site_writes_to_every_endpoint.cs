using ESoviet.Testing;
using ESoviet.Web.Accounts;
using ESoviet.Web.Tests.Membership;

namespace ESoviet.Web.Tests.Security;

/// <summary>
/// Every write endpoint of the route table, called with the member's session cookie the way a forged cross-site
/// request would be: without the antiforgery token, or from another origin with it. Each is refused before it does
/// anything. The filter's finer cases (another account's token, Sec-Fetch-Site, bearer tokens) are in
/// <c>Accounts.Cross_site_requests</c>.
/// </summary>
public sealed class Cross_site_writes_to_every_endpoint(HostileFixture app) : IClassFixture<HostileFixture>
{
    [Fact]
    public async Task A_cookie_write_without_the_antiforgery_token_or_from_another_origin_is_refused_everywhere_and_changes_nothing()
    {
        var served = app.ApiEndpoints();
        var failures = new List<string>();
        foreach (var entry in ApiSurface.Entries.Where(e => e.IsWrite && served.Contains(e.Key) && e.Key.Contains(" /api/", StringComparison.Ordinal)))
        {
            using var target = await Target.CreateAsync(app);
            using var browser = await app.BrowserAsync(target.Member);
            var token = browser.DefaultRequestHeaders.GetValues(AccountsSetup.AntiforgeryHeader).Single();
            browser.DefaultRequestHeaders.Remove(AccountsSetup.AntiforgeryHeader);

            using (var withoutToken = await target.RequestAsync(entry.Key, await entry.BodyAsync(target), entry.Query))
                await ExpectRefusedAsync(withoutToken, 400, "without the antiforgery token");

            using (var fromElsewhere = await target.RequestAsync(entry.Key, await entry.BodyAsync(target), entry.Query))
            {
                fromElsewhere.Headers.Add(AccountsSetup.AntiforgeryHeader, token);
                fromElsewhere.Headers.Add("Origin", "https://evil.example");
                await ExpectRefusedAsync(fromElsewhere, 403, "from another origin");
            }

            async Task ExpectRefusedAsync(HttpRequestMessage request, int expected, string how)
            {
                var before = await app.ScalarAsync<long>("SELECT count(*) FROM es.events");
                using var response = await browser.SendAsync(request);
                var status = (int)response.StatusCode;
                if (status != expected) failures.Add($"{entry.Key} {how}: expected {expected}, got {status} {await response.Content.ReadAsStringAsync()}");
                else if (await app.ScalarAsync<long>("SELECT count(*) FROM es.events") != before) failures.Add($"{entry.Key} {how}: refused but the event log changed");
            }
        }

        failures.Should().BeEmpty();
    }
}
