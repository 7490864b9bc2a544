using System.Collections.Concurrent;
using ESoviet.EventStore;
using ESoviet.Web.Accounts;
using ESoviet.Web.Deliberation;
using ESoviet.Web.Membership;
using ESoviet.Web.Voting;
using Npgsql;

namespace ESoviet.Bench;

public sealed record Elector(Guid AccountId, string Handle, string Token);

/// <summary>Many members and an open vote, written through the event store as the domain writes them.</summary>
public static class Electorate
{
    /// <summary>
    /// <paramref name="count"/> members sharing one precomputed password hash (PBKDF2 per account would dominate the
    /// seeding), written 250 to a transaction, each with a personal access token (created concurrently).
    /// </summary>
    public static async Task<List<Elector>> SeedMembersAsync(Seeding seeding, Guid org, string founder, int count)
    {
        var hash = AccountStore.HashPassword(Seeding.Password);
        var prefix = org.ToString("N")[..8];
        var people = Enumerable.Range(0, count)
            .Select(i => new NewAccount(Guid.NewGuid(), $"e{i:D6}-{prefix}", hash, Guid.NewGuid(), []))
            .ToList();
        foreach (var batch in people.Chunk(250))
        {
            await using var session = seeding.Store.OpenSession(new EventMetadata(org.ToString(), founder));
            foreach (var account in batch)
            {
                session.Enlist((connection, ct) => seeding.Accounts.InsertAsync(connection, account, ct));
                session.StartStream(MembershipState.StreamId(org, account.Handle), "membership",
                    new CandidateAdmitted(org, account.Handle, Guid.NewGuid(), founder), new MemberAdmitted(org, account.Handle, [founder], false));
            }
            await session.SaveChangesAsync();
        }
        var tokens = new PersonalAccessTokens(seeding.DataSource, TimeProvider.System);
        var electors = new ConcurrentBag<Elector>();
        await Parallel.ForEachAsync(people, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (account, ct) =>
        {
            var token = await tokens.CreateAsync(account.Id, "bench", ct) ?? throw new InvalidOperationException("no token");
            electors.Add(new Elector(account.Id, account.Handle, token.Token));
        });
        return [.. electors.OrderBy(e => e.Handle, StringComparer.Ordinal)];
    }

    /// <summary>A token for an account that already exists (the founder, say).</summary>
    public static async Task<string> TokenForAsync(Seeding seeding, string handle)
    {
        await using var cmd = seeding.DataSource.CreateCommand("SELECT id FROM accounts WHERE handle = $1");
        cmd.Parameters.AddWithValue(handle);
        var id = (Guid)(await cmd.ExecuteScalarAsync())!;
        var token = await new PersonalAccessTokens(seeding.DataSource, TimeProvider.System).CreateAsync(id, "bench", CancellationToken.None);
        return token!.Token;
    }

    /// <summary>
    /// A policy proposal in a new thread, drafted, submitted with a discussion that ended yesterday, and open for
    /// voting now with <paramref name="electorate"/> as its electors (the events the commands would have written).
    /// </summary>
    public static async Task<Guid> OpenVoteAsync(Seeding seeding, Guid org, string founder, IReadOnlyList<string> electorate)
    {
        var thread = Guid.NewGuid();
        var opening = Guid.NewGuid();
        await using (var session = seeding.Store.OpenSession(new EventMetadata(org.ToString(), founder)))
        {
            session.StartStream(DeliberationStreams.Thread(thread), "thread", new ThreadStarted(thread, "Should we rent the hall?", ["bench"], false, founder, opening));
            session.StartStream(DeliberationStreams.Contribution(opening), "contribution",
                new ContributionPosted(opening, thread, null, founder, "We need a bigger hall for the general meeting.", null, []));
            await session.SaveChangesAsync();
        }
        var now = DateTimeOffset.UtcNow;
        var proposal = Guid.CreateVersion7(now);
        var text = new ProposalText("Rent the hall", "The room is too small.", "Rent the hall for a year.", "It fits everyone.", "Meet online.", "Sign in May.");
        await using (var session = seeding.Store.OpenSession(new EventMetadata(null, founder)))
        {
            session.StartStream(VotingStreams.Proposal(proposal), "proposal",
                new ProposalDrafted(proposal, org, thread, ProposalKind.Policy, founder, text, null, null));
            await session.SaveChangesAsync();
        }
        await using (var session = seeding.Store.OpenSession(new EventMetadata(org.ToString(), founder)))
        {
            session.Append(VotingStreams.Proposal(proposal), 1,
                new ProposalSubmitted(proposal, thread, ProposalKind.Policy, founder, 1, text, null, null, now.AddDays(-1)),
                new VotingOpened(proposal, now, now.AddHours(Charter.Default.VotingPeriodHours), 1, electorate, Charter.Default));
            await session.SaveChangesAsync();
        }
        return proposal;
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql, params object[] parameters)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        foreach (var p in parameters) cmd.Parameters.AddWithValue(p);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }
}
