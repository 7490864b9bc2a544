using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ESoviet.Web.Accounts;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ESoviet.Testing;

/// <summary>
/// HTTP helpers for tests against <see cref="AppFixture"/>. A cookie client is one browser: its own cookie jar,
/// plus the <c>X-CSRF-TOKEN</c> header every cookie-authenticated write under /api must carry. A token client
/// sends <c>Authorization: Bearer esv_…</c> and needs no antiforgery token.
/// </summary>
public static class ApiClient
{
    public const string DefaultPassword = "correct horse battery staple";

    /// <summary>An account inserted straight through <see cref="AccountStore"/>, with its recovery codes in clear text.</summary>
    public static async Task<NewAccount> CreateAccountAsync(this AppFixture app, string handle, string password = DefaultPassword)
    {
        var store = app.Services.GetRequiredService<AccountStore>();
        var account = store.Prepare(handle, password);
        await using var connection = await app.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await store.InsertAsync(connection, account, CancellationToken.None);
        return account;
    }

    /// <summary>A unique handle for a test: <c>prefix-1a2b3c4d</c>.</summary>
    public static string NewHandle(string prefix = "member") => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// Signs in through <c>POST /api/session</c> and returns a client holding the session cookie and the
    /// X-CSRF-TOKEN default header. Throws when the sign-in fails.
    /// </summary>
    public static async Task<HttpClient> SignInAsync(this AppFixture app, string handle, string password = DefaultPassword)
    {
        var client = app.CreateClient();
        using var response = await client.PostJsonAsync("/api/session", new { handle, password });
        if (response.StatusCode != HttpStatusCode.NoContent)
        {
            client.Dispose();
            throw new InvalidOperationException($"Sign-in as {handle} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        await client.UseCsrfTokenAsync();
        return client;
    }

    /// <summary>
    /// Fetches the antiforgery token from <c>GET /api/session</c> and sends it on every later request. Call it again
    /// after the client's session changes (signed in another way, e.g. by founding an organization): the token is
    /// tied to the signed-in account.
    /// </summary>
    public static async Task<string> UseCsrfTokenAsync(this HttpClient client)
    {
        var session = await client.GetFromJsonAsync<JsonElement>("/api/session");
        var token = session.GetProperty("csrfToken").GetString()!;
        client.DefaultRequestHeaders.Remove(AccountsSetup.AntiforgeryHeader);
        client.DefaultRequestHeaders.Add(AccountsSetup.AntiforgeryHeader, token);
        return token;
    }

    /// <summary>Creates a personal access token with a signed-in cookie client; returns the token.</summary>
    public static async Task<string> CreateTokenAsync(this HttpClient cookieClient, string name = "test token")
    {
        using var response = await cookieClient.PostJsonAsync("/api/account/tokens", new { name });
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Creating a token failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return (await response.ReadJsonAsync()).GetProperty("token").GetString()!;
    }

    /// <summary>A client without cookies that authenticates every request with <paramref name="token"/>.</summary>
    public static HttpClient CreateTokenClient(this AppFixture app, string token)
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Signs in as <paramref name="handle"/>, mints a token and returns a bearer client using it.</summary>
    public static async Task<HttpClient> CreateTokenClientAsync(this AppFixture app, string handle, string password = DefaultPassword, string name = "test token")
    {
        using var cookieClient = await app.SignInAsync(handle, password);
        return app.CreateTokenClient(await cookieClient.CreateTokenAsync(name));
    }

    public static Task<HttpResponseMessage> PostJsonAsync<T>(this HttpClient client, string url, T body) =>
        client.PostAsJsonAsync(url, body, Json);

    public static Task<HttpResponseMessage> PutJsonAsync<T>(this HttpClient client, string url, T body) =>
        client.PutAsJsonAsync(url, body, Json);

    public static Task<HttpResponseMessage> PatchJsonAsync<T>(this HttpClient client, string url, T body) =>
        client.PatchAsJsonAsync(url, body, Json);

    /// <summary>A POST with no body (an action endpoint such as sign-out-everywhere).</summary>
    public static Task<HttpResponseMessage> PostAsync(this HttpClient client, string url) =>
        client.PostAsync(url, content: null);

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>An RFC 9457 problem document; throws when the response is not <c>application/problem+json</c>.</summary>
    public static async Task<Problem> ReadProblemAsync(this HttpResponseMessage response)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType != "application/problem+json")
        {
            throw new InvalidOperationException($"Expected a problem document, got {(int)response.StatusCode} {mediaType}: {await response.Content.ReadAsStringAsync()}");
        }

        var json = await response.ReadJsonAsync();
        var errors = new Dictionary<string, string[]>();
        if (json.TryGetProperty("errors", out var fieldErrors) && fieldErrors.ValueKind == JsonValueKind.Object)
        {
            foreach (var field in fieldErrors.EnumerateObject())
            {
                errors[field.Name] = field.Value.EnumerateArray().Select(e => e.GetString() ?? "").ToArray();
            }
        }

        return new Problem(
            json.TryGetProperty("status", out var status) ? status.GetInt32() : (int)response.StatusCode,
            json.TryGetProperty("title", out var title) ? title.GetString() : null,
            json.TryGetProperty("detail", out var detail) ? detail.GetString() : null,
            errors);
    }

    /// <summary>A problem document's members; <see cref="Errors"/> holds a validation problem's field errors (camelCase keys).</summary>
    public sealed record Problem(int Status, string? Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
