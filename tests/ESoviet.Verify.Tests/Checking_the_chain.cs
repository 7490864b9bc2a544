namespace ESoviet.Verify.Tests;

/// <summary>Hashes, links, positions and sequence numbers: what makes an edit, a gap or a reordering visible.</summary>
public sealed class Checking_the_chain
{
    private static HandMadeLedger FiveEntries()
    {
        var ledger = new HandMadeLedger();
        ledger.Founded();
        for (var i = 0; i < 4; i++) ledger.Add("thread_started", new { threadId = Guid.NewGuid(), title = $"Topic {i}" });
        return ledger;
    }

    private static string Join(IEnumerable<string> lines) => string.Concat(lines.Select(l => l + "\n"));

    [Fact]
    public void An_untouched_ledger_holds()
    {
        var report = FiveEntries().Verify();

        report.Ok.Should().BeTrue(report.FirstProblem?.ToString());
        report.Entries.Should().Be(5);
        report.Chains.Should().ContainSingle().Which.LastPosition.Should().Be(5);
    }

    [Fact]
    public void The_head_reported_is_the_last_lines_hash()
    {
        var ledger = FiveEntries();

        ledger.Verify().Chains.Single().Head.Should().Be(ledger.Lines[^1][9..73]);
    }

    [Fact]
    public void An_edited_entry_fails_at_its_line()
    {
        var lines = FiveEntries().Lines.ToList();
        lines[2] = lines[2].Replace("Topic 1", "Topic X");

        var report = Verifying.Verify(Join(lines));

        report.FirstProblem!.At.Line.Should().Be(3);
        report.FirstProblem.Message.Should().Contain("does not hash to the line's hash");
        report.ProblemCount.Should().Be(1, "a bad line is reported once, not again on every line after it");
    }

    [Fact]
    public void A_dropped_line_fails_where_the_gap_is()
    {
        var lines = FiveEntries().Lines.ToList();
        lines.RemoveAt(2);

        var report = Verifying.Verify(Join(lines));

        report.FirstProblem!.At.Line.Should().Be(3);
        report.FirstProblem.Message.Should().Contain("position 4 where 3 was due");
    }

    [Fact]
    public void Two_swapped_lines_fail_at_the_first_of_them()
    {
        var lines = FiveEntries().Lines.ToList();
        (lines[1], lines[2]) = (lines[2], lines[1]);

        var report = Verifying.Verify(Join(lines));

        report.FirstProblem!.At.Line.Should().Be(2);
    }

    [Fact]
    public void A_relinked_chain_with_a_wrong_position_still_fails()
    {
        // Someone drops an entry and recomputes every hash after it: the hashes hold, the positions do not.
        var original = FiveEntries();
        var forged = new HandMadeLedger();
        foreach (var (line, index) in original.Lines.Select((l, i) => (l, i)).Where(x => x.i != 2)) forged.AddRaw(line[157..^1]);

        var report = forged.Verify();

        report.FirstProblem!.At.Line.Should().Be(3);
        report.FirstProblem.Message.Should().Contain("position 4 where 3 was due");
    }

    [Fact]
    public void A_prev_that_does_not_link_fails()
    {
        var lines = FiveEntries().Lines.ToList();
        lines[3] = lines[3][..83] + new string('a', 64) + lines[3][147..];

        var report = Verifying.Verify(Join(lines));

        report.FirstProblem!.At.Line.Should().Be(4);
    }

    [Fact]
    public void Sequence_numbers_must_increase()
    {
        var ledger = new HandMadeLedger();
        ledger.Founded();
        ledger.AddRaw($$"""{"org":"{{ledger.Organization}}","position":2,"seq":1,"id":"{{Guid.NewGuid()}}","stream":"s","version":2,"type":"x","time":"2026-01-02T03:04:05.000006Z","actor":null,"data":null}""");

        ledger.Verify().FirstProblem!.Message.Should().Contain("does not increase");
    }

    [Fact]
    public void Gaps_in_sequence_numbers_are_fine()
    {
        var ledger = new HandMadeLedger();
        ledger.Founded();
        ledger.Add("thread_started", new { }, seqGap: 40);

        ledger.Verify().Ok.Should().BeTrue();
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json at all")]
    [InlineData("{\"hash\":\"abc\"}")]
    public void A_line_that_is_not_a_ledger_line_fails(string bad)
    {
        var lines = FiveEntries().Lines.ToList();
        lines.Insert(1, bad);

        var report = Verifying.Verify(Join(lines));

        report.FirstProblem!.At.Line.Should().Be(2);
    }

    [Fact]
    public void Uppercase_hex_is_not_a_ledger_line()
    {
        var lines = FiveEntries().Lines.ToList();
        lines[0] = lines[0][..9] + lines[0][9..73].ToUpperInvariant() + lines[0][73..];

        Verifying.Verify(Join(lines)).FirstProblem!.Message.Should().Contain("lowercase");
    }

    [Fact]
    public void A_ledger_resumed_without_its_beginning_fails()
    {
        var lines = FiveEntries().Lines.Skip(2);

        Verifying.Verify(Join(lines)).FirstProblem!.Message.Should().Contain("starts at position 3");
    }

    [Fact]
    public void An_export_and_its_continuation_read_together_hold()
    {
        var ledger = FiveEntries();
        using var verifier = new LedgerVerifier();
        verifier.CheckStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Join(ledger.Lines.Take(3)))), "part1.jsonl");
        verifier.CheckStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Join(ledger.Lines.Skip(3)))), "part2.jsonl");

        verifier.Finish().Ok.Should().BeTrue();
    }

    [Fact]
    public void Crlf_line_ends_and_a_missing_final_line_break_are_tolerated()
    {
        var ledger = FiveEntries();

        Verifying.Verify(string.Join("\r\n", ledger.Lines)).Ok.Should().BeTrue();
    }

    [Fact]
    public void An_empty_file_does_not_hold()
    {
        Verifying.Verify("").Ok.Should().BeFalse();
    }

    [Fact]
    public void Several_organizations_keep_separate_chains()
    {
        var a = FiveEntries();
        var b = FiveEntries();
        var interleaved = a.Lines.Zip(b.Lines).SelectMany(pair => new[] { pair.First, pair.Second });

        var report = Verifying.Verify(Join(interleaved));

        report.Ok.Should().BeTrue(report.FirstProblem?.ToString());
        report.Chains.Should().HaveCount(2);
    }

    [Fact]
    public void Lines_longer_than_the_read_buffer_are_read_whole()
    {
        var ledger = new HandMadeLedger();
        ledger.Founded();
        ledger.Add("contribution_posted", new { body = new string('x', 3 << 20) });

        ledger.Verify().Ok.Should().BeTrue();
    }
}
