using System.Net;
using System.Text.Json;
using ESoviet.Testing;
using ESoviet.Web.Membership;
using Npgsql;

namespace ESoviet.Web.Tests.Membership;

public sealed class Founding_and_joining_through_the_api(MembershipFixture app) : IClassFixture<MembershipFixture>
{
    [Fact]
    public async Task A_founder_is_the_first_member_under_the_default_charter()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;

        var mine = await (await founder.Client.GetAsync("/api/orgs")).ReadJsonAsync();
        var details = await (await founder.Client.GetAsync($"/api/orgs/{slug}")).ReadJsonAsync();
        var charter = await (await founder.Client.GetAsync($"/api/orgs/{slug}/charter")).ReadJsonAsync();

        mine.EnumerateArray().Should().ContainSingle(o => o.GetProperty("slug").GetString() == slug)
            .Which.GetProperty("status").GetString().Should().Be("member");
        details.GetProperty("memberCount").GetInt32().Should().Be(1);
        details.GetProperty("foundedBy").GetString().Should().Be(founder.Handle);
        details.GetProperty("you").GetProperty("status").GetString().Should().Be("member");
        details.GetProperty("vouchesNeeded").GetInt32().Should().Be(1);
        charter.GetProperty("quorum").GetProperty("numerator").GetInt32().Should().Be(1);
        charter.GetProperty("quorum").GetProperty("denominator").GetInt32().Should().Be(2);
        charter.GetProperty("supermajority").GetProperty("denominator").GetInt32().Should().Be(3);
        charter.GetProperty("minimumDiscussionHours").GetInt32().Should().Be(48);
        charter.GetProperty("votingPeriodHours").GetInt32().Should().Be(72);
        charter.GetProperty("vouchesRequired").GetInt32().Should().Be(2);
        charter.GetProperty("rollCallReveal").GetString().Should().Be("live");
    }

    [Fact]
    public async Task Founding_with_a_new_account_returns_ten_recovery_codes_once_and_signs_in()
    {
        using var client = app.CreateClient();
        var handle = ApiClient.NewHandle("founder");
        var slug = People.NewSlug();

        using var response = await client.PostJsonAsync("/api/orgs", new { name = "Dock Union", slug, handle, password = ApiClient.DefaultPassword });

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        response.Headers.Location!.ToString().Should().Be($"/api/orgs/{slug}");
        var body = await response.ReadJsonAsync();
        body.GetProperty("recoveryCodes").GetArrayLength().Should().Be(10);
        body.GetProperty("organization").GetProperty("name").GetString().Should().Be("Dock Union");
        var session = await (await client.GetAsync("/api/session")).ReadJsonAsync();
        session.GetProperty("handle").GetString().Should().Be(handle);
    }

    [Fact]
    public async Task A_signed_in_account_founds_without_making_another_account()
    {
        var (founder, _) = await app.FoundAsync();
        using var __ = founder;
        var slug = People.NewSlug();

        using var response = await founder.Client.PostJsonAsync("/api/orgs", new { name = "Second home", slug });

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var body = await response.ReadJsonAsync();
        body.GetProperty("handle").GetString().Should().Be(founder.Handle);
        body.GetProperty("recoveryCodes").ValueKind.Should().Be(JsonValueKind.Null);
        (await (await founder.Client.GetAsync("/api/orgs")).ReadJsonAsync()).GetArrayLength().Should().Be(2);
    }

    [Fact]
    public async Task An_invited_person_joins_as_a_candidate_and_one_vouch_admits_them_in_a_small_organization()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        var invitation = await founder.IssueInvitationAsync(slug);
        invitation.GetProperty("link").GetString().Should().EndWith("/join/" + invitation.GetProperty("token").GetString());

        using var candidate = await app.JoinAsync(invitation.GetProperty("token").GetString()!);
        var members = await (await candidate.Client.GetAsync($"/api/orgs/{slug}/members")).ReadJsonAsync();
        var entry = members.GetProperty("people").EnumerateArray().Single(p => p.GetProperty("handle").GetString() == candidate.Handle);
        entry.GetProperty("status").GetString().Should().Be("candidate");
        entry.GetProperty("invitedBy").GetString().Should().Be(founder.Handle);

        using var vouch = await founder.Client.PostAsync($"/api/orgs/{slug}/members/{candidate.Handle}/vouches");

        vouch.StatusCode.Should().Be(HttpStatusCode.OK);
        var vouched = await vouch.ReadJsonAsync();
        vouched.GetProperty("status").GetString().Should().Be("member");
        vouched.GetProperty("vouchesNeeded").GetInt32().Should().Be(1);
        members = await (await candidate.Client.GetAsync($"/api/orgs/{slug}/members")).ReadJsonAsync();
        entry = members.GetProperty("people").EnumerateArray().Single(p => p.GetProperty("handle").GetString() == candidate.Handle);
        entry.GetProperty("status").GetString().Should().Be("member");
        entry.GetProperty("vouches").EnumerateArray().Select(v => v.GetProperty("voucher").GetString()).Should().Equal(founder.Handle);
        var invitations = await (await founder.Client.GetAsync($"/api/orgs/{slug}/invitations")).ReadJsonAsync();
        invitations.EnumerateArray().Single().GetProperty("status").GetString().Should().Be("accepted");
        invitations.EnumerateArray().Single().GetProperty("acceptedBy").GetString().Should().Be(candidate.Handle);
    }

    [Fact]
    public async Task With_five_members_a_candidate_needs_two_distinct_vouches()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        var others = new List<Person>();
        for (var i = 0; i < 4; i++) others.Add(await app.AdmitAsync(founder, slug));
        using var candidate = await app.JoinAsync(await founder.InviteAsync(slug));

        await founder.VouchAsync(slug, candidate.Handle);
        var afterOne = await (await candidate.Client.GetAsync($"/api/orgs/{slug}")).ReadJsonAsync();
        await others[0].VouchAsync(slug, candidate.Handle);
        var afterTwo = await (await candidate.Client.GetAsync($"/api/orgs/{slug}")).ReadJsonAsync();

        afterOne.GetProperty("you").GetProperty("status").GetString().Should().Be("candidate");
        afterOne.GetProperty("vouchesNeeded").GetInt32().Should().Be(2);
        afterTwo.GetProperty("you").GetProperty("status").GetString().Should().Be("member");
        afterTwo.GetProperty("memberCount").GetInt32().Should().Be(6);
        others.ForEach(o => o.Dispose());
    }

    [Fact]
    public async Task Two_members_vouching_at_the_same_moment_admit_the_candidate_once()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        using var second = await app.AdmitAsync(founder, slug);
        for (var round = 0; round < 5; round++)
        {
            using var candidate = await app.JoinAsync(await founder.InviteAsync(slug));

            var responses = await Task.WhenAll(
                founder.Client.PostAsync($"/api/orgs/{slug}/members/{candidate.Handle}/vouches"),
                second.Client.PostAsync($"/api/orgs/{slug}/members/{candidate.Handle}/vouches"));

            responses.Select(r => r.StatusCode).Should().Contain(HttpStatusCode.OK)
                .And.OnlyContain(s => s == HttpStatusCode.OK || s == HttpStatusCode.Conflict);
            (await app.ScalarAsync<long>(
                "SELECT count(*) FROM es.events WHERE type = 'member_admitted' AND data->>'handle' = $1", candidate.Handle)).Should().Be(1);
            foreach (var response in responses) response.Dispose();
        }
    }

    [Fact]
    public async Task Membership_events_name_the_organization_as_tenant_and_the_acting_handle_and_hold_no_secrets()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        var invitation = await founder.IssueInvitationAsync(slug);
        var token = invitation.GetProperty("token").GetString()!;
        using var candidate = await app.JoinAsync(token);
        await founder.VouchAsync(slug, candidate.Handle);
        var orgId = await app.ScalarAsync<Guid>("SELECT id FROM organizations WHERE slug = $1", slug);
        var accountIds = new List<string>();
        foreach (var handle in new[] { founder.Handle, candidate.Handle })
            accountIds.Add((await app.ScalarAsync<Guid>("SELECT id FROM accounts WHERE handle = $1", handle)).ToString());

        var events = new List<(string Type, string? Tenant, string? Actor, string Data)>();
        await using (var connection = new NpgsqlConnection(app.ConnectionString))
        {
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                "SELECT type, tenant_id, actor, data::text FROM es.events WHERE data::text LIKE '%' || $1 || '%' ORDER BY seq", connection);
            cmd.Parameters.AddWithValue(orgId.ToString());
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                events.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3)));
        }

        events.Select(e => e.Type).Should().Equal(
            "organization_founded", "member_admitted", "invitation_issued", "invitation_accepted", "candidate_admitted", "vouch_given", "member_admitted");
        events.Should().OnlyContain(e => e.Tenant == orgId.ToString());
        events.Select(e => e.Actor).Should().Equal(
            founder.Handle, founder.Handle, founder.Handle, candidate.Handle, candidate.Handle, founder.Handle, founder.Handle);
        events.Should().OnlyContain(e => !e.Data.Contains(token) && !e.Data.Contains(ApiClient.DefaultPassword)
            && accountIds.All(id => !e.Data.Contains(id)));
        (await app.ScalarAsync<string>("SELECT token_hash FROM invitation_tokens WHERE invitation_id = $1", invitation.GetProperty("id").GetGuid()))
            .Should().Be(InvitationTokens.Hash(token)).And.NotContain(token);
    }

    [Fact]
    public async Task Leaving_ends_access_on_the_next_request_and_a_new_invitation_brings_the_person_back_as_a_candidate()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        using var member = await app.AdmitAsync(founder, slug);
        (await member.Client.GetAsync($"/api/orgs/{slug}")).StatusCode.Should().Be(HttpStatusCode.OK);

        await member.LeaveAsync(slug);

        (await member.Client.GetAsync($"/api/orgs/{slug}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await (await member.Client.GetAsync("/api/orgs")).ReadJsonAsync()).GetArrayLength().Should().Be(0);
        var members = await (await founder.Client.GetAsync($"/api/orgs/{slug}/members")).ReadJsonAsync();
        members.GetProperty("people").EnumerateArray().Select(p => p.GetProperty("handle").GetString()).Should().NotContain(member.Handle);

        using var rejoin = await member.Client.PostJsonAsync("/api/invitations/accept", new { token = await founder.InviteAsync(slug) });

        rejoin.StatusCode.Should().Be(HttpStatusCode.OK);
        var details = await (await member.Client.GetAsync($"/api/orgs/{slug}")).ReadJsonAsync();
        details.GetProperty("you").GetProperty("status").GetString().Should().Be("candidate");
        members = await (await founder.Client.GetAsync($"/api/orgs/{slug}/members")).ReadJsonAsync();
        members.GetProperty("people").EnumerateArray().Single(p => p.GetProperty("handle").GetString() == member.Handle)
            .GetProperty("vouches").GetArrayLength().Should().Be(0, "vouches from the earlier candidacy do not carry over");
    }

    [Fact]
    public async Task One_account_can_belong_to_several_organizations_each_with_its_own_standing()
    {
        var (first, firstSlug) = await app.FoundAsync();
        var (second, secondSlug) = await app.FoundAsync();
        using var _ = first;
        using var __ = second;

        using var join = await first.Client.PostJsonAsync("/api/invitations/accept", new { token = await second.InviteAsync(secondSlug) });

        join.StatusCode.Should().Be(HttpStatusCode.OK);
        var mine = await (await first.Client.GetAsync("/api/orgs")).ReadJsonAsync();
        mine.EnumerateArray().ToDictionary(o => o.GetProperty("slug").GetString()!, o => o.GetProperty("status").GetString())
            .Should().BeEquivalentTo(new Dictionary<string, string> { [firstSlug] = "member", [secondSlug] = "candidate" });
    }

    [Fact]
    public async Task A_personal_access_token_reaches_the_organization_endpoints_like_the_cookie()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        using var bot = app.CreateTokenClient(await founder.Client.CreateTokenAsync());

        (await bot.GetAsync($"/api/orgs/{slug}/members")).StatusCode.Should().Be(HttpStatusCode.OK);
        using var issued = await bot.PostAsync($"/api/orgs/{slug}/invitations");
        issued.StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Revoking_an_invitation_is_open_to_any_member_and_is_shown_in_the_list()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        using var member = await app.AdmitAsync(founder, slug);
        var id = (await founder.IssueInvitationAsync(slug)).GetProperty("id").GetGuid();

        using var revoke = await member.Client.DeleteAsync($"/api/orgs/{slug}/invitations/{id}");

        revoke.StatusCode.Should().Be(HttpStatusCode.NoContent);
        var list = await (await founder.Client.GetAsync($"/api/orgs/{slug}/invitations")).ReadJsonAsync();
        var entry = list.EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == id);
        entry.GetProperty("status").GetString().Should().Be("revoked");
        entry.GetProperty("revokedBy").GetString().Should().Be(member.Handle);
    }
}
