using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ESoviet.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ESoviet.Web.Tests.Accounts;

public sealed class Personal_access_tokens(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task A_new_token_is_shown_once_and_authenticates_as_its_account()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("anna"));
        using var browser = await app.SignInAsync(account.Handle);

        using var created = await browser.PostJsonAsync("/api/account/tokens", new { name = "ballot counter" });

        created.StatusCode.Should().Be(HttpStatusCode.Created);
        created.Headers.CacheControl!.NoStore.Should().BeTrue();
        var token = (await created.ReadJsonAsync()).GetProperty("token").GetString()!;
        token.Should().MatchRegex("^esv_[A-Za-z0-9_-]{43}$");
        using var bot = app.CreateTokenClient(token);
        var session = await bot.GetFromJsonAsync<JsonElement>("/api/session");
        session.GetProperty("signedIn").GetBoolean().Should().BeTrue();
        session.GetProperty("handle").GetString().Should().Be(account.Handle);
    }

    [Fact]
    public async Task Using_a_token_records_the_day_and_the_list_never_shows_the_token()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("boris"));
        using var browser = await app.SignInAsync(account.Handle);
        var token = await browser.CreateTokenAsync("minutes bot");
        var before = await browser.GetStringAsync("/api/account/tokens");
        JsonDocument.Parse(before).RootElement[0].GetProperty("lastUsedOn").ValueKind.Should().Be(JsonValueKind.Null);

        using var bot = app.CreateTokenClient(token);
        (await bot.GetAsync("/api/session")).EnsureSuccessStatusCode();

        var listed = await browser.GetStringAsync("/api/account/tokens");
        listed.Should().NotContain(token).And.NotContain(token[4..]);
        var entry = JsonDocument.Parse(listed).RootElement.EnumerateArray().Single();
        entry.GetProperty("name").GetString().Should().Be("minutes bot");
        entry.GetProperty("lastUsedOn").GetString().Should().Be(DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        entry.GetProperty("revoked").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task Only_the_tokens_sha256_is_stored()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("clara"));
        using var browser = await app.SignInAsync(account.Handle);
        var token = await browser.CreateTokenAsync();

        await using var command = app.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "SELECT token_hash FROM access_tokens WHERE account_id = $1");
        command.Parameters.AddWithValue(account.Id);
        var stored = (string)(await command.ExecuteScalarAsync())!;

        stored.Should().Be(Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token))));
    }

    [Fact]
    public async Task A_revoked_token_is_refused_with_401()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("dora"));
        using var browser = await app.SignInAsync(account.Handle);
        using var created = await browser.PostJsonAsync("/api/account/tokens", new { name = "old" });
        var body = await created.ReadJsonAsync();
        using var bot = app.CreateTokenClient(body.GetProperty("token").GetString()!);
        (await bot.GetAsync("/api/account/tokens")).StatusCode.Should().Be(HttpStatusCode.Forbidden, "valid, but tokens may not manage tokens");

        using var revoke = await browser.DeleteAsync($"/api/account/tokens/{body.GetProperty("id").GetString()}");

        revoke.StatusCode.Should().Be(HttpStatusCode.NoContent);
        using var refused = await bot.GetAsync("/api/account/tokens");
        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        refused.Headers.WwwAuthenticate.ToString().Should().Be("Bearer");
        (await refused.ReadProblemAsync()).Status.Should().Be(401);
        (await browser.GetFromJsonAsync<JsonElement>("/api/account/tokens"))[0].GetProperty("revoked").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task A_token_cannot_create_tokens_change_the_password_or_replace_recovery_codes()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("emil"));
        using var bot = await app.CreateTokenClientAsync(account.Handle);

        using var mint = await bot.PostJsonAsync("/api/account/tokens", new { name = "entrenched" });
        using var password = await bot.PostJsonAsync("/api/account/password",
            new { currentPassword = ApiClient.DefaultPassword, newPassword = "attacker's new password" });
        using var codes = await bot.PostJsonAsync("/api/account/recovery-codes", new { password = ApiClient.DefaultPassword });
        using var revokeAll = await bot.PostAsync("/api/account/sign-out-everywhere");

        mint.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        password.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        codes.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        revokeAll.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        using var owner = await app.SignInAsync(account.Handle);
        (await owner.GetFromJsonAsync<JsonElement>("/api/account/tokens")).GetArrayLength().Should().Be(1);
    }

    [Fact]
    public async Task Another_accounts_token_cannot_be_revoked()
    {
        var anna = await app.CreateAccountAsync(ApiClient.NewHandle("fritz"));
        var boris = await app.CreateAccountAsync(ApiClient.NewHandle("greta"));
        using var annaBrowser = await app.SignInAsync(anna.Handle);
        using var borisBrowser = await app.SignInAsync(boris.Handle);
        using var created = await borisBrowser.PostJsonAsync("/api/account/tokens", new { name = "boris's" });
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetString();

        using var revoke = await annaBrowser.DeleteAsync($"/api/account/tokens/{id}");

        revoke.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await borisBrowser.GetFromJsonAsync<JsonElement>("/api/account/tokens"))[0].GetProperty("revoked").GetBoolean().Should().BeFalse();
    }

    [Theory]
    [InlineData("Bearer esv_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Bearer not-a-token")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task A_bad_authorization_header_is_401_even_beside_a_valid_cookie(string header)
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("hanna"));
        using var browser = await app.SignInAsync(account.Handle);
        browser.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", header);

        using var response = await browser.GetAsync("/api/account/tokens");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_needs_a_name()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("ida"));
        using var browser = await app.SignInAsync(account.Handle);

        using var response = await browser.PostJsonAsync("/api/account/tokens", new { name = "  " });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.ReadProblemAsync()).Errors.Keys.Should().Equal("name");
    }
}
