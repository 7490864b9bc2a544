using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ESoviet.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ESoviet.Web.Tests.Accounts;

/// <summary>The per-handle lockout, with the test's clock (the per-address rate limit is lifted in tests).</summary>
public sealed class Guessing_passwords(ClockedAppFixture app) : IClassFixture<ClockedAppFixture>
{
    [Fact]
    public async Task A_thousand_wrong_passwords_hold_the_lock_and_the_owner_still_gets_in_with_a_recovery_code()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("anna"));
        using var attacker = app.CreateClient();
        var statuses = new List<HttpStatusCode>();
        var retryAfters = new List<int?>();

        for (var i = 0; i < 1000; i++)
        {
            using var guess = await attacker.PostJsonAsync("/api/session", new { handle = account.Handle, password = $"guess number {i:D4}" });
            statuses.Add(guess.StatusCode);
            retryAfters.Add(guess.Headers.RetryAfter?.Delta is { } delta ? (int)delta.TotalSeconds : null);
        }

        statuses.Should().AllSatisfy(s => s.Should().Be(HttpStatusCode.Unauthorized));
        retryAfters.Take(4).Should().AllSatisfy(r => r.Should().BeNull());
        retryAfters.Skip(4).Should().AllSatisfy(r => r.Should().BeInRange(1, 60));

        // The lock holds against the right password too, with the same answer.
        using var owner = app.CreateClient();
        using var refused = await owner.PostJsonAsync("/api/session", new { handle = account.Handle, password = ApiClient.DefaultPassword });
        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        refused.Headers.RetryAfter.Should().NotBeNull();
        (await refused.ReadProblemAsync()).Title.Should().Be("Handle or password is wrong");

        // Guesses during a lock are not counted, so the attacker cannot push the lock out to the cap.
        (await FailedSignInsAsync(account.Id)).Should().Be(5);

        using var recovered = await owner.PostJsonAsync("/api/session/recovery", new { handle = account.Handle, code = account.RecoveryCodes[0] });
        recovered.StatusCode.Should().Be(HttpStatusCode.OK);
        (await owner.GetFromJsonAsync<JsonElement>("/api/session")).GetProperty("signedIn").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task An_unknown_handle_is_locked_in_the_same_way()
    {
        var known = await app.CreateAccountAsync(ApiClient.NewHandle("boris"));
        var unknown = ApiClient.NewHandle("nobody");
        using var client = app.CreateClient();

        var knownAnswers = new List<(HttpStatusCode, bool, string)>();
        var unknownAnswers = new List<(HttpStatusCode, bool, string)>();
        for (var i = 0; i < 7; i++)
        {
            knownAnswers.Add(await AnswerAsync(client, known.Handle, "wrong password " + i));
            unknownAnswers.Add(await AnswerAsync(client, unknown, "wrong password " + i));
        }

        unknownAnswers.Should().Equal(knownAnswers);
        knownAnswers.Select(a => a.Item2).Should().Equal(false, false, false, false, true, true, true);
    }

    [Fact]
    public async Task The_lock_ends_and_each_further_failure_doubles_it()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("clara"));
        using var client = app.CreateClient();
        for (var i = 0; i < 4; i++)
        {
            await AnswerAsync(client, account.Handle, "nope nope nope");
        }

        (await RetryAfterAsync(client, account.Handle, "nope nope nope")).Should().Be(60);
        app.Clock.Advance(TimeSpan.FromSeconds(61));
        (await RetryAfterAsync(client, account.Handle, "nope nope nope")).Should().Be(120);
        app.Clock.Advance(TimeSpan.FromSeconds(121));
        (await RetryAfterAsync(client, account.Handle, "nope nope nope")).Should().Be(240);
        app.Clock.Advance(TimeSpan.FromHours(2));

        using var signedIn = await app.SignInAsync(account.Handle);
        (await FailedSignInsAsync(account.Id)).Should().Be(0, "a successful sign-in resets the count");
    }

    [Fact]
    public async Task A_successful_sign_in_resets_the_count()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("dora"));
        using var client = app.CreateClient();
        for (var i = 0; i < 4; i++)
        {
            await AnswerAsync(client, account.Handle, "nope nope nope");
        }

        using (await app.SignInAsync(account.Handle))
        {
        }

        for (var i = 0; i < 4; i++)
        {
            (await AnswerAsync(client, account.Handle, "nope nope nope")).LockedOut.Should().BeFalse();
        }

        using var again = await app.SignInAsync(account.Handle);
    }

    private static async Task<(HttpStatusCode Status, bool LockedOut, string Body)> AnswerAsync(HttpClient client, string handle, string password)
    {
        using var response = await client.PostJsonAsync("/api/session", new { handle, password });
        var body = await response.Content.ReadAsStringAsync();

        // traceId differs per request; everything else must not.
        var problem = JsonDocument.Parse(body).RootElement;
        var shape = $"{problem.GetProperty("title").GetString()}|{(problem.TryGetProperty("detail", out var d) ? d.GetString() : null)}";
        return (response.StatusCode, response.Headers.RetryAfter is not null, shape);
    }

    private static async Task<int?> RetryAfterAsync(HttpClient client, string handle, string password)
    {
        using var response = await client.PostJsonAsync("/api/session", new { handle, password });
        return response.Headers.RetryAfter?.Delta is { } delta ? (int)delta.TotalSeconds : null;
    }

    private async Task<int> FailedSignInsAsync(Guid accountId)
    {
        await using var command = app.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("SELECT failed_sign_ins FROM accounts WHERE id = $1");
        command.Parameters.AddWithValue(accountId);
        return (int)(await command.ExecuteScalarAsync())!;
    }
}
