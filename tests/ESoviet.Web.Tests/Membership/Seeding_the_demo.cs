using System.Net;
using ESoviet.Testing;
using ESoviet.Web.Demo;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ESoviet.Web.Tests.Membership;

public sealed class Seeding_the_demo(Seeding_the_demo.Fixture app) : IClassFixture<Seeding_the_demo.Fixture>
{
    [Fact]
    public async Task An_empty_instance_gets_the_harbour_collective_through_real_events()
    {
        using var anna = await app.SignInAsync(DemoSeed.SignInHandle, DemoSeed.Password);

        var members = await (await anna.GetAsync($"/api/orgs/{DemoSeed.Slug}/members")).ReadJsonAsync();
        var invitations = await (await anna.GetAsync($"/api/orgs/{DemoSeed.Slug}/invitations")).ReadJsonAsync();
        var details = await (await anna.GetAsync($"/api/orgs/{DemoSeed.Slug}")).ReadJsonAsync();

        details.GetProperty("name").GetString().Should().Be("Harbour Workers' Collective");
        var people = members.GetProperty("people").EnumerateArray().ToDictionary(p => p.GetProperty("handle").GetString()!);
        people.Keys.Should().BeEquivalentTo(DemoSeed.Members.Append(DemoSeed.Candidate));
        DemoSeed.Members.Should().OnlyContain(h => people[h].GetProperty("status").GetString() == "member");
        var fay = people[DemoSeed.Candidate];
        fay.GetProperty("status").GetString().Should().Be("candidate");
        fay.GetProperty("vouches").GetArrayLength().Should().Be(1);
        members.GetProperty("vouchesNeeded").GetInt32().Should().Be(2);
        invitations.EnumerateArray().Count(i => i.GetProperty("status").GetString() == "open").Should().Be(1);
        var orgId = await app.ScalarAsync<Guid>("SELECT id FROM organizations WHERE slug = $1", DemoSeed.Slug);
        (await app.ScalarAsync<long>("SELECT count(*) FROM es.events WHERE tenant_id = $1", orgId.ToString())).Should().BeGreaterThan(20);
        // Every event about the organization carries it as tenant, except drafts: private to their author until submitted.
        (await app.ScalarAsync<long>(
            "SELECT count(*) FROM es.events WHERE data::text LIKE '%' || $1 || '%' AND tenant_id IS DISTINCT FROM $1 AND type <> 'proposal_drafted'",
            orgId.ToString())).Should().Be(0);
        (await app.ScalarAsync<long>("SELECT count(*) FROM es.events WHERE type = 'proposal_drafted' AND tenant_id IS NOT NULL")).Should().Be(0);
        (await app.ScalarAsync<long>("SELECT count(*) FROM proposals WHERE org_id = $1 AND phase IN ('voting', 'discussion')", orgId)).Should().Be(2);
        (await app.ScalarAsync<long>("SELECT count(*) FROM proposals WHERE org_id = $1 AND outcome = 'adopted'", orgId)).Should().Be(1);
        (await app.ScalarAsync<long>("SELECT count(*) FROM threads WHERE org_id = $1", orgId)).Should().Be(3);

        // The adopted canteen proposal is decision D-1, being carried out.
        var canteen = await (await anna.GetAsync($"/api/orgs/{DemoSeed.Slug}/decisions/1")).ReadJsonAsync();
        canteen.GetProperty("implementer").GetString().Should().Be("boris");
        canteen.GetProperty("commitmentCounts").GetProperty("dissent").GetInt32().Should().Be(1);
        canteen.GetProperty("minorityReport").GetProperty("signers")[0].GetString().Should().Be("dara");
        canteen.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("state").GetString()).Should().Equal("done", "in_progress", "planned");
        canteen.GetProperty("reports").GetArrayLength().Should().Be(1);
    }

    [Fact]
    public async Task A_second_start_seeds_nothing()
    {
        var before = await app.EventCountAsync();

        var again = await app.Services.GetRequiredService<DemoSeed>().RunAsync(CancellationToken.None);

        again.Should().BeNull();
        (await app.EventCountAsync()).Should().Be(before);
        (await app.ScalarAsync<long>("SELECT count(*) FROM organizations WHERE slug = $1", DemoSeed.Slug)).Should().Be(1);
    }

    [Fact]
    public async Task A_demo_instance_lets_visitors_found_their_own_organization_too()
    {
        using var client = app.CreateClient();

        using var response = await client.PostJsonAsync("/api/orgs",
            new { name = "Visitors", slug = People.NewSlug(), handle = ApiClient.NewHandle("visitor"), password = ApiClient.DefaultPassword });

        response.StatusCode.Should().Be(HttpStatusCode.Created);
    }

    public sealed class Fixture : AppFixture
    {
        protected override string DatabasePrefix => "demo";

        protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.UseSetting("ESoviet:SeedDemo", "true");
    }
}
