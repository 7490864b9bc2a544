using System.Net;
using System.Text.Json;
using ESoviet.Testing;
using Npgsql;

namespace ESoviet.Web.Tests.Membership;

/// <summary>Someone using the API: their handle and their own signed-in client (cookie jar + X-CSRF-TOKEN).</summary>
public sealed record Person(string Handle, HttpClient Client) : IDisposable
{
    public void Dispose() => Client.Dispose();
}

/// <summary>Builds organizations and people through the public API, the way a client program would.</summary>
public static class People
{
    public static string NewSlug() => "org-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Founds a fresh organization with a new founder account; the founder's client is signed in.</summary>
    public static async Task<(Person Founder, string Slug)> FoundAsync(this AppFixture app)
    {
        var slug = NewSlug();
        var handle = ApiClient.NewHandle("founder");
        var client = app.CreateClient();
        using var response = await client.PostJsonAsync("/api/orgs",
            new { name = $"Organization {slug}", slug, handle, password = ApiClient.DefaultPassword });
        await ExpectAsync(response, HttpStatusCode.Created);
        await client.UseCsrfTokenAsync();
        return (new Person(handle, client), slug);
    }

    public static async Task<JsonElement> IssueInvitationAsync(this Person member, string slug)
    {
        using var response = await member.Client.PostAsync($"/api/orgs/{slug}/invitations");
        await ExpectAsync(response, HttpStatusCode.Created);
        return await response.ReadJsonAsync();
    }

    public static async Task<string> InviteAsync(this Person member, string slug) =>
        (await member.IssueInvitationAsync(slug)).GetProperty("token").GetString()!;

    /// <summary>Accepts an invitation with a new account; the new candidate's client is signed in.</summary>
    public static async Task<Person> JoinAsync(this AppFixture app, string token, string prefix = "candidate")
    {
        var handle = ApiClient.NewHandle(prefix);
        var client = app.CreateClient();
        using var response = await client.PostJsonAsync("/api/invitations/accept", new { token, handle, password = ApiClient.DefaultPassword });
        await ExpectAsync(response, HttpStatusCode.OK);
        await client.UseCsrfTokenAsync();
        return new Person(handle, client);
    }

    public static async Task VouchAsync(this Person voucher, string slug, string candidate)
    {
        using var response = await voucher.Client.PostAsync($"/api/orgs/{slug}/members/{candidate}/vouches");
        await ExpectAsync(response, HttpStatusCode.OK);
    }

    /// <summary>Invites, joins and vouches someone in; one vouch suffices while the organization has fewer than five members.</summary>
    public static async Task<Person> AdmitAsync(this AppFixture app, Person voucher, string slug, string prefix = "member")
    {
        var person = await app.JoinAsync(await voucher.InviteAsync(slug), prefix);
        await voucher.VouchAsync(slug, person.Handle);
        return person;
    }

    public static async Task LeaveAsync(this Person member, string slug)
    {
        using var response = await member.Client.PostAsync($"/api/orgs/{slug}/membership/leave");
        await ExpectAsync(response, HttpStatusCode.NoContent);
    }

    /// <summary>Every event in the log: a refused command must leave this unchanged.</summary>
    public static async Task<long> EventCountAsync(this AppFixture app)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM es.events", connection);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public static async Task<T> ScalarAsync<T>(this AppFixture app, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters) cmd.Parameters.AddWithValue(p);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
