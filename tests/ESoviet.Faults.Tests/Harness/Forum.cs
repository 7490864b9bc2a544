using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ESoviet.EventStore;
using ESoviet.Testing;
using ESoviet.Web.Accounts;
using ESoviet.Web.Membership;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ESoviet.Faults.Tests.Harness;

/// <summary>An organization's member as the tests drive it: a handle and a personal access token.</summary>
public sealed record Member(string Handle, string Token);

/// <summary>Organizations, members, proposals and votes, built through the app the way the other test projects do.</summary>
public static class Forum
{
    public static readonly object ProposalText = new
    {
        title = "Open a canteen",
        problem = "Members on night shifts have no hot meal.",
        action = "Open a canteen in the union hall.",
        analysis = "The hall has a kitchen; volunteers are ready.",
        alternatives = "Vouchers for the café next door.",
        plan = "Ask the hall committee, then recruit cooks.",
    };

    /// <summary>Founds an organization through the API; returns its slug, id and the founder (with a token).</summary>
    public static async Task<(string Slug, Guid Org, Member Founder)> FoundAsync(this AppFixture app)
    {
        var slug = "org-" + Guid.NewGuid().ToString("N")[..8];
        var handle = ApiClient.NewHandle("founder");
        using var client = app.CreateClient();
        using (var founded = await client.PostJsonAsync("/api/orgs", new { name = $"Organization {slug}", slug, handle, password = ApiClient.DefaultPassword }))
            await ExpectAsync(founded, HttpStatusCode.Created);
        await client.UseCsrfTokenAsync();
        var token = await client.CreateTokenAsync("faults");
        var org = await ScalarAsync<Guid>(app.ConnectionString, "SELECT id FROM organizations WHERE slug = $1", slug);
        return (slug, org, new Member(handle, token));
    }

    /// <summary>Full members written through the event store as the domain writes them, each with a token.</summary>
    public static async Task<List<Member>> SeedMembersAsync(this AppFixture app, Guid org, int count, string invitedBy) =>
        (await app.SeedFullMembersAsync(org, count, invitedBy, "faults")).Select(m => new Member(m.Handle, m.Token)).ToList();

    /// <summary>Many members at once, a hundred per commit and without tokens: volume for the sealer to chew on (two events each).</summary>
    public static async Task SeedManyMembersAsync(this AppFixture app, Guid org, int count, string invitedBy)
    {
        var accounts = app.Services.GetRequiredService<AccountStore>();
        var store = app.Services.GetRequiredService<EventStore.EventStore>();
        for (var done = 0; done < count; done += 100)
        {
            await using var session = store.OpenSession(new EventMetadata(org.ToString(), invitedBy));
            for (var i = done; i < Math.Min(count, done + 100); i++)
            {
                var handle = ApiClient.NewHandle("member");
                var account = new NewAccount(Guid.NewGuid(), handle, SeededMembers.SharedHash.Value, Guid.NewGuid(), []);
                session.Enlist((connection, ct) => accounts.InsertAsync(connection, account, ct));
                session.StartStream(MembershipState.StreamId(org, handle), "membership",
                    new CandidateAdmitted(org, handle, Guid.NewGuid(), invitedBy), new MemberAdmitted(org, handle, [invitedBy], false));
            }
            await session.SaveChangesAsync();
        }
    }

    public static HttpClient Client(this Member member, Uri node)
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = node, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", member.Token);
        return client;
    }

    /// <summary>Starts a thread and drafts and submits a proposal in it; returns the proposal's id.</summary>
    public static async Task<Guid> SubmitProposalAsync(this Member proposer, Uri node, string slug)
    {
        using var client = proposer.Client(node);
        Guid thread;
        using (var started = await client.PostJsonAsync($"/api/orgs/{slug}/threads", new { title = "Canteen", markdown = "Let us talk about a canteen." }))
        {
            await ExpectAsync(started, HttpStatusCode.Created);
            thread = (await started.ReadJsonAsync()).GetProperty("threadId").GetGuid();
        }
        Guid id;
        using (var drafted = await client.PostJsonAsync($"/api/orgs/{slug}/proposals", new { threadId = thread, kind = "policy", text = ProposalText }))
        {
            await ExpectAsync(drafted, HttpStatusCode.Created);
            id = (await drafted.ReadJsonAsync()).GetProperty("proposalId").GetGuid();
        }
        using (var submitted = await client.PostAsync($"/api/orgs/{slug}/proposals/{id}/submit", null))
            await ExpectAsync(submitted, HttpStatusCode.OK);
        return id;
    }

    public static async Task OpenVotingAsync(this Member proposer, Uri node, string slug, Guid proposal)
    {
        using var client = proposer.Client(node);
        using var opened = await client.PostAsync($"/api/orgs/{slug}/proposals/{proposal}/open-voting", null);
        await ExpectAsync(opened, HttpStatusCode.OK);
    }

    /// <summary>One attempt at <c>PUT …/votes/mine</c> with an Idempotency-Key.</summary>
    public static async Task<HttpStatusCode> VoteAsync(this HttpClient client, string slug, Guid proposal, string choice, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/orgs/{slug}/proposals/{proposal}/votes/mine")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { choice }),
        };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>
    /// Downloads the organization's ledger once it has sealed every event of the organization, and runs the independent
    /// verifier's command line on it. Returns the verifier's exit code and its output.
    /// </summary>
    public static async Task<(int ExitCode, string Output, long Entries)> VerifyLedgerAsync(Uri node, string connectionString, Guid org, string slug, Member member)
    {
        await WaitUntilAsync(async () =>
            await ScalarAsync<long>(connectionString, "SELECT count(*) FROM es.events WHERE tenant_id = $1", org.ToString())
            == await ScalarAsync<long>(connectionString, "SELECT count(*) FROM ledger_entries WHERE org_id = $1", org),
            TimeSpan.FromSeconds(60), "the ledger to seal every event of the organization");
        using var client = member.Client(node);
        var file = Path.Combine(Path.GetTempPath(), $"esoviet-ledger-{Guid.NewGuid():N}.jsonl");
        try
        {
            await File.WriteAllBytesAsync(file, await client.GetByteArrayAsync($"/api/orgs/{slug}/ledger"));
            var entries = File.ReadLines(file).LongCount();
            using var output = new StringWriter();
            var exit = ESoviet.Verify.Cli.Run([file], output, output);
            return (exit, output.ToString(), entries);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(Unpooled(connectionString));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters) cmd.Parameters.AddWithValue(p);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public static async Task<List<T>> ColumnAsync<T>(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(Unpooled(connectionString));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters) cmd.Parameters.AddWithValue(p);
        var values = new List<T>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) values.Add(r.GetFieldValue<T>(0));
        return values;
    }

    /// <summary>Polls <paramref name="condition"/> (every 50 ms) until it holds, or fails the test naming what it waited for.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception e) when (e is NpgsqlException or HttpRequestException or TaskCanceledException or IOException)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"Gave up waiting for {what}: {e.Message}", e);
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Gave up waiting for {what} after {timeout.TotalSeconds:F0} s.");
            await Task.Delay(50);
        }
    }

    // The test's own queries must not draw a connection the crash broke: that is the app's problem, not theirs.
    private static string Unpooled(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    private static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
            throw new InvalidOperationException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
