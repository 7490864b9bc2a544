namespace ESoviet.Verify.Tests;

using System.Security.Cryptography;
using System.Text;
using ESoviet.Web.Membership;
using ESoviet.Web.Voting;

/// <summary>
/// A real export of an organization that decided things, in both kinds of roll call, checked by the verifier as a
/// member would run it; then the same export with one thing changed. Every change must fail, at its line.
/// </summary>
public sealed class Tampering_with_an_exported_ledger(ExportedLedgerFixture app) : IClassFixture<ExportedLedgerFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("esoviet-tamper-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// A live policy vote, an adopted charter change that makes roll calls revealed at close, then a sealed policy vote
    /// in which one elector changes their mind.
    /// </summary>
    private async Task<(Organization Org, Guid Live, Guid Sealed)> DecideThingsAsync()
    {
        var org = await app.FoundAsync();
        var electorate = org.Electorate(4);
        var live = await org.DecideAsync(ProposalKind.Policy, electorate,
        [
            (electorate[0], VoteChoice.For), (electorate[1], VoteChoice.For), (electorate[2], VoteChoice.Against), (electorate[3], VoteChoice.Abstain),
        ]);
        await org.DecideAsync(ProposalKind.CharterChange, electorate,
        [
            (electorate[0], VoteChoice.For), (electorate[1], VoteChoice.For), (electorate[2], VoteChoice.For), (electorate[3], VoteChoice.Against),
        ], Charter.Default with { RollCallReveal = RollCallReveal.AtClose });
        var sealedVote = await org.DecideAsync(ProposalKind.Policy, electorate,
        [
            (electorate[0], VoteChoice.Against), (electorate[1], VoteChoice.For), (electorate[2], VoteChoice.For), (electorate[0], VoteChoice.For),
        ]);
        return (org, live, sealedVote);
    }

    private (int Exit, string Output) Verify(string text, string name = "ledger.jsonl")
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        var output = new StringWriter();
        var exit = Cli.Run([path], output, new StringWriter());
        return (exit, output.ToString());
    }

    private static List<string> Lines(string export) => export.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();

    private static string Join(IEnumerable<string> lines) => string.Concat(lines.Select(l => l + "\n"));

    /// <summary>The 1-based line holding the event with this id.</summary>
    private static int LineOf(List<string> lines, Guid eventId) => lines.FindIndex(l => l.Contains($"\"id\":\"{eventId}\"")) + 1;

    private static int LineOf(List<string> lines, string type, Guid proposal) =>
        lines.FindIndex(l => l.Contains($"\"type\":\"{type}\"") && l.Contains(proposal.ToString())) + 1;

    /// <summary>What a careful forger does after editing: recompute every hash from the edit on, so that the chain holds again.</summary>
    private static List<string> Rehash(List<string> lines)
    {
        var result = new List<string>();
        var prev = new string('0', 64);
        foreach (var line in lines)
        {
            var entry = line[157..^1];
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(prev + "\n" + entry)));
            result.Add($"{{\"hash\":\"{hash}\",\"prev\":\"{prev}\",\"entry\":{entry}}}");
            prev = hash;
        }
        return result;
    }

    [Fact]
    public async Task The_untampered_export_holds_and_every_vote_is_recounted()
    {
        var (org, live, sealedVote) = await DecideThingsAsync();
        using var _ = org;

        var (exit, output) = Verify(await org.ExportAsync());

        exit.Should().Be(0, output);
        output.Should().Contain("proposals recounted: 3")
            .And.Contain($"{live}  policy            electorate 5  for 2  against 1  abstain 1  -> adopted")
            .And.Contain("charter_change    electorate 5  for 3  against 1  abstain 0  -> adopted")
            .And.Contain($"{sealedVote}  policy            electorate 5  for 3  against 0  abstain 0  -> adopted  (sealed roll call)")
            .And.Contain("OK:");
    }

    [Fact]
    public async Task Changing_one_vote_in_the_file_fails_at_that_line()
    {
        var (org, live, _) = await DecideThingsAsync();
        using var __ = org;
        var lines = Lines(await org.ExportAsync());
        var vote = org.Votes.First(v => v.Choice == VoteChoice.For);
        var line = LineOf(lines, vote.EventId);
        lines[line - 1] = lines[line - 1].Replace("\"choice\": \"for\"", "\"choice\": \"against\"");

        var (exit, output) = Verify(Join(lines));

        exit.Should().Be(1);
        output.Should().Contain($"FAILED at line {line} of").And.Contain("does not hash");
    }

    [Fact]
    public async Task Dropping_a_line_fails_where_it_is_missing()
    {
        var (org, _, _) = await DecideThingsAsync();
        using var __ = org;
        var lines = Lines(await org.ExportAsync());
        var line = LineOf(lines, org.Votes[2].EventId);
        lines.RemoveAt(line - 1);

        var (exit, output) = Verify(Join(lines));

        exit.Should().Be(1);
        output.Should().Contain($"FAILED at line {line} of").And.Contain($"position {line + 1} where {line} was due");
    }

    [Fact]
    public async Task Swapping_two_lines_fails_at_the_first_of_them()
    {
        var (org, _, _) = await DecideThingsAsync();
        using var __ = org;
        var lines = Lines(await org.ExportAsync());
        var line = LineOf(lines, org.Votes[1].EventId);
        (lines[line - 1], lines[line]) = (lines[line], lines[line - 1]);

        var (exit, output) = Verify(Join(lines));

        exit.Should().Be(1);
        output.Should().Contain($"FAILED at line {line} of");
    }

    [Fact]
    public async Task Changing_a_recorded_outcome_fails_even_with_every_hash_recomputed()
    {
        var (org, live, _) = await DecideThingsAsync();
        using var __ = org;
        var lines = Lines(await org.ExportAsync());
        var line = LineOf(lines, "voting_closed", live);
        lines[line - 1] = lines[line - 1].Replace("\"outcome\": \"adopted\"", "\"outcome\": \"rejected\"");

        var edited = Verify(Join(lines), "edited.jsonl");
        var forged = Verify(Join(Rehash(lines)), "forged.jsonl");

        edited.Exit.Should().Be(1);
        edited.Output.Should().Contain($"FAILED at line {line} of").And.Contain("does not hash");
        forged.Exit.Should().Be(1);
        forged.Output.Should().Contain($"FAILED at line {line} of").And.Contain("does not match what was recorded")
            .And.Contain("-> rejected; recounted").And.Contain("-> adopted");
    }

    [Fact]
    public async Task Changing_a_revealed_nonce_fails_even_with_every_hash_recomputed()
    {
        var (org, _, sealedVote) = await DecideThingsAsync();
        using var __ = org;
        var lines = Lines(await org.ExportAsync());
        var line = LineOf(lines, "votes_revealed", sealedVote);
        var nonce = org.Nonces.Last().Nonce;
        lines[line - 1].Should().Contain(nonce);
        lines[line - 1] = lines[line - 1].Replace(nonce, "AAAA" + nonce[4..]);

        var edited = Verify(Join(lines), "edited.jsonl");
        var forged = Verify(Join(Rehash(lines)), "forged.jsonl");

        edited.Exit.Should().Be(1);
        edited.Output.Should().Contain($"FAILED at line {line} of");
        forged.Exit.Should().Be(1);
        forged.Output.Should().Contain($"FAILED at line {line} of").And.Contain("does not match the commitment");
    }

    [Fact]
    public async Task Revealing_a_different_choice_than_committed_fails()
    {
        var (org, _, sealedVote) = await DecideThingsAsync();
        using var __ = org;
        var lines = Lines(await org.ExportAsync());
        var reveal = LineOf(lines, "votes_revealed", sealedVote);
        var closed = LineOf(lines, "voting_closed", sealedVote);
        // Turn every For into Against in the reveal and fix the recorded count to match: only the commitments object.
        lines[reveal - 1] = lines[reveal - 1].Replace("\"choice\": \"for\"", "\"choice\": \"against\"");
        lines[closed - 1] = lines[closed - 1].Replace("\"for\": 3", "\"for\": 0").Replace("\"against\": 0", "\"against\": 3")
            .Replace("\"outcome\": \"adopted\"", "\"outcome\": \"rejected\"");

        var (exit, output) = Verify(Join(Rehash(lines)));

        exit.Should().Be(1);
        output.Should().Contain($"FAILED at line {reveal} of").And.Contain("does not match the commitment");
    }

    [Fact]
    public async Task Editing_an_event_row_in_the_database_shows_in_the_next_export()
    {
        var (org, _, _) = await DecideThingsAsync();
        using var __ = org;
        var before = Lines(await org.ExportAsync());
        var vote = org.Votes.First(v => v.Choice == VoteChoice.For);

        await app.ExecuteAsync("UPDATE es.events SET data = jsonb_set(data, '{choice}', '\"against\"') WHERE id = $1", vote.EventId);
        var after = await org.ExportAsync();

        var line = LineOf(before, vote.EventId);
        var (exit, output) = Verify(after);
        exit.Should().Be(1);
        output.Should().Contain($"FAILED at line {line} of").And.Contain("does not hash");
        Lines(after)[line - 1].Should().Contain("\"choice\": \"against\"");
    }

    [Fact]
    public async Task Deleting_an_event_row_shows_in_the_next_export()
    {
        var (org, _, _) = await DecideThingsAsync();
        using var __ = org;
        var before = Lines(await org.ExportAsync());
        var vote = org.Votes[1];

        await app.ExecuteAsync("DELETE FROM es.events WHERE id = $1", vote.EventId);
        var (exit, output) = Verify(await org.ExportAsync());

        exit.Should().Be(1);
        output.Should().Contain($"FAILED at line {LineOf(before, vote.EventId)} of");
    }
}
