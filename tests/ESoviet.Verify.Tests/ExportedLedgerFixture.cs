namespace ESoviet.Verify.Tests;

// Inside the namespace, so that the app's voting types win over the verifier's own ProposalKind and Outcome.
using System.Net;
using System.Security.Cryptography;
using System.Text;
using ESoviet.EventStore;
using ESoviet.EventStore.Projections;
using ESoviet.Testing;
using ESoviet.Web.Accounts;
using ESoviet.Web.Membership;
using ESoviet.Web.Voting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

/// <summary>The real app, exporting real ledgers: founding open to every test, each test building its own organization.</summary>
public sealed class ExportedLedgerFixture : AppFixture
{
    protected override string DatabasePrefix => "verify";

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.UseSetting("ESoviet:AllowFoundingAfterFirst", "true");

    /// <summary>Founds an organization through the API; its founder's client is signed in.</summary>
    public async Task<Organization> FoundAsync()
    {
        var slug = "org-" + Guid.NewGuid().ToString("N")[..8];
        var founder = ApiClient.NewHandle("founder");
        var client = CreateClient();
        using var response = await client.PostJsonAsync("/api/orgs", new { name = $"Organization {slug}", slug, handle = founder, password = ApiClient.DefaultPassword });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        await client.UseCsrfTokenAsync();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT id FROM organizations WHERE slug = $1", connection);
        cmd.Parameters.AddWithValue(slug);
        var id = (Guid)(await cmd.ExecuteScalarAsync())!;
        return new Organization(this, id, slug, founder, client);
    }

    public async Task ExecuteAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters) cmd.Parameters.AddWithValue(p);
        await cmd.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// An organization with proposals voted on by appending the voting events straight through the event store, the way
/// the voting feature records them (tenant = the organization, actor = the member), then exported over HTTP.
/// </summary>
public sealed class Organization(ExportedLedgerFixture app, Guid id, string slug, string founder, HttpClient client) : IDisposable
{
    public Guid Id { get; } = id;
    public string Slug { get; } = slug;
    public string Founder { get; } = founder;
    public Charter Charter { get; private set; } = Charter.Default;

    /// <summary>The event ids of every vote cast, in order, with who cast them.</summary>
    public List<(Guid EventId, string Voter, VoteChoice Choice)> Votes { get; } = [];

    public List<(Guid EventId, string Nonce)> Nonces { get; } = [];

    private EventStore Store => app.Services.GetRequiredService<EventStore>();

    public void Dispose() => client.Dispose();

    public string[] Electorate(int others) => [Founder, .. Enumerable.Range(1, others).Select(i => $"elector-{i}")];

    /// <summary>Drafts, opens, votes and closes one proposal under the charter in force; returns its id.</summary>
    public async Task<Guid> DecideAsync(ProposalKind kind, string[] electorate, (string Voter, VoteChoice Choice)[] votes, Charter? newCharter = null)
    {
        var proposal = Guid.CreateVersion7();
        var charter = Charter;
        var now = DateTimeOffset.UtcNow;
        var thread = Guid.CreateVersion7();
        var text = new ProposalText("Buy a second oven", "Queues", "Buy it", "Cheap enough", "Rent one", "Order next week");
        var subject = kind == ProposalKind.MembershipReview ? electorate[^1] : null;
        // As the server writes it: the submission repeats the proposal, because the draft was private.
        await AppendAsync(Founder, VotingStreams.Proposal(proposal),
            new ProposalSubmitted(proposal, thread, kind, Founder, 1, text, newCharter, subject, now),
            new VotingOpened(proposal, now, now.AddHours(charter.VotingPeriodHours), 1, electorate, charter));

        var sealedRollCall = charter.RollCallReveal == RollCallReveal.AtClose;
        var revealed = new List<RevealedVote>();
        foreach (var (voter, choice) in votes)
        {
            var reason = choice == VoteChoice.Against ? "Too dear." : null;
            var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            var cast = sealedRollCall
                ? new VoteCast(proposal, voter, null, null, Commitment(proposal, voter, choice, reason, nonce))
                : new VoteCast(proposal, voter, choice, reason, null);
            var stored = await AppendAsync(voter, VotingStreams.Vote(proposal, Handles.Key(voter)), cast);
            Votes.Add((stored[0].Id, voter, choice));
            Nonces.Add((stored[0].Id, nonce));
            revealed.Add(new RevealedVote(stored[0].Id, voter, choice, reason, nonce));
        }

        // The last vote of each elector counts; the server's own rules make the record the verifier recounts.
        var current = votes.GroupBy(v => Handles.Key(v.Voter)).Select(g => g.Last().Choice);
        var tally = Tally.Count(electorate.Length, current);
        var outcome = VotingRules.Outcome(tally, charter, kind);
        var closing = new List<object>();
        if (sealedRollCall)
        {
            // Only each elector's last vote is opened: superseded commitments stay sealed.
            var last = revealed.GroupBy(r => Handles.Key(r.Voter)).Select(g => g.Last()).ToList();
            closing.Add(new VotesRevealed(proposal, last));
        }
        closing.Add(new VotingClosed(proposal, DateTimeOffset.UtcNow, false, tally.Electorate, tally.For, tally.Against, tally.Abstain, outcome));
        await AppendAsync(Founder, VotingStreams.Proposal(proposal), [.. closing]);

        if (kind == ProposalKind.CharterChange && outcome == ProposalOutcome.Adopted)
        {
            await AppendAsync(Founder, OrganizationStreams.StreamId(Id), new CharterAmended(Id, proposal, newCharter!));
            Charter = newCharter!;
        }
        return proposal;
    }

    /// <summary>docs/ledger.md: sha256 of "esoviet-vote-v1\n{proposal}\n{voter}\n{choice}\n{reason}\n{nonce}", lowercase hex.</summary>
    public static string Commitment(Guid proposal, string voter, VoteChoice choice, string? reason, string nonce) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"esoviet-vote-v1\n{proposal}\n{voter}\n{VotingProjection.Word(choice)}\n{reason ?? ""}\n{nonce}")));

    public async Task<IReadOnlyList<StoredEvent>> AppendAsync(string actor, string stream, params object[] events)
    {
        await using var session = Store.OpenSession(new EventMetadata(Id.ToString(), actor));
        session.Append(stream, events);
        return await session.SaveChangesAsync();
    }

    /// <summary>Waits for sealing, then downloads the whole ledger as a member would.</summary>
    public async Task<string> ExportAsync()
    {
        await app.Services.GetRequiredService<ProjectionDaemon>().WaitForNonStaleAsync(TimeSpan.FromSeconds(30));
        using var response = await client.GetAsync($"/api/orgs/{Slug}/ledger");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync();
    }
}
