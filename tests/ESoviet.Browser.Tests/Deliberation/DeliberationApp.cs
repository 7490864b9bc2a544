using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ESoviet.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;

namespace ESoviet.Browser.Tests.Deliberation;

/// <summary>The app with founding open to every test, so each test founds its own organization and sees only its own threads.</summary>
public sealed class DeliberationApp : AppFixture
{
    protected override string DatabasePrefix => "browser_deliberation";

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.UseSetting("ESoviet:AllowFoundingAfterFirst", "true");
}

/// <summary>Someone in the organization: their handle and a signed-in API client (session cookie + X-CSRF-TOKEN).</summary>
public sealed record Member(string Handle, HttpClient Api) : IDisposable
{
    public void Dispose() => Api.Dispose();
}

/// <summary>
/// Organizations and people made through the public API, as the membership API tests make them, so browser tests
/// spend their time in the browser on the pages under test.
/// </summary>
public static class Organizations
{
    /// <summary>A 1×1 PNG: the smallest image the attachment store accepts as an image.</summary>
    public static readonly byte[] TinyPng = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    public static async Task<(Member Founder, string Slug)> FoundAsync(this AppFixture app, string? handle = null, string? slug = null, string? name = null)
    {
        slug ??= "org-" + Guid.NewGuid().ToString("N")[..8];
        handle ??= ApiClient.NewHandle("founder");
        var client = app.CreateClient();
        await ExpectAsync(await client.PostJsonAsync("/api/orgs", new { name = name ?? $"Organization {slug}", slug, handle, password = ApiClient.DefaultPassword }),
            HttpStatusCode.Created);
        await client.UseCsrfTokenAsync();
        return (new Member(handle, client), slug);
    }

    /// <summary>Invites, joins and vouches someone in (one vouch admits while the organization is small).</summary>
    public static async Task<Member> AdmitAsync(this AppFixture app, Member voucher, string slug, string? handle = null)
    {
        handle ??= ApiClient.NewHandle("member");
        var invitation = await ReadAsync(await voucher.Api.PostAsync($"/api/orgs/{slug}/invitations"), HttpStatusCode.Created);
        var client = app.CreateClient();
        await ExpectAsync(await client.PostJsonAsync("/api/invitations/accept",
            new { token = invitation.GetProperty("token").GetString(), handle, password = ApiClient.DefaultPassword }), HttpStatusCode.OK);
        await client.UseCsrfTokenAsync();
        await ExpectAsync(await voucher.Api.PostAsync($"/api/orgs/{slug}/members/{handle}/vouches"), HttpStatusCode.OK);
        return new Member(handle, client);
    }

    /// <summary>Starts a thread through the API; returns its id and its opening contribution's id.</summary>
    public static async Task<(Guid ThreadId, Guid OpeningId)> StartThreadAsync(this Member who, string slug, object body)
    {
        var started = await ReadAsync(await who.Api.PostJsonAsync($"/api/orgs/{slug}/threads", body), HttpStatusCode.Created);
        return (started.GetProperty("threadId").GetGuid(), started.GetProperty("openingId").GetGuid());
    }

    public static async Task<Guid> ReplyAsync(this Member who, string slug, Guid threadId, object body)
    {
        var posted = await ReadAsync(await who.Api.PostJsonAsync($"/api/orgs/{slug}/threads/{threadId}/contributions", body), HttpStatusCode.Created);
        return posted.GetProperty("contributionId").GetGuid();
    }

    public static async Task<string> UploadAsync(this Member who, string slug, byte[] content, string fileName, string contentType)
    {
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(content) { Headers = { ContentType = new MediaTypeHeaderValue(contentType) } }, "file", fileName },
        };
        return (await ReadAsync(await who.Api.PostAsync($"/api/orgs/{slug}/attachments", form), HttpStatusCode.Created)).GetProperty("sha256").GetString()!;
    }

    /// <summary>Signs the browser in through the sign-in page, as a person would.</summary>
    public static async Task SignInAsync(this IPage page, string handle)
    {
        await page.GotoAsync("/signin");
        await page.GetByLabel("Handle").FillAsync(handle);
        await page.GetByLabel("Password").FillAsync(ApiClient.DefaultPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator(".site-nav__handle")).ToHaveTextAsync(handle);
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            await ExpectAsync(response, expected, dispose: false);
            return await response.ReadJsonAsync();
        }
    }

    private static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode expected, bool dispose = true)
    {
        try
        {
            if (response.StatusCode != expected)
            {
                throw new InvalidOperationException(
                    $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }
        finally
        {
            if (dispose) response.Dispose();
        }
    }
}
