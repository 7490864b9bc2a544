using System.Net;
using System.Text.RegularExpressions;
using ESoviet.Testing;

namespace ESoviet.Web.Tests.Membership;

/// <summary>Each refusal is a clear 4xx that writes nothing: the event count is the same before and after.</summary>
public sealed class Refusing_bad_membership_input(MembershipFixture app) : IClassFixture<MembershipFixture>
{
    [Fact]
    public async Task Founding_with_a_handle_taken_in_another_case_is_a_handle_error()
    {
        var (founder, _) = await app.FoundAsync();
        using var _ = founder;
        using var client = app.CreateClient();
        var slug = People.NewSlug();
        var before = await app.EventCountAsync();

        using var response = await client.PostJsonAsync("/api/orgs",
            new { name = "Copycat", slug, handle = founder.Handle.ToUpperInvariant(), password = ApiClient.DefaultPassword });

        var problem = await response.ReadProblemAsync();
        problem.Status.Should().Be(400);
        problem.Errors.Should().ContainKey("handle").WhoseValue.Single().Should().Contain("taken");
        (await app.EventCountAsync()).Should().Be(before);
        (await app.ScalarAsync<long>("SELECT count(*) FROM organizations WHERE slug = $1", slug)).Should().Be(0);
    }

    [Fact]
    public async Task Joining_with_a_handle_taken_in_another_case_is_a_handle_error_and_the_invitation_stays_open()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        var token = await founder.InviteAsync(slug);
        using var client = app.CreateClient();
        var before = await app.EventCountAsync();

        using var response = await client.PostJsonAsync("/api/invitations/accept",
            new { token, handle = founder.Handle.ToUpperInvariant(), password = ApiClient.DefaultPassword });

