using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ESoviet.Testing;

namespace ESoviet.Web.Tests.Accounts;

public sealed class Changing_the_password(AppFixture app) : IClassFixture<AppFixture>
{
    private const string NewPassword = "a much longer new passphrase";

    [Fact]
    public async Task A_short_new_password_is_refused_with_a_field_error()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("anna"));
        using var client = await app.SignInAsync(account.Handle);

        using var response = await client.PostJsonAsync("/api/account/password",
            new { currentPassword = ApiClient.DefaultPassword, newPassword = "short pass" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.ReadProblemAsync()).Errors["newPassword"].Should().ContainSingle().Which.Should().Contain("12");
        using var again = await app.SignInAsync(account.Handle);
    }

    [Fact]
    public async Task A_wrong_current_password_is_refused_with_a_field_error()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("boris"));
        using var client = await app.SignInAsync(account.Handle);

        using var response = await client.PostJsonAsync("/api/account/password",
            new { currentPassword = "this is not it, sorry", newPassword = NewPassword });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.ReadProblemAsync()).Errors.Keys.Should().Equal("currentPassword");
    }

    [Fact]
    public async Task The_change_ends_other_sessions_at_once_and_keeps_this_one()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("clara"));
        using var laptop = await app.SignInAsync(account.Handle);
        using var phone = await app.SignInAsync(account.Handle);
        (await phone.GetAsync("/api/account/tokens")).StatusCode.Should().Be(HttpStatusCode.OK);

        using var response = await laptop.PostJsonAsync("/api/account/password",
            new { currentPassword = ApiClient.DefaultPassword, newPassword = NewPassword });

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await phone.GetAsync("/api/account/tokens")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await phone.GetFromJsonAsync<JsonElement>("/api/session")).GetProperty("signedIn").GetBoolean().Should().BeFalse();
        (await laptop.GetAsync("/api/account/tokens")).StatusCode.Should().Be(HttpStatusCode.OK);

        // The laptop's antiforgery token survives the stamp change: it can write straight away.
        using var write = await laptop.PostJsonAsync("/api/account/tokens", new { name = "after the change" });
        write.StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task The_new_password_signs_in_and_the_old_one_no_longer_does()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("dora"));
        using (var client = await app.SignInAsync(account.Handle))
        {
            using var change = await client.PostJsonAsync("/api/account/password",
                new { currentPassword = ApiClient.DefaultPassword, newPassword = NewPassword });
            change.StatusCode.Should().Be(HttpStatusCode.NoContent);
        }

        using var anonymous = app.CreateClient();
        using var old = await anonymous.PostJsonAsync("/api/session", new { handle = account.Handle, password = ApiClient.DefaultPassword });
        old.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        using var fresh = await app.SignInAsync(account.Handle, NewPassword);
    }

    [Fact]
    public async Task Signing_out_everywhere_ends_every_session_and_revokes_tokens()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("emil"));
        using var laptop = await app.SignInAsync(account.Handle);
        using var phone = await app.SignInAsync(account.Handle);
        using var bot = app.CreateTokenClient(await laptop.CreateTokenAsync());

        using var response = await laptop.PostAsync("/api/account/sign-out-everywhere");

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await laptop.GetAsync("/api/account/tokens")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await phone.GetAsync("/api/account/tokens")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await bot.GetAsync("/api/session")).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "a revoked token is refused, not taken for a signed-out visitor");
        using var again = await app.SignInAsync(account.Handle);
    }
}
