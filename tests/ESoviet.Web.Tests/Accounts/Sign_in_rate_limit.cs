using System.Net;
using ESoviet.Testing;

namespace ESoviet.Web.Tests.Accounts;

public sealed class Sign_in_rate_limit(StrictRateLimitAppFixture app) : IClassFixture<StrictRateLimitAppFixture>
{
    // One test, because the limit is per client address and every test here comes from 127.0.0.1.
    [Fact]
    public async Task Past_the_limit_sign_in_answers_429_with_retry_after_while_recovery_has_its_own_bucket()
    {
        var account = await app.CreateAccountAsync(ApiClient.NewHandle("anna"));
        using var client = app.CreateClient();

        // Showing the form is not an attempt.
        for (var i = 0; i < 10; i++)
        {
            (await client.GetAsync("/signin")).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        for (var i = 0; i < StrictRateLimitAppFixture.Permits; i++)
        {
            (await client.PostJsonAsync("/api/session", new { handle = account.Handle, password = "wrong wrong wrong" }))
                .StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        using var limited = await client.PostJsonAsync("/api/session", new { handle = account.Handle, password = ApiClient.DefaultPassword });

        limited.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds.Should().BeInRange(1, 600);
        var problem = await limited.ReadProblemAsync();
        problem.Status.Should().Be(429);
        problem.Title.Should().Be("Too many attempts");
        limited.Headers.Contains("Set-Cookie").Should().BeFalse();

        // The sign-in page shares the bucket with the API.
        using var pagePost = await client.PostAsync("/signin", new FormUrlEncodedContent([new("Handle", account.Handle)]));
        pagePost.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        pagePost.Headers.RetryAfter.Should().NotBeNull();

        using var recovery = await client.PostJsonAsync("/api/session/recovery", new { handle = account.Handle, code = account.RecoveryCodes[0] });
        recovery.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