        var problem = await response.ReadProblemAsync();
        problem.Status.Should().Be(400);
        problem.Errors.Keys.Should().Equal("handle");
        (await app.EventCountAsync()).Should().Be(before);
        (await app.JoinAsync(token)).Dispose();
    }

    [Fact]
    public async Task Founding_with_a_short_password_or_a_bad_address_names_each_field()
    {
        using var client = app.CreateClient();
        var before = await app.EventCountAsync();

        using var response = await client.PostJsonAsync("/api/orgs",
            new { name = "X", slug = "Not an address!", handle = ApiClient.NewHandle("founder"), password = "short" });

        var problem = await response.ReadProblemAsync();
        problem.Status.Should().Be(400);
        problem.Errors.Keys.Should().BeEquivalentTo("name", "slug", "password");
        problem.Errors["password"].Single().Should().Contain("12 characters");
        (await app.EventCountAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Founding_at_a_taken_address_is_an_address_error()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        var before = await app.EventCountAsync();

        using var response = await founder.Client.PostJsonAsync("/api/orgs", new { name = "Twin", slug = slug.ToUpperInvariant() });

        var problem = await response.ReadProblemAsync();
        problem.Status.Should().Be(400);
        problem.Errors["slug"].Single().Should().Contain("taken");
        (await app.EventCountAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Joining_with_a_short_password_is_a_password_error()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        var token = await founder.InviteAsync(slug);
        using var client = app.CreateClient();
        var before = await app.EventCountAsync();

        using var response = await client.PostJsonAsync("/api/invitations/accept",
            new { token, handle = ApiClient.NewHandle("candidate"), password = "eleven-char" });

        var problem = await response.ReadProblemAsync();
        problem.Status.Should().Be(400);
        problem.Errors.Keys.Should().Equal("password");
        (await app.EventCountAsync()).Should().Be(before);
    }

    [Fact]
    public async Task An_invitation_used_after_seven_days_has_expired()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        var token = await founder.InviteAsync(slug);
        app.Clock.Advance(TimeSpan.FromDays(8));
        using var client = app.CreateClient();
        var before = await app.EventCountAsync();

        using var response = await client.PostJsonAsync("/api/invitations/accept",
            new { token, handle = ApiClient.NewHandle("late"), password = ApiClient.DefaultPassword });

        var problem = await response.ReadProblemAsync();
        problem.Status.Should().Be(410);
        problem.Title.Should().Contain("expired");
        (await app.EventCountAsync()).Should().Be(before);
        var list = await (await founder.Client.GetAsync($"/api/orgs/{slug}/invitations")).ReadJsonAsync();
        list.EnumerateArray().Single().GetProperty("status").GetString().Should().Be("expired");
    }

    [Fact]
    public async Task A_used_invitation_cannot_be_used_again()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        var token = await founder.InviteAsync(slug);
        (await app.JoinAsync(token)).Dispose();
        using var client = app.CreateClient();
        var before = await app.EventCountAsync();

        using var response = await client.PostJsonAsync("/api/invitations/accept",
            new { token, handle = ApiClient.NewHandle("second"), password = ApiClient.DefaultPassword });

        var problem = await response.ReadProblemAsync();
        problem.Status.Should().Be(410);
        problem.Title.Should().Contain("already been used");
        (await app.EventCountAsync()).Should().Be(before);
    }

    [Fact]
    public async Task A_revoked_invitation_no_longer_works()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        var invitation = await founder.IssueInvitationAsync(slug);
        (await founder.Client.DeleteAsync($"/api/orgs/{slug}/invitations/{invitation.GetProperty("id").GetGuid()}"))
            .StatusCode.Should().Be(HttpStatusCode.NoContent);
        using var client = app.CreateClient();
        var before = await app.EventCountAsync();

        using var response = await client.PostJsonAsync("/api/invitations/accept",
            new { token = invitation.GetProperty("token").GetString(), handle = ApiClient.NewHandle("late"), password = ApiClient.DefaultPassword });

        var problem = await response.ReadProblemAsync();
        problem.Status.Should().Be(410);
        problem.Title.Should().Contain("withdrawn");
        (await app.EventCountAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Revoking_twice_is_a_conflict()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        var id = (await founder.IssueInvitationAsync(slug)).GetProperty("id").GetGuid();
        await founder.Client.DeleteAsync($"/api/orgs/{slug}/invitations/{id}");
        var before = await app.EventCountAsync();

        using var response = await founder.Client.DeleteAsync($"/api/orgs/{slug}/invitations/{id}");

        (await response.ReadProblemAsync()).Status.Should().Be(409);
        (await app.EventCountAsync()).Should().Be(before);
    }

    [Fact]
    public async Task An_unknown_token_is_refused_without_naming_any_organization()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        var token = await founder.InviteAsync(slug);
        var wrong = token[..^4] + (token.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        using var client = app.CreateClient();
        var before = await app.EventCountAsync();

        using var api = await client.PostJsonAsync("/api/invitations/accept",
            new { token = wrong, handle = ApiClient.NewHandle("guess"), password = ApiClient.DefaultPassword });
        using var page = await client.GetAsync($"/join/{wrong}");

        var problem = await api.ReadProblemAsync();
        problem.Status.Should().Be(404);
        problem.Title.Should().Contain("not valid");
        page.StatusCode.Should().Be(HttpStatusCode.NotFound);
        var html = await page.Content.ReadAsStringAsync();
        html.Should().Contain("This invitation link is not valid").And.NotContain(slug).And.NotContain(founder.Handle);
        (await app.EventCountAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Vouching_twice_for_the_same_candidate_is_a_conflict()
    {
        // Five members, so one vouch does not admit and the second attempt is a repeat, not a vouch for a member.
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        for (var i = 0; i < 4; i++) (await app.AdmitAsync(founder, slug)).Dispose();
        using var candidate = await app.JoinAsync(await founder.InviteAsync(slug));
        await founder.VouchAsync(slug, candidate.Handle);
        var before = await app.EventCountAsync();

        using var response = await founder.Client.PostAsync($"/api/orgs/{slug}/members/{candidate.Handle.ToUpperInvariant()}/vouches");

        var problem = await response.ReadProblemAsync();
        problem.Status.Should().Be(409);
        problem.Title.Should().Contain("already vouched");
        (await app.EventCountAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Vouching_for_yourself_is_refused()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        var before = await app.EventCountAsync();

        using var response = await founder.Client.PostAsync($"/api/orgs/{slug}/members/{founder.Handle}/vouches");

        var problem = await response.ReadProblemAsync();
        problem.Status.Should().Be(400);
        problem.Errors["handle"].Single().Should().Contain("yourself");
        (await app.EventCountAsync()).Should().Be(before);
    }

    [Fact]
    public async Task A_candidate_cannot_vouch_even_for_another_candidate()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        using var first = await app.JoinAsync(await founder.InviteAsync(slug));
        using var second = await app.JoinAsync(await founder.InviteAsync(slug));
        var before = await app.EventCountAsync();

        using var response = await first.Client.PostAsync($"/api/orgs/{slug}/members/{second.Handle}/vouches");

        (await response.ReadProblemAsync()).Status.Should().Be(403);
        (await app.EventCountAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Vouching_for_a_member_or_someone_unknown_is_refused()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        using var member = await app.AdmitAsync(founder, slug);
        var before = await app.EventCountAsync();

        using var forMember = await founder.Client.PostAsync($"/api/orgs/{slug}/members/{member.Handle}/vouches");
        using var forNobody = await founder.Client.PostAsync($"/api/orgs/{slug}/members/nobody-here/vouches");
        using var forNonsense = await founder.Client.PostAsync($"/api/orgs/{slug}/members/{Uri.EscapeDataString("not a handle")}/vouches");

        (await forMember.ReadProblemAsync()).Status.Should().Be(409);
        (await forNobody.ReadProblemAsync()).Status.Should().Be(404);
        (await forNonsense.ReadProblemAsync()).Status.Should().Be(404);
        (await app.EventCountAsync()).Should().Be(before);
    }

    [Fact]
    public async Task The_join_page_shows_a_taken_handle_beside_the_field_and_writes_nothing()
    {
        var (founder, slug) = await app.FoundAsync();
        using var _ = founder;
        var token = await founder.InviteAsync(slug);
        using var browser = app.CreateClient();
        var before = await app.EventCountAsync();

        using var response = await browser.SubmitFormAsync($"/join/{token}", new()
        {
            ["Input.Handle"] = founder.Handle.ToUpperInvariant(),
            ["Input.Password"] = ApiClient.DefaultPassword,
            ["Input.RepeatPassword"] = ApiClient.DefaultPassword,
        });

        response.StatusCode.Should().Be(HttpStatusCode.OK, "the form comes back with its errors, like the sign-in form");
        var html = await response.Content.ReadAsStringAsync();
        Regex.IsMatch(html, "<span class=\"field__error field-validation-error\" data-valmsg-for=\"Input.Handle\"[^>]*>That handle is taken")
            .Should().BeTrue(html);
        (await app.EventCountAsync()).Should().Be(before);
    }

    [Fact]
    public async Task The_found_page_shows_field_errors_in_place_and_writes_nothing()
    {
        using var browser = app.CreateClient();
        var before = await app.EventCountAsync();

        using var response = await browser.SubmitFormAsync("/found", new()
        {
            ["Input.Name"] = "Harbour",
            ["Input.Slug"] = "Har bour",
            ["Input.Handle"] = ApiClient.NewHandle("founder"),
            ["Input.Password"] = "short",
            ["Input.RepeatPassword"] = "short",
        });

        response.StatusCode.Should().Be(HttpStatusCode.OK, "the form comes back with its errors, like the sign-in form");
        var html = await response.Content.ReadAsStringAsync();
        html.Should().Contain("data-valmsg-for=\"Input.Slug\"").And.Contain("The web address is 2 to 40 lowercase letters")
            .And.Contain("A password needs at least 12 characters.");
        html.Should().Contain("value=\"Harbour\"", "what was typed stays in the form").And.NotContain("value=\"short\"");
        (await app.EventCountAsync()).Should().Be(before);
    }
}

internal static class Forms
{
    /// <summary>Loads the page, then posts its form with the page's antiforgery token, as a browser would.</summary>
    public static async Task<HttpResponseMessage> SubmitFormAsync(this HttpClient client, string url, Dictionary<string, string> fields)
    {
        var page = await client.GetStringAsync(url);
        var token = Regex.Matches(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Last().Groups[1].Value;
        fields["__RequestVerificationToken"] = token;
        return await client.PostAsync(url, new FormUrlEncodedContent(fields));
    }
}
