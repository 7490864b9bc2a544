using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ESoviet.Testing;

namespace ESoviet.Web.Tests.Accounts;

public sealed class Recovery_codes(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task A_code_signs_in_once()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("anna"));
        using var first = app.CreateClient();
        using var second = app.CreateClient();

        using var used = await first.PostJsonAsync("/api/session/recovery", new { handle = account.Handle, code = account.RecoveryCodes[0] });
        using var reused = await second.PostJsonAsync("/api/session/recovery", new { handle = account.Handle, code = account.RecoveryCodes[0] });

        used.StatusCode.Should().Be(HttpStatusCode.OK);
        (await used.ReadJsonAsync()).GetProperty("remainingRecoveryCodes").GetInt32().Should().Be(9);
        (await first.GetFromJsonAsync<JsonElement>("/api/session")).GetProperty("handle").GetString().Should().Be(account.Handle);
        reused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await reused.ReadProblemAsync()).Title.Should().Be("Handle or recovery code is wrong");
    }

    [Fact]
    public async Task A_code_typed_in_capitals_without_the_dash_still_works()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("boris"));
        using var client = app.CreateClient();

        using var response = await client.PostJsonAsync("/api/session/recovery",
            new { handle = account.Handle, code = " " + account.RecoveryCodes[3].Replace("-", " ", StringComparison.Ordinal).ToUpperInvariant() });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Another_accounts_code_does_not_work_and_is_not_spent()
    {
        var anna = await app.CreateAccountAsync(ApiClient.NewHandle("clara"));
        var boris = await app.CreateAccountAsync(ApiClient.NewHandle("dora"));
        using var client = app.CreateClient();

        using var wrong = await client.PostJsonAsync("/api/session/recovery", new { handle = anna.Handle, code = boris.RecoveryCodes[0] });
        using var unknown = await client.PostJsonAsync("/api/session/recovery", new { handle = ApiClient.NewHandle("nobody"), code = boris.RecoveryCodes[0] });
        using var right = await client.PostJsonAsync("/api/session/recovery", new { handle = boris.Handle, code = boris.RecoveryCodes[0] });

        wrong.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await unknown.ReadProblemAsync()).Should().BeEquivalentTo(await wrong.ReadProblemAsync());
        right.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_recovery_session_may_set_a_new_password_without_the_old_one()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("emil"));
        using var client = app.CreateClient();
        (await client.PostJsonAsync("/api/session/recovery", new { handle = account.Handle, code = account.RecoveryCodes[1] })).EnsureSuccessStatusCode();
        await client.UseCsrfTokenAsync();

        using var change = await client.PostJsonAsync("/api/account/password", new { newPassword = "a new password after recovery" });

        change.StatusCode.Should().Be(HttpStatusCode.NoContent);
        using var signedIn = await app.SignInAsync(account.Handle, "a new password after recovery");

        // The renewed session is an ordinary one: the next change needs the current password again.
        using var second = await client.PostJsonAsync("/api/account/password", new { newPassword = "yet another new password" });
        second.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await second.ReadProblemAsync()).Errors.Keys.Should().Equal("currentPassword");
    }

    [Fact]
    public async Task Replacing_the_codes_returns_ten_new_ones_and_voids_the_old()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("fritz"));
        using var client = await app.SignInAsync(account.Handle);

        using var refused = await client.PostJsonAsync("/api/account/recovery-codes", new { password = "wrong password here" });
        using var response = await client.PostJsonAsync("/api/account/recovery-codes", new { password = ApiClient.DefaultPassword });

        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await refused.ReadProblemAsync()).Errors.Keys.Should().Equal("password");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        var codes = (await response.ReadJsonAsync()).GetProperty("codes").EnumerateArray().Select(c => c.GetString()!).ToList();
        codes.Should().HaveCount(10).And.OnlyHaveUniqueItems().And.AllSatisfy(c => c.Should().MatchRegex("^[a-z2-9]{5}-[a-z2-9]{5}$"));
        codes.Should().NotIntersectWith(account.RecoveryCodes);

        using var anonymous = app.CreateClient();
        (await anonymous.PostJsonAsync("/api/session/recovery", new { handle = account.Handle, code = account.RecoveryCodes[0] }))
            .StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await anonymous.PostJsonAsync("/api/session/recovery", new { handle = account.Handle, code = codes[0] }))
            .StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
